import Anthropic from "@anthropic-ai/sdk";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs, signedInAdmin } from "../support/admin";
import { startApp, type App } from "../support/app";
import { startMockLlm, type MockLlm } from "../support/mock-llm";
import { unique } from "../support/names";

// The same gateway through Next's route handlers (app/v1/*), as a host without Tollgate's own server
// runs it (GATEWAY_VIA_NEXT=true sends /v1 there). Endpoints and key are set up once, never changed.

let app: App;
let mock: MockLlm;
let key: string;

beforeAll(async () => {
  mock = await startMockLlm();
  app = await startApp({ smtp: false, env: { GATEWAY_VIA_NEXT: "true" } });
  const admin = await signedInAdmin(app);
  key = await createKeyAs(app, admin, await createUserAs(app, admin, unique("via-next")));
  await createEndpointAs(app, admin, { name: "oa", baseUrl: `${mock.url}/v1`, apiStyle: "openai", models: ["mock-gpt", "mock-no-usage"], eurPerMInput: 1, eurPerMOutput: 1 });
  await createEndpointAs(app, admin, { name: "an", baseUrl: `${mock.url}/v1`, apiStyle: "anthropic", models: ["mock-claude"], eurPerMInput: 1, eurPerMOutput: 1 });
});
afterAll(async () => {
  await app?.stop();
  await mock?.stop();
});

describe("the gateway through Next's route handlers", () => {
  it("completes, streams and meters like the direct path", async () => {
    const oa = new OpenAI({ apiKey: key, baseURL: `${app.url}/v1`, maxRetries: 0 });
    await expect.poll(() => oa.chat.completions.create({ model: "mock-gpt", messages: [{ role: "user", content: "hi" }] }).then((r) => r.choices[0].message.content, (e) => String(e)), { timeout: 5000 }).toBe("Hello from the mock LLM");
    let text = "";
    for await (const c of await oa.chat.completions.create({ model: "mock-gpt", stream: true, messages: [{ role: "user", content: "stream" }] })) text += c.choices[0]?.delta?.content ?? "";
    expect(text).toBe("Hello from the mock LLM");
    const final = await new Anthropic({ apiKey: key, baseURL: app.url, maxRetries: 0 }).messages.stream({ model: "mock-claude", max_tokens: 5, messages: [{ role: "user", content: "abc" }] }).finalMessage();
    expect(final.usage).toMatchObject({ input_tokens: 3, output_tokens: 5 });
    const { rows } = await app.db.execute("SELECT model, input_tokens, output_tokens, status FROM usage_events ORDER BY id DESC LIMIT 2");
    expect(rows).toEqual([
      expect.objectContaining({ model: "mock-claude", input_tokens: 3, output_tokens: 5, status: "ok" }),
      expect.objectContaining({ model: "mock-gpt", input_tokens: "stream".length, output_tokens: 5, status: "ok" }),
    ]);
  });

  it("estimates an answer without usage like the direct path (the tokenizer loads inside Next's server too)", async () => {
    const oa = new OpenAI({ apiKey: key, baseURL: `${app.url}/v1`, maxRetries: 0 });
    const { response } = await oa.chat.completions.create({ model: "mock-no-usage", messages: [{ role: "user", content: "count me" }] }).withResponse();
    const { rows } = await app.db.execute({ sql: "SELECT input_tokens, output_tokens, estimated, status FROM usage_events WHERE request_id = ?", args: [response.headers.get("x-request-id")!] });
    expect(rows[0]).toMatchObject({ status: "ok_no_usage", estimated: 1, input_tokens: countTokens("count me"), output_tokens: countTokens("Hello from the mock LLM") });
  });

  it("answers with the gateway's security headers, never a cookie, as on the direct path", async () => {
    for (const res of [await fetch(`${app.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } }), await fetch(`${app.url}/v1/models`)]) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("x-frame-options")).toBeNull();
      expect(res.headers.getSetCookie()).toEqual([]);
    }
  });

  it("refuses a bad key in the client's shape", async () => {
    const e = await new OpenAI({ apiKey: "tg-sk-" + "2".repeat(48), baseURL: `${app.url}/v1`, maxRetries: 0 }).models.list().catch((x) => x);
    expect(e).toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
