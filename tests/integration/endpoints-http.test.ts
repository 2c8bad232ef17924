import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs, readyUser, signedInAdmin, snapshot, usersActionAs } from "../support/admin";
import { startApp, type App } from "../support/app";
import { expectPageRefused, refusedCallers } from "../support/callers";
import { callAction, type ActionResult, type Session } from "../support/http";
import { unique } from "../support/names";
import { freePort } from "../support/ports";
import { VALID_ENDPOINT_FORM } from "../support/forms";
import { upstreamKeyOf } from "../support/secrets";

// The /endpoints admin surface over real HTTP against the built app (real SQLite file, real
// valkey-server), with tiny real upstream servers for the connection test. Every action is posted
// straight to its endpoint, the way a script or an attacker can. Each test adds its own endpoints
// through the actions. The field rules themselves are unit tests of the schemas
// (tests/unit/endpoints-schemas.test.ts); here one bad input per action proves the wiring.

let app: App;
let admin: Session;
const ADMIN_PW = "Adm1n-new-password";

// Upstream keys: none of them may ever come back out of the app, except towards the upstream itself.
const KEY_OPENAI = "sk-upstream-openai-5ecret-0123456789";
const KEY_ANTHROPIC = "sk-ant-upstream-5ecret-abcdef";
const KEY_SECOND = "sk-upstream-second-5ecret-9876";
const KEY_REPLACED = "sk-upstream-replaced-5ecret-4242";
const SECRETS = [KEY_OPENAI, KEY_ANTHROPIC, KEY_SECOND, KEY_REPLACED];

/** No upstream key in this text, whole or as its recognisable middle. */
function expectNoKey(text: string, what = "an action's answer") {
  expect(text, what).not.toContain("5ecret");
  for (const secret of SECRETS) expect(text, what).not.toContain(secret);
}

/** Posts an /endpoints action; no answer of any action in this file may hold a key. */
async function act(name: string, payload: unknown, opts: Parameters<typeof callAction>[4] = { session: admin }): Promise<ActionResult> {
  const r = await callAction(app.url, "/endpoints", name, payload, opts);
  expectNoKey(r.body, `${name}'s answer`);
  return r;
}

async function rows(sql: string, args: (string | number)[] = []) {
  return (await app.db.execute({ sql, args })).rows;
}
/** The endpoints and the audit log's length: unchanged means nothing was written. */
const written = () => snapshot(app, ["model_endpoints"]);
/** The endpoint's key, decrypted from the column with the app's key (the column itself never holds it). */
const storedKey = (id: string) => upstreamKeyOf(app, id);
const lastUpdateDetails = async (id: string) =>
  JSON.parse(String((await rows("SELECT details FROM audit_log WHERE action = 'endpoint.update' AND target_id = ? ORDER BY id DESC LIMIT 1", [id]))[0].details));

const valid = VALID_ENDPOINT_FORM;

/** Adds an endpoint from the valid form with these changes (a name of its own unless given); returns its id. */
const createEndpoint = (patch: Record<string, unknown> = {}) =>
  createEndpointAs(app, admin, { ...valid, name: unique("ep"), ...patch }, (r) => expectNoKey(r.body, "createEndpointAction's answer"));

/** The payload the edit form sends for a stored row: every field, key empty (= keep). */
async function editPayload(id: string, patch: Record<string, unknown> = {}) {
  const [e] = await rows("SELECT * FROM model_endpoints WHERE id = ?", [id]);
  return {
    id,
    name: e.name,
    baseUrl: e.base_url,
    apiStyle: e.api_style,
    apiKey: "",
    models: (JSON.parse(String(e.models)) as string[]).join("\n"),
    eurPerMInput: String(e.eur_per_m_input),
    eurPerMOutput: String(e.eur_per_m_output),
    eurPerMCacheRead: e.eur_per_m_cache_read === null ? "" : String(e.eur_per_m_cache_read),
    eurPerMCacheWrite: e.eur_per_m_cache_write === null ? "" : String(e.eur_per_m_cache_write),
    maxOutputTokens: Object.entries(JSON.parse(String(e.max_output_tokens)) as Record<string, number>).map(([m, n]) => `${m} = ${n}`).join("\n"),
    outputCapField: e.output_cap_field,
    ...patch,
  };
}

// ---------------------------------------------------------------- tiny upstream servers

type Upstream = { url: string; port: number; seen: { path: string; headers: IncomingHttpHeaders }[]; close: () => Promise<void> };
const upstreams: Upstream[] = [];

async function startUpstream(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<Upstream> {
  const seen: Upstream["seen"] = [];
  const server = createServer((req, res) => {
    seen.push({ path: req.url ?? "", headers: req.headers });
    handle(req, res);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const upstream = {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  upstreams.push(upstream);
  return upstream;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

/** Answers GET /v1/models with `count` models when the request carries `expected` headers, else 401. */
const modelsServer = (count: number, expected: Record<string, string>) => (req: IncomingMessage, res: ServerResponse) => {
  const authorised = Object.entries(expected).every(([h, v]) => req.headers[h] === v);
  if (!authorised) return json(res, 401, { error: { message: "invalid api key" } });
  if (req.method !== "GET" || !req.url?.startsWith("/v1/models")) return json(res, 404, { error: "not found" });
  json(res, 200, { object: "list", data: Array.from({ length: count }, (_, i) => ({ id: `m-${i}`, object: "model" })) });
};

beforeAll(async () => {
  app = await startApp({ valkey: true, smtp: false });
  admin = await signedInAdmin(app, ADMIN_PW);
});

afterAll(async () => {
  await Promise.all(upstreams.map((u) => u.close()));
  await app?.stop();
});

// ---------------------------------------------------------------- the gate

describe("every endpoints action refuses callers who are not a signed-in admin", () => {
  let id: string;
  let upstream: Upstream;
  let bob: Session;
  let staleAdmin: Session;

  // Shared and never changed by these tests: the callers' sessions and the endpoint they aim at.
  beforeAll(async () => {
    upstream = await startUpstream(modelsServer(3, {}));
    id = await createEndpoint({ name: unique("gated"), baseUrl: `${upstream.url}/v1`, apiKey: KEY_SECOND });
    bob = (await readyUser(app, admin, { role: "expert" })).session;
    const second = await readyUser(app, admin, { role: "admin" });
    staleAdmin = second.session;
    await usersActionAs(app, admin, "setActiveAction", { id: second.id, active: false });
  });

  const actions = (id: string): [string, unknown][] => [
    ["createEndpointAction", { ...valid, name: "intruder" }],
    ["updateEndpointAction", { ...valid, id, name: "renamed", apiKey: "sk-attacker" }],
    ["updateEndpointAction", { ...valid, id, removeApiKey: true }],
    ["deleteEndpointAction", { id }],
    ["testEndpointAction", { id }],
  ];

  const callers = refusedCallers({ nonAdmin: () => bob, suspendedAdmin: () => staleAdmin });

  for (const { who, opts } of callers) {
    it(`refuses ${who}: state not ok, nothing written, no upstream call`, async () => {
      for (const [name, payload] of actions(id)) {
        const before = await written();
        const calls = upstream.seen.length;
        const r = await act(name, payload, opts());
        expect(r.status, `${name}: ${r.body}`).toBeLessThan(500);
        expect(r.state?.ok ?? false, name).toBe(false);
        expect(await written(), name).toBe(before);
        expect(upstream.seen.length, name).toBe(calls);
      }
    });
  }

  it("refuses the /endpoints page to the same callers", async () => {
    await expectPageRefused(app, "/endpoints", callers);
  });

  it("lets the signed-in admin test it", async () => {
    const r = await act("testEndpointAction", { id });
    expect(r.state).toMatchObject({ ok: true, data: { ok: true, models: 3 } });
  });
});

// ---------------------------------------------------------------- input

describe("bad input: a field error, nothing written, never a 500", () => {
  it("each endpoints action answers one bad field at that field with status 200, and writes nothing", async () => {
    // One case per action proves the wiring; every rule is a unit test of its schema.
    const id = await createEndpoint({ apiKey: KEY_SECOND });
    const cases: [string, unknown, Record<string, string[]>][] = [
      ["createEndpointAction", { ...valid, name: unique("ep"), baseUrl: "api.openai.com/v1" }, { baseUrl: ["Enter a URL such as https://api.openai.com/v1"] }],
      ["updateEndpointAction", await editPayload(id, { apiKey: "sk-new", removeApiKey: "on" }), { apiKey: ["Enter a new key or remove the stored one, not both"] }],
      ["updateEndpointAction", await editPayload(id, { maxOutputTokens: "model-a = 100\nother = 5" }), { maxOutputTokens: ['"other" is not one of this endpoint\'s models'] }],
      ["deleteEndpointAction", { id: "' OR 1=1 --" }, { id: ["Unknown endpoint"] }],
      ["testEndpointAction", { id: 7 }, { id: ["Unknown endpoint"] }],
    ];
    for (const [name, payload, fieldErrors] of cases) {
      const before = await written();
      const r = await act(name, payload);
      expect(r.status, name).toBe(200);
      expect(r.state?.ok, name).toBe(false);
      expect(r.state?.fieldErrors, `${name}: ${r.body}`).toEqual(fieldErrors);
      expect(await written(), name).toBe(before);
    }
    expect(await storedKey(id)).toBe(KEY_SECOND);
  });

  it("a payload that is not an object, or not JSON, is refused without a 500", async () => {
    for (const payload of ["just a string", 42, null, [1, 2, 3]]) {
      const before = await written();
      const r = await act("createEndpointAction", payload);
      expect(r.status).toBeLessThan(500);
      expect(r.state?.ok).toBe(false);
      expect(r.state?.message).toBeTruthy();
      expect(await written()).toBe(before);
    }
    const before = await written();
    const r = await act("createEndpointAction", null, { session: admin, rawBody: "{not json" });
    expect(r.status).toBeLessThan(500);
    expect(await written()).toBe(before);
  });

  it("edit, delete and test of an id that does not exist → a message, nothing written", async () => {
    const before = await written();
    for (const name of ["deleteEndpointAction", "testEndpointAction"]) {
      const gone = await act(name, { id: "0".repeat(32) });
      expect(gone.state).toMatchObject({ ok: false, message: "This endpoint no longer exists." });
    }
    const update = await act("updateEndpointAction", { ...valid, id: "0".repeat(32) });
    expect(update.state).toMatchObject({ ok: false, message: "This endpoint no longer exists." });
    expect(await written()).toBe(before);
  });

  it("a taken name is a field error, also when renaming, and nothing is written", async () => {
    const taken = unique("taken");
    await createEndpoint({ name: taken });
    const other = await createEndpoint();
    const before = await written();
    const dup = await act("createEndpointAction", { ...valid, name: taken });
    expect(dup.state?.fieldErrors).toEqual({ name: ["An endpoint with this name already exists"] });
    const rename = await act("updateEndpointAction", await editPayload(other, { name: ` ${taken} ` }));
    expect(rename.state?.fieldErrors).toEqual({ name: ["An endpoint with this name already exists"] });
    expect(await written()).toBe(before);
  });

  it("the same new name saved at once by several requests: one wins, the others get the field error", async () => {
    const raced = unique("raced");
    const results = await Promise.all(Array.from({ length: 6 }, () => act("createEndpointAction", { ...valid, name: raced })));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(results.filter((r) => r.state?.ok)).toHaveLength(1);
    for (const r of results.filter((r) => !r.state?.ok)) expect(r.state?.fieldErrors?.name).toEqual(["An endpoint with this name already exists"]);
    expect(await rows("SELECT id FROM model_endpoints WHERE name = ?", [raced])).toHaveLength(1);
  });
});

// ---------------------------------------------------------------- no gateway loops

describe("a base URL pointing at this app is refused at its field", () => {
  const SELF = "This URL points at this Tollgate itself: calls sent there would come back into the gateway and loop. Enter the upstream provider's URL.";
  const port = () => new URL(app.url).port;

  it("on create: its own APP_URL, and its listening address on its port, each a field error with nothing written", async () => {
    for (const baseUrl of [`${app.url}/v1`, `http://localhost:${port()}/v1`, `http://[::1]:${port()}/v1`, `http://0.0.0.0:${port()}/v1/`]) {
      const before = await written();
      const r = await act("createEndpointAction", { ...valid, name: unique("loop"), baseUrl });
      expect(r.status, baseUrl).toBe(200);
      expect(r.state, baseUrl).toMatchObject({ ok: false, fieldErrors: { baseUrl: [SELF] } });
      expect(await written(), baseUrl).toBe(before);
    }
  });

  it("on edit, too", async () => {
    const id = await createEndpoint({ apiKey: KEY_SECOND });
    const before = await written();
    const r = await act("updateEndpointAction", await editPayload(id, { baseUrl: `${app.url}/v1` }));
    expect(r.state).toMatchObject({ ok: false, fieldErrors: { baseUrl: [SELF] } });
    expect(await written()).toBe(before);
  });

  it("localhost on another port (a local model server) is fine", async () => {
    const r = await act("createEndpointAction", { ...valid, name: unique("local"), baseUrl: `http://localhost:${await freePort()}/v1` });
    expect(r.state).toMatchObject({ ok: true });
  });
});

// ---------------------------------------------------------------- the work itself

describe("add, edit and delete", () => {
  it("adds an endpoint from form strings: trailing slash removed, models split and de-duplicated, prices parsed", async () => {
    const name = `OpenAI main ${unique("x")}`;
    const r = await act("createEndpointAction", {
      name,
      baseUrl: " https://api.openai.com/v1/ ",
      apiStyle: "openai",
      apiKey: KEY_OPENAI,
      models: "gpt-4o\r\ngpt-4o-mini, gpt-4o\n\n o3 ",
      eurPerMInput: "2.5",
      eurPerMOutput: "",
    });
    expect(r.state).toMatchObject({ ok: true });
    const [e] = await rows("SELECT * FROM model_endpoints WHERE name = ?", [name]);
    expect(e).toMatchObject({ base_url: "https://api.openai.com/v1", api_style: "openai", upstream_api_key: expect.stringMatching(/^enc:v1:/), eur_per_m_input: 2.5, eur_per_m_output: 0 });
    expectNoKey(String(e.upstream_api_key), "the column");
    expect(await storedKey(String(e.id))).toBe(KEY_OPENAI);
    expect(JSON.parse(String(e.models))).toEqual(["gpt-4o", "gpt-4o-mini", "o3"]);
  });

  it("adds one from JSON values: a model array and number prices", async () => {
    const name = `claude.eu_1-${unique("x")}`;
    const r = await act("createEndpointAction", {
      name,
      baseUrl: "https://api.anthropic.com/v1",
      apiStyle: "anthropic",
      models: ["claude-sonnet-4-5", "claude-haiku-4-5", "claude-sonnet-4-5"],
      eurPerMInput: 3,
      eurPerMOutput: 15.75,
    });
    expect(r.state).toMatchObject({ ok: true });
    const [e] = await rows("SELECT * FROM model_endpoints WHERE name = ?", [name]);
    expect(e).toMatchObject({ api_style: "anthropic", upstream_api_key: null, eur_per_m_input: 3, eur_per_m_output: 15.75 });
    expect(JSON.parse(String(e.models))).toEqual(["claude-sonnet-4-5", "claude-haiku-4-5"]);
  });

  it("edits fields; an empty key field keeps the stored key", async () => {
    const id = await createEndpoint({ apiKey: KEY_OPENAI, models: "gpt-4o\ngpt-4o-mini", eurPerMInput: "2.5", eurPerMOutput: "" });
    const r = await act("updateEndpointAction", await editPayload(id, { eurPerMInput: "3", eurPerMOutput: "12.5", models: "gpt-4o\ngpt-4.1" }));
    expect(r.state).toMatchObject({ ok: true });
    const [e] = await rows("SELECT * FROM model_endpoints WHERE id = ?", [id]);
    expect(e).toMatchObject({ eur_per_m_input: 3, eur_per_m_output: 12.5 });
    expect(await storedKey(id)).toBe(KEY_OPENAI);
    expect(JSON.parse(String(e.models))).toEqual(["gpt-4o", "gpt-4.1"]);
    const details = await lastUpdateDetails(id);
    expect(details).toMatchObject({ eurPerMInput: { from: 2.5, to: 3 }, eurPerMOutput: { from: 0, to: 12.5 } });
    expect(details).not.toHaveProperty("apiKeyChanged");
  });

  it("saves cache prices, output maxima and the cap field from the form, and an edit that leaves them keeps them", async () => {
    const id = await createEndpoint({ models: "gpt-4o\no3", eurPerMCacheRead: "0.25", eurPerMCacheWrite: "", maxOutputTokens: "gpt-4o = 16,384", outputCapField: "max_completion_tokens" });
    const [e] = await rows("SELECT * FROM model_endpoints WHERE id = ?", [id]);
    expect(e).toMatchObject({ eur_per_m_cache_read: 0.25, eur_per_m_cache_write: null, max_output_tokens: JSON.stringify({ "gpt-4o": 16384 }), output_cap_field: "max_completion_tokens" });
    const before = await written();
    expect((await act("updateEndpointAction", await editPayload(id))).state).toMatchObject({ ok: true });
    expect(await written()).toBe(before);
    expect((await act("updateEndpointAction", await editPayload(id, { maxOutputTokens: "o3 = 100000" }))).state).toMatchObject({ ok: true });
    expect(await lastUpdateDetails(id)).toEqual({ maxOutputTokens: { from: { "gpt-4o": 16384 }, to: { o3: 100000 } } });
  });

  it("a new key replaces the stored one; the log says only that it changed", async () => {
    const id = await createEndpoint({ apiKey: KEY_OPENAI });
    const r = await act("updateEndpointAction", await editPayload(id, { apiKey: KEY_REPLACED }));
    expect(r.state).toMatchObject({ ok: true });
    expect(await storedKey(id)).toBe(KEY_REPLACED);
    expect(await lastUpdateDetails(id)).toEqual({ apiKeyChanged: true });
  });

  it("the remove box clears the stored key", async () => {
    const id = await createEndpoint({ apiKey: KEY_OPENAI });
    const r = await act("updateEndpointAction", await editPayload(id, { removeApiKey: "on" }));
    expect(r.state).toMatchObject({ ok: true });
    expect(await storedKey(id)).toBeNull();
    expect(await lastUpdateDetails(id)).toEqual({ apiKeyRemoved: true });
  });

  it("renames; a save without changes writes nothing", async () => {
    const id = await createEndpoint({ apiStyle: "anthropic", models: ["claude-sonnet-4-5"] });
    const renamed = unique("claude-eu");
    const r = await act("updateEndpointAction", await editPayload(id, { name: renamed }));
    expect(r.state).toMatchObject({ ok: true });
    expect(String((await rows("SELECT id FROM model_endpoints WHERE name = ?", [renamed]))[0]?.id)).toBe(id);
    const before = await written();
    const same = await act("updateEndpointAction", await editPayload(id));
    expect(same.state).toMatchObject({ ok: true });
    expect(await written()).toBe(before);
  });

  it("deletes", async () => {
    const name = unique("short-lived");
    const id = await createEndpoint({ name, apiKey: KEY_SECOND });
    const r = await act("deleteEndpointAction", { id });
    expect(r.state).toMatchObject({ ok: true });
    expect(await rows("SELECT id FROM model_endpoints WHERE id = ?", [id])).toHaveLength(0);
    const [entry] = await rows("SELECT actor_name, target_type, target_name, details FROM audit_log WHERE action = 'endpoint.delete' AND target_id = ?", [id]);
    expect(entry).toMatchObject({ actor_name: "admin", target_type: "model_endpoint", target_name: name });
  });

  it("every write reaches this instance's gateway before the action returns", async () => {
    const key = await createKeyAs(app, admin, await createUserAs(app, admin, unique("router")), "routing");
    const models = async () =>
      ((await (await fetch(`${app.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).json()) as { data: { id: string }[] }).data.map((m) => m.id);
    const [routed, renamed] = [unique("routed-model"), unique("renamed-model")];
    const id = await createEndpoint({ models: routed });
    expect(await models()).toContain(routed);
    await act("updateEndpointAction", await editPayload(id, { models: renamed }));
    expect(await models()).toEqual(expect.arrayContaining([renamed]));
    expect(await models()).not.toContain(routed);
    await act("deleteEndpointAction", { id });
    expect(await models()).not.toContain(renamed);
  });

  it("writes an audit row for each mutation under the admin's name", async () => {
    const id = await createEndpoint();
    expect((await act("updateEndpointAction", await editPayload(id, { eurPerMOutput: "3" }))).state).toMatchObject({ ok: true });
    expect((await act("deleteEndpointAction", { id })).state).toMatchObject({ ok: true });
    const mine = await rows("SELECT actor_name, action, target_type FROM audit_log WHERE target_id = ? ORDER BY id", [id]);
    expect(mine.map((r) => `${r.actor_name} ${r.action} ${r.target_type}`)).toEqual([
      "admin endpoint.create model_endpoint",
      "admin endpoint.update model_endpoint",
      "admin endpoint.delete model_endpoint",
    ]);
    // Only the admin ever changed an endpoint here, and every such row names one.
    const all = await rows("SELECT actor_name, target_type FROM audit_log WHERE action LIKE 'endpoint.%'");
    expect(new Set(all.map((r) => `${r.actor_name} ${r.target_type}`))).toEqual(new Set(["admin model_endpoint"]));
  });
});

// ---------------------------------------------------------------- test connection

describe("test connection", () => {
  const test = async (id: string) => {
    const r = await act("testEndpointAction", { id });
    expect(r.state?.ok, r.body).toBe(true);
    return r.state!.data as { ok: boolean; models?: number; message?: string };
  };

  it("openai style: GET {baseUrl}/models with the key as a Bearer token → ok with the model count", async () => {
    const up = await startUpstream(modelsServer(3, { authorization: `Bearer ${KEY_OPENAI}` }));
    const id = await createEndpoint({ baseUrl: `${up.url}/v1/`, apiStyle: "openai", apiKey: KEY_OPENAI });
    expect(await test(id)).toEqual({ ok: true, models: 3 });
    expect(up.seen).toHaveLength(1);
    expect(up.seen[0].path).toBe("/v1/models");
    expect(up.seen[0].headers.authorization).toBe(`Bearer ${KEY_OPENAI}`);
    expect(up.seen[0].headers["x-api-key"]).toBeUndefined();
  });

  it("anthropic style: x-api-key and anthropic-version headers → ok with the model count", async () => {
    const up = await startUpstream(modelsServer(2, { "x-api-key": KEY_ANTHROPIC, "anthropic-version": "2023-06-01" }));
    const id = await createEndpoint({ baseUrl: `${up.url}/v1`, apiStyle: "anthropic", apiKey: KEY_ANTHROPIC });
    expect(await test(id)).toEqual({ ok: true, models: 2 });
    expect(up.seen[0].path).toMatch(/^\/v1\/models(\?|$)/);
    expect(up.seen[0].headers["x-api-key"]).toBe(KEY_ANTHROPIC);
    expect(up.seen[0].headers["anthropic-version"]).toBe("2023-06-01");
    expect(up.seen[0].headers.authorization).toBeUndefined();
  });

  it("a wrong key (HTTP 401) → not ok, naming the status and the key as the thing to check", async () => {
    const up = await startUpstream(modelsServer(3, { authorization: "Bearer the-right-key" }));
    const id = await createEndpoint({ baseUrl: `${up.url}/v1`, apiKey: KEY_SECOND });
    const r = await test(id);
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/HTTP 401/);
    expect(r.message).toMatch(/API key/);
  });

  it("a base URL without the version path (HTTP 404) → not ok, with a hint about /v1", async () => {
    const up = await startUpstream(modelsServer(3, {}));
    const id = await createEndpoint({ baseUrl: up.url });
    const r = await test(id);
    expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/HTTP 404.*\/v1/) });
  });

  it("a closed port → not ok: connection refused", async () => {
    const port = await freePort();
    const id = await createEndpoint({ baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: KEY_SECOND });
    const r = await test(id);
    expect(r).toEqual({ ok: false, message: `Connection refused by 127.0.0.1:${port}: nothing is listening there.` });
  });

  it("an upstream that does not answer → not ok after 5 seconds", async () => {
    const up = await startUpstream(() => undefined);
    const id = await createEndpoint({ baseUrl: `${up.url}/v1` });
    const started = Date.now();
    const r = await test(id);
    expect(r).toEqual({ ok: false, message: `No answer from 127.0.0.1:${up.port} within 5 seconds.` });
    expect(Date.now() - started).toBeGreaterThanOrEqual(4900);
  });

  it("a redirect is not followed, so the key never travels to another server", async () => {
    const elsewhere = await startUpstream(modelsServer(1, {}));
    const up = await startUpstream((_req, res) => {
      res.writeHead(302, { location: `${elsewhere.url}/v1/models` });
      res.end();
    });
    const id = await createEndpoint({ baseUrl: `${up.url}/v1`, apiStyle: "anthropic", apiKey: KEY_ANTHROPIC });
    const r = await test(id);
    expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/redirected \(HTTP 302\)/) });
    expect(elsewhere.seen).toHaveLength(0);
  });

  it("an answer that is not a model list → not ok", async () => {
    const up = await startUpstream((_req, res) => json(res, 200, { hello: "world" }));
    const id = await createEndpoint({ baseUrl: `${up.url}/v1` });
    expect(await test(id)).toMatchObject({ ok: false, message: expect.stringMatching(/not with a model list/) });
  });
});

// ---------------------------------------------------------------- the key never comes back out

describe("the upstream key is write-only", () => {
  it("the /endpoints page shows whether a key is set, never the key", async () => {
    const name = unique("with-key");
    await createEndpoint({ name, apiStyle: "anthropic", apiKey: KEY_ANTHROPIC });
    await createEndpoint({ apiKey: KEY_OPENAI });
    const res = await fetch(app.url + "/endpoints", { headers: { cookie: admin.cookie } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(name);
    expect(html).toContain("hasApiKey");
    expectNoKey(html, "the /endpoints page");
  });

  it("no action answer and no audit row ever held a key", async () => {
    // Every answer in this file is checked as it arrives (act); here each path that takes or uses a key.
    const refusing = await startUpstream(modelsServer(1, { authorization: "Bearer the-right-key" }));
    const id = await createEndpoint({ baseUrl: `${refusing.url}/v1`, apiKey: KEY_OPENAI });
    const answers = [
      await act("createEndpointAction", { ...valid, name: "bad name @", apiKey: KEY_SECOND }),
      await act("createEndpointAction", { ...valid, name: unique("ep"), apiKey: `${KEY_SECOND} with a space` }),
      await act("testEndpointAction", { id }),
      await act("updateEndpointAction", await editPayload(id, { apiKey: KEY_REPLACED })),
      await act("updateEndpointAction", await editPayload(id, { apiKey: KEY_ANTHROPIC, removeApiKey: "on" })),
      await act("updateEndpointAction", await editPayload(id, { baseUrl: `http://127.0.0.1:${await freePort()}/v1` })),
      await act("testEndpointAction", { id }),
      await act("updateEndpointAction", await editPayload(id, { removeApiKey: "on" })),
      await act("deleteEndpointAction", { id }),
    ];
    expect(answers.map((r) => r.state?.ok)).toEqual([false, false, true, true, false, true, true, true, true]);
    expect(refusing.seen.map((s) => s.headers.authorization)).toEqual([`Bearer ${KEY_OPENAI}`]);
    expectNoKey(answers.map((r) => r.body).join("\n"), "the answers");
    expectNoKey(JSON.stringify(await rows("SELECT * FROM audit_log")), "the audit log");
  });

  it("no key is in the database file or its write-ahead log in clear, and the column holds only sealed values", async () => {
    await createEndpoint({ apiKey: KEY_ANTHROPIC }); // one more, written just now
    for (const file of [app.dbFile, `${app.dbFile}-wal`]) {
      if (existsSync(file)) expectNoKey(readFileSync(file).toString("latin1"), path.basename(file));
    }
    const stored = (await rows("SELECT upstream_api_key FROM model_endpoints WHERE upstream_api_key IS NOT NULL")).map((r) => String(r.upstream_api_key));
    expect(stored.length).toBeGreaterThan(0);
    for (const value of stored) expect(value).toMatch(/^enc:v1:[0-9a-f]{8}:/);
  });

  it("the app's data folder is the owner's alone: folder 0700, database and its companions 0600", async () => {
    const mode = (p: string) => statSync(p).mode & 0o777;
    const folder = path.dirname(app.dbFile);
    expect(mode(folder)).toBe(0o700);
    for (const file of [app.dbFile, `${app.dbFile}-wal`, `${app.dbFile}-shm`, path.join(folder, "encryption-key")]) {
      if (existsSync(file)) expect(mode(file), file).toBe(0o600);
    }
  });
});
