import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs, keyIdOf, signedInAdmin, usersActionAs } from "../support/admin";
import { startApp, type App } from "../support/app";
import type { Session } from "../support/http";
import { MOCK_REPLY_CHUNKS, mockInputTokens, startMockLlm, type MockLlm } from "../support/mock-llm";
import { unique } from "../support/names";
import { freePort } from "../support/ports";

/**
 * The gateway end to end: the official `openai` and `@anthropic-ai/sdk` packages, unmodified, pointed
 * at the built app, which forwards to the local mock LLM. Run with valkey-server and with the
 * in-process cache (two files). The app, its endpoints and one user's key are set up once and never
 * changed; a test that suspends, deletes or watches a key or user makes its own.
 */
export function gatewaySuite(valkey: boolean) {
  let app: App;
  let mock: MockLlm;
  let paced: MockLlm;
  let admin: Session;
  let userId: string;
  let key: string;
  const UPSTREAM_KEY = "upstream-secret-key-1234";

  const row = async (sql: string, args: (string | number)[] = []) => (await app.db.execute({ sql, args })).rows[0];
  const usageOf = (requestId: string) => row("SELECT * FROM usage_events WHERE request_id = ?", [requestId]);
  const lastUsage = () => row("SELECT * FROM usage_events ORDER BY id DESC LIMIT 1");
  const oa = (apiKey = key, on = app) => new OpenAI({ apiKey, baseURL: `${on.url}/v1`, maxRetries: 0 });
  const an = (apiKey = key, on = app) => new Anthropic({ apiKey, baseURL: on.url, maxRetries: 0 });
  const chat = (apiKey = key, on = app) => oa(apiKey, on).chat.completions.create({ model: "mock-gpt", messages: [{ role: "user", content: "Say hi" }] });
  const act = (name: string, payload: unknown) => usersActionAs(app, admin, name, payload);
  /** A user of this test's own with one key. */
  const ownKey = async (label = "own") => {
    const id = await createUserAs(app, admin, unique("gw"));
    return { userId: id, key: await createKeyAs(app, admin, id, label) };
  };

  beforeAll(async () => {
    mock = await startMockLlm({ chunkDelayMs: 0, slowMs: 5000 });
    paced = await startMockLlm({ chunkDelayMs: 150 });
    app = await startApp({ valkey, smtp: false, env: { GATEWAY_UPSTREAM_TIMEOUT_MS: "1000", GATEWAY_MAX_BODY_BYTES: "65536" } });
    admin = await signedInAdmin(app);
    userId = await createUserAs(app, admin, unique("gw-user"));
    key = await createKeyAs(app, admin, userId, "sdk tests");
    // The endpoints every test routes to, added through the admin action; no test changes them.
    const models = ["mock-gpt", "mock-error", "mock-slow", "mock-hang-stream", "mock-bad-json"];
    await createEndpointAs(app, admin, { name: "mock-oa", baseUrl: `${mock.url}/v1`, apiStyle: "openai", apiKey: UPSTREAM_KEY, models, eurPerMInput: 2, eurPerMOutput: 8 });
    await createEndpointAs(app, admin, { name: "mock-an", baseUrl: `${mock.url}/v1`, apiStyle: "anthropic", apiKey: UPSTREAM_KEY, models: ["mock-claude", "mock-hang-stream"], eurPerMInput: 3, eurPerMOutput: 15 });
    await createEndpointAs(app, admin, { name: "down", baseUrl: `http://127.0.0.1:${await freePort()}/v1`, apiStyle: "openai", models: ["gone-model"] });
    await createEndpointAs(app, admin, { name: "paced", baseUrl: `${paced.url}/v1`, apiStyle: "openai", models: ["paced-gpt"] });
  });
  afterAll(async () => {
    await app?.stop();
    await mock?.stop();
    await paced?.stop();
  });

  describe(`the gateway (${valkey ? "valkey-server" : "in-process cache"})`, () => {
    it("answers 503 in the client's shape while no endpoint is configured, and serves once one is added", async () => {
      // A deployment of its own: the suite's app has its endpoints.
      const bare = await startApp({ valkey, smtp: false });
      onTestFinished(() => bare.stop());
      const bareAdmin = await signedInAdmin(bare);
      const bareKey = await createKeyAs(bare, bareAdmin, await createUserAs(bare, bareAdmin, unique("gw-bare")));
      const err = await chat(bareKey, bare).catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.InternalServerError);
      expect(err.status).toBe(503);
      expect(err.error).toMatchObject({ type: "api_error", code: "no_endpoint", message: expect.stringMatching(/No model endpoint/) });
      const aerr = await an(bareKey, bare).messages.create({ model: "mock-claude", max_tokens: 10, messages: [{ role: "user", content: "x" }] }).catch((e) => e);
      expect(aerr.status).toBe(503);
      expect(aerr.error).toMatchObject({ type: "error", error: { type: "api_error" } });
      await createEndpointAs(bare, bareAdmin, { name: "mock-oa", baseUrl: `${mock.url}/v1`, models: ["mock-gpt"] });
      await expect.poll(() => chat(bareKey, bare).then(() => "ok", (e) => String(e.status)), { timeout: 5000, interval: 250 }).toBe("ok");
    });

    it("forwards a chat completion with the upstream's key and meters it at the endpoint's prices", async () => {
      const res = await oa().chat.completions.create({ model: "mock-gpt", messages: [{ role: "user", content: "Count these characters" }] }).withResponse();
      expect(res.data.choices[0].message.content).toBe("Hello from the mock LLM");
      const upstream = mock.requests.at(-1)!;
      expect(upstream.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
      expect(JSON.stringify(upstream.headers)).not.toContain(key);
      const input = mockInputTokens(upstream.body);
      expect(res.data.usage).toMatchObject({ prompt_tokens: input, completion_tokens: 5 });
      const u = await usageOf(res.response.headers.get("x-request-id")!);
      expect(u).toMatchObject({ user_id: userId, endpoint: "mock-oa", model: "mock-gpt", input_tokens: input, output_tokens: 5, status: "ok" });
      expect(Number(u.cost_eur)).toBeCloseTo((input * 2 + 5 * 8) / 1e6, 12);
      expect(Number(u.latency_ms)).toBeGreaterThanOrEqual(0);
    });

    it("streams chat completions, asking the upstream for usage without passing that chunk on", async () => {
      const stream = await oa().chat.completions.create({ model: "mock-gpt", stream: true, messages: [{ role: "user", content: "Stream please" }] });
      let text = "";
      const chunks = [];
      for await (const c of stream) {
        chunks.push(c);
        text += c.choices[0]?.delta?.content ?? "";
      }
      expect(text).toBe("Hello from the mock LLM");
      expect(chunks.every((c) => c.choices.length > 0 && !c.usage)).toBe(true);
      const upstream = mock.requests.at(-1)!;
      expect(upstream.body.stream_options).toEqual({ include_usage: true });
      const u = await lastUsage();
      expect(u).toMatchObject({ model: "mock-gpt", input_tokens: mockInputTokens(upstream.body), output_tokens: 5, status: "ok" });
    });

    it("passes a stream on chunk by chunk, not buffered until the end", async () => {
      // The upstream spaces its 5 chunks 150 ms apart: each must reach the client before the upstream
      // even writes the next one (both clocks are this process's, whatever the machine's load).
      const stream = await oa().chat.completions.create({ model: "paced-gpt", stream: true, messages: [{ role: "user", content: "slowly" }] });
      const arrivals: number[] = [];
      for await (const c of stream) if (c.choices[0]?.delta?.content) arrivals.push(performance.now());
      expect(arrivals).toHaveLength(5);
      const sent = paced.sentAt.slice(-5);
      for (let i = 0; i < 4; i++) expect(arrivals[i], `chunk ${i + 1}`).toBeLessThan(sent[i + 1]);
    });

    it("passes the usage chunk to a client that asked for it", async () => {
      const stream = await oa().chat.completions.create({ model: "mock-gpt", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "With usage" }] });
      const chunks = [];
      for await (const c of stream) chunks.push(c);
      expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 5, prompt_tokens: "With usage".length } });
      expect((await lastUsage()).input_tokens).toBe("With usage".length);
    });

    it("sends a message through the Anthropic SDK, streaming and not, and meters both", async () => {
      const msg = await an().messages.create({ model: "mock-claude", max_tokens: 50, system: "Be brief", messages: [{ role: "user", content: "Hello" }] });
      expect(msg.content[0]).toMatchObject({ type: "text", text: "Hello from the mock LLM" });
      const upstream = mock.requests.at(-1)!;
      expect(upstream.path).toBe("/v1/messages");
      expect(upstream.headers["x-api-key"]).toBe(UPSTREAM_KEY);
      expect(upstream.headers.authorization).toBeUndefined();
      let u = await lastUsage();
      expect(u).toMatchObject({ endpoint: "mock-an", model: "mock-claude", input_tokens: "Be brief".length + "Hello".length, output_tokens: 5, status: "ok" });
      expect(Number(u.cost_eur)).toBeCloseTo(((13 * 3 + 5 * 15) / 1e6), 12);

      const final = await an().messages.stream({ model: "mock-claude", max_tokens: 50, messages: [{ role: "user", content: "Streamed" }] }).finalMessage();
      expect(final.usage).toMatchObject({ input_tokens: "Streamed".length, output_tokens: 5 });
      u = await lastUsage();
      expect(u).toMatchObject({ model: "mock-claude", input_tokens: "Streamed".length, output_tokens: 5, status: "ok" });
    });

    it("accepts the key as x-api-key too (Claude Code with ANTHROPIC_API_KEY)", async () => {
      const client = new Anthropic({ apiKey: null, authToken: null, defaultHeaders: { "x-api-key": key }, baseURL: app.url, maxRetries: 0 });
      const msg = await client.messages.create({ model: "mock-claude", max_tokens: 5, messages: [{ role: "user", content: "hi" }] });
      expect(msg.usage.output_tokens).toBe(5);
    });

    it("lists the models in each SDK's shape", async () => {
      const ids = [];
      for await (const m of oa().models.list()) ids.push(m.id);
      expect(ids).toEqual(expect.arrayContaining(["mock-gpt", "mock-claude", "mock-hang-stream@mock-oa", "mock-hang-stream@mock-an"]));
      const anIds = [];
      for await (const m of an().models.list()) anIds.push(m.id);
      expect(anIds).toEqual(ids);
    });

    it("routes model@endpoint to the named endpoint", async () => {
      const msg = await an().messages.create({ model: "mock-hang-stream@mock-an", max_tokens: 5, messages: [{ role: "user", content: "x" }] });
      expect(msg.usage.output_tokens).toBe(5);
      expect(await lastUsage()).toMatchObject({ endpoint: "mock-an", model: "mock-hang-stream" });
      // A model served only in the other style is translated (tests/integration/translate-http.test.ts).
      const otherStyle = await an().messages.create({ model: "mock-gpt", max_tokens: 5, messages: [{ role: "user", content: "x" }] });
      expect(otherStyle.content).toMatchObject([{ type: "text", text: MOCK_REPLY_CHUNKS.join("") }]);
      expect(await lastUsage()).toMatchObject({ endpoint: "mock-oa", model: "mock-gpt", status: "ok" });
    });

    it("refuses a missing, malformed or unknown key with 401 in both shapes", async () => {
      const missing = await fetch(`${app.url}/v1/chat/completions`, { method: "POST", body: "{}" });
      expect(missing.status).toBe(401);
      expect(await missing.json()).toEqual({ error: { message: expect.stringMatching(/Missing API key/), type: "authentication_error", param: null, code: "invalid_api_key" } });
      const anMissing = await fetch(`${app.url}/v1/messages`, { method: "POST", body: "{}" });
      expect(await anMissing.json()).toEqual({ type: "error", error: { type: "authentication_error", message: expect.stringMatching(/Missing API key/) } });
      for (const bad of ["not-a-key", "tg-sk-" + "0".repeat(48)]) {
        const e = await chat(bad).catch((x) => x);
        expect(e).toBeInstanceOf(OpenAI.AuthenticationError);
      }
      expect(await an("tg-sk-" + "1".repeat(48)).messages.create({ model: "mock-claude", max_tokens: 5, messages: [{ role: "user", content: "x" }] }).catch((e) => e)).toBeInstanceOf(Anthropic.AuthenticationError);
    });

    it("rejects the next call after the user is suspended, and accepts it again after activation", async () => {
      const own = await ownKey();
      expect((await chat(own.key)).choices).toHaveLength(1); // its auth record is cached now
      await act("setActiveAction", { id: own.userId, active: false });
      const e = await chat(own.key).catch((x) => x);
      expect(e).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(e.message).toMatch(/suspended/);
      await act("setActiveAction", { id: own.userId, active: true });
      expect((await chat(own.key)).choices).toHaveLength(1);
    });

    it("rejects the next call after the key alone is suspended, and after it is deleted", async () => {
      const own = await ownKey();
      const keyId = await keyIdOf(app, own.key);
      expect((await chat(own.key)).choices).toHaveLength(1);
      await act("setKeyStatusAction", { keyId, status: "suspended" });
      expect(await chat(own.key).catch((x) => x)).toBeInstanceOf(OpenAI.AuthenticationError);
      await act("setKeyStatusAction", { keyId, status: "active" });
      expect((await chat(own.key)).choices).toHaveLength(1);
      const second = await createKeyAs(app, admin, own.userId, "to delete");
      expect((await chat(second)).choices).toHaveLength(1);
      await act("deleteKeyAction", { keyId: await keyIdOf(app, second) });
      expect(await chat(second).catch((x) => x)).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((await chat(own.key)).choices).toHaveLength(1);
    });

    it("shows a key once: never in the database, the pages, the audit log or the logs", async () => {
      const own = await ownKey();
      const label = unique("shown-once");
      const fresh = await createKeyAs(app, admin, own.userId, label);
      const page = await (await fetch(`${app.url}/users?edit=${own.userId}`, { headers: { cookie: admin.cookie } })).text();
      expect(page).toContain(fresh.slice(0, 16));
      expect(page).not.toContain(fresh);
      const dump = JSON.stringify([
        (await app.db.execute("SELECT * FROM api_keys")).rows,
        (await app.db.execute("SELECT * FROM audit_log")).rows,
        (await app.db.execute("SELECT * FROM usage_events")).rows,
      ]);
      expect(dump).not.toContain(fresh);
      expect(dump).not.toContain(fresh.slice(16));
      expect(app.logs()).not.toContain(fresh.slice(16));
      const [stored] = (await app.db.execute({ sql: "SELECT prefix, key_hash FROM api_keys WHERE label = ?", args: [label] })).rows;
      expect(stored.prefix).toBe(fresh.slice(0, 16));
      expect(stored.key_hash).toMatch(/^[0-9a-f]{64}$/);
    });

    it("maps bad requests and upstream failures to the right status and shape, recording reached upstreams", async () => {
      const post = (path: string, body: string, headers: Record<string, string> = {}) =>
        fetch(app.url + path, { method: "POST", body, headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers } });
      const malformed = await post("/v1/chat/completions", "{nope");
      expect(malformed.status).toBe(400);
      expect((await malformed.json()).error.type).toBe("invalid_request_error");
      const notObject = await post("/v1/messages", "[1,2]");
      expect(notObject.status).toBe(400);
      expect((await notObject.json()).error.type).toBe("invalid_request_error");
      const noModel = await post("/v1/chat/completions", JSON.stringify({ messages: [] }));
      expect(noModel.status).toBe(400);
      const huge = await post("/v1/chat/completions", JSON.stringify({ model: "mock-gpt", messages: [{ role: "user", content: "x".repeat(70_000) }] }));
      expect(huge.status).toBe(413);
      expect((await huge.json()).error.code).toBe("request_too_large");

      const unknown = await oa().chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "x" }] }).catch((e) => e);
      expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
      expect(unknown.error.code).toBe("model_not_found");

      const before = Number((await row("SELECT count(*) AS n FROM usage_events")).n);
      const down = await oa().chat.completions.create({ model: "gone-model", messages: [{ role: "user", content: "x" }] }).catch((e) => e);
      expect(down.status).toBe(502);
      expect(down.error.code).toBe("upstream_error");
      // Never reached, yet one row: every call from an accepted key ends in exactly one.
      expect(Number((await row("SELECT count(*) AS n FROM usage_events")).n)).toBe(before + 1);
      expect(await lastUsage()).toMatchObject({ model: "gone-model", endpoint: "down", status: "upstream_unreachable", input_tokens: 0 });

      const failing = await oa().chat.completions.create({ model: "mock-error", messages: [{ role: "user", content: "x" }] }).catch((e) => e);
      expect(failing.status).toBe(502);
      expect(await lastUsage()).toMatchObject({ model: "mock-error", status: "upstream_500", input_tokens: 0 });

      const garbage = await oa().chat.completions.create({ model: "mock-bad-json", messages: [{ role: "user", content: "x" }] }).catch((e) => e);
      expect(garbage.status).toBe(502);
      expect(await lastUsage()).toMatchObject({ model: "mock-bad-json", status: "upstream_invalid_response" });

      const timeout = await oa().chat.completions.create({ model: "mock-slow", messages: [{ role: "user", content: "x" }] }).catch((e) => e);
      expect(timeout.status).toBe(504);
      expect(timeout.error.code).toBe("upstream_timeout");
      expect(await lastUsage()).toMatchObject({ model: "mock-slow", status: "timeout" });
      await expect.poll(() => mock.requests.filter((r) => r.body?.model === "mock-slow").at(-1)?.aborted).toBe(true);

      // Still healthy afterwards.
      expect((await chat()).choices).toHaveLength(1);
    });

    it("aborts the upstream when the client disconnects mid-stream and bills what was reported, as an estimate", async () => {
      const controller = new AbortController();
      const res = await fetch(`${app.url}/v1/messages`, {
        method: "POST",
        signal: controller.signal,
        headers: { "x-api-key": key, "content-type": "application/json", "anthropic-version": "2023-06-01" },
        body: JSON.stringify({ model: "mock-hang-stream@mock-an", max_tokens: 5, stream: true, messages: [{ role: "user", content: "hang" }] }),
      });
      const reader = res.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      expect(first).toContain("message_start");
      controller.abort();
      await expect.poll(() => mock.requests.filter((r) => r.body?.model === "mock-hang-stream").at(-1)?.aborted, { timeout: 5000 }).toBe(true);
      await expect.poll(async () => (await lastUsage()).status, { timeout: 5000 }).toBe("client_aborted");
      // The input message_start reported; the output at least its first count, no final report: estimated.
      expect(await lastUsage()).toMatchObject({ model: "mock-hang-stream", input_tokens: "hang".length, output_tokens: 1, estimated: 1 });
    });

    it("records when each key was last used, without a write per call", async () => {
      const own = await ownKey();
      const lastUsed = async () => (await row("SELECT last_used_at FROM api_keys WHERE prefix = ?", [own.key.slice(0, 16)])).last_used_at;
      expect(await lastUsed()).toBeNull();
      await chat(own.key);
      await expect.poll(lastUsed, { timeout: 10_000, interval: 500 }).toMatch(/^\d{4}-\d\d-\d\dT/);
    });

    it("rejects every key of a deleted user", async () => {
      const other = await createUserAs(app, admin, unique("gw-leaver"));
      const theirKey = await createKeyAs(app, admin, other);
      expect((await chat(theirKey)).choices).toHaveLength(1);
      await act("deleteUserAction", { id: other });
      expect(await chat(theirKey).catch((x) => x)).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(Number((await row("SELECT count(*) AS n FROM usage_events WHERE user_id = ?", [other])).n)).toBe(1);
    });
  });
}
