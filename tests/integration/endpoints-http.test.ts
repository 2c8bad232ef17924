import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startApp, type App } from "../support/app";
import { callAction, loginOrThrow, type ActionResult, type Session } from "../support/http";
import { freePort } from "../support/ports";

// The /endpoints admin surface over real HTTP against the built app (real SQLite file, real
// valkey-server), with tiny real upstream servers for the connection test. Every action is posted
// straight to its endpoint, the way a script or an attacker can.

let app: App;
let admin: Session;
let bob: Session;
const ADMIN_PW = "Adm1n-new-password";

// Upstream keys: none of them may ever come back out of the app, except towards the upstream itself.
const KEY_OPENAI = "sk-upstream-openai-5ecret-0123456789";
const KEY_ANTHROPIC = "sk-ant-upstream-5ecret-abcdef";
const KEY_SECOND = "sk-upstream-second-5ecret-9876";
const KEY_REPLACED = "sk-upstream-replaced-5ecret-4242";
const SECRETS = [KEY_OPENAI, KEY_ANTHROPIC, KEY_SECOND, KEY_REPLACED];
const answers: string[] = [];

/** Every action answer is kept, to check at the end that no key ever came back. */
async function act(name: string, payload: unknown, opts: Parameters<typeof callAction>[4] = { session: admin }): Promise<ActionResult> {
  const r = await callAction(app.url, "/endpoints", name, payload, opts);
  answers.push(r.body);
  return r;
}

async function rows(sql: string, args: (string | number)[] = []) {
  return (await app.db.execute({ sql, args })).rows;
}
const snapshot = async () => JSON.stringify([await rows("SELECT * FROM model_endpoints ORDER BY id"), await rows("SELECT count(*) AS n FROM audit_log")]);
const endpointId = async (name: string) => String((await rows("SELECT id FROM model_endpoints WHERE name = ?", [name]))[0]?.id);
const storedKey = async (name: string) => (await rows("SELECT upstream_api_key FROM model_endpoints WHERE name = ?", [name]))[0]?.upstream_api_key;

const valid = {
  name: "valid-endpoint",
  baseUrl: "https://api.example.test/v1",
  apiStyle: "openai",
  apiKey: "",
  models: "model-a\nmodel-b",
  eurPerMInput: "1",
  eurPerMOutput: "2",
};

async function createEndpoint(payload: Record<string, unknown>) {
  const r = await act("createEndpointAction", { ...valid, ...payload });
  expect(r.state, r.body).toMatchObject({ ok: true });
  return endpointId(String(payload.name));
}

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
    ...patch,
  };
}

// ---------------------------------------------------------------- tiny upstream servers

type Upstream = { url: string; port: number; seen: { path: string; headers: IncomingHttpHeaders }[]; close: () => Promise<void> };

async function startUpstream(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<Upstream> {
  const seen: Upstream["seen"] = [];
  const server = createServer((req, res) => {
    seen.push({ path: req.url ?? "", headers: req.headers });
    handle(req, res);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
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

const upstreams: Upstream[] = [];

beforeAll(async () => {
  app = await startApp({ valkey: true, smtp: false });
  const first = await loginOrThrow(app.url, "admin", "changeme");
  const r = await callAction(app.url, "/change-password", "changePasswordAction", { current: "changeme", password: ADMIN_PW, confirm: ADMIN_PW }, { session: first });
  expect(r.state).toMatchObject({ ok: true });
  admin = await loginOrThrow(app.url, "admin", ADMIN_PW);
  // A signed-in, active non-admin who has been through their forced password change.
  const created = await callAction(app.url, "/users", "createUserAction", { username: "bob", email: "bob@example.test", password: "first-password", role: "expert" }, { session: admin });
  expect(created.state).toMatchObject({ ok: true });
  const bobFirst = await loginOrThrow(app.url, "bob", "first-password");
  const changed = await callAction(app.url, "/change-password", "changePasswordAction", { current: "first-password", password: "second-password", confirm: "second-password" }, { session: bobFirst });
  expect(changed.state).toMatchObject({ ok: true });
  bob = await loginOrThrow(app.url, "bob", "second-password");
});

afterAll(async () => {
  await Promise.all(upstreams.map((u) => u.close()));
  await app?.stop();
});

// ---------------------------------------------------------------- the gate

describe("every endpoints action refuses callers who are not a signed-in admin", () => {
  let id: string;
  let upstream: Upstream;

  beforeAll(async () => {
    upstream = await startUpstream(modelsServer(3, {}));
    upstreams.push(upstream);
    id = await createEndpoint({ name: "gated", baseUrl: `${upstream.url}/v1`, apiKey: KEY_SECOND });
  });

  const actions = (id: string): [string, unknown][] => [
    ["createEndpointAction", { ...valid, name: "intruder" }],
    ["updateEndpointAction", { ...valid, id, name: "renamed", apiKey: "sk-attacker" }],
    ["updateEndpointAction", { ...valid, id, removeApiKey: true }],
    ["deleteEndpointAction", { id }],
    ["testEndpointAction", { id }],
  ];

  const callers: [string, () => { session?: Session; headers?: Record<string, string> }][] = [
    ["no session", () => ({})],
    ["a non-admin session", () => ({ session: bob })],
    ["the middleware-bypass header without a session", () => ({ headers: { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" } })],
    ["the middleware-bypass header with a non-admin session", () => ({ session: bob, headers: { "x-middleware-subrequest": "middleware" } })],
  ];

  for (const [who, caller] of callers) {
    it(`refuses ${who}: state not ok, nothing written, no upstream call`, async () => {
      for (const [name, payload] of actions(id)) {
        const before = await snapshot();
        const calls = upstream.seen.length;
        const r = await act(name, payload, caller());
        expect(r.status, `${name}: ${r.body}`).toBeLessThan(500);
        expect(r.state?.ok ?? false, name).toBe(false);
        expect(await snapshot(), name).toBe(before);
        expect(upstream.seen.length, name).toBe(calls);
      }
    });
  }

  it("refuses the /endpoints page to the same callers", async () => {
    for (const [who, caller] of callers) {
      const c = caller();
      const res = await fetch(app.url + "/endpoints", { headers: { ...(c.session ? { cookie: c.session.cookie } : {}), ...c.headers }, redirect: "manual" });
      expect(res.status, who).toBe(307);
      expect(res.headers.get("location"), who).toMatch(/\/(login|user)(\?|$)/);
    }
  });

  it("lets the signed-in admin test it", async () => {
    const r = await act("testEndpointAction", { id });
    expect(r.state).toMatchObject({ ok: true, data: { ok: true, models: 3 } });
  });
});

// ---------------------------------------------------------------- input rules

describe("bad input to add endpoint: a field error, nothing written, never a 500", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["name missing", { name: undefined }, "name"],
    ["name empty", { name: "   " }, "name"],
    ["name too long", { name: "n".repeat(65) }, "name"],
    ["name with @", { name: "gpt@openai" }, "name"],
    ["name with a slash", { name: "a/b" }, "name"],
    ["name with a non-ASCII letter", { name: "münchen" }, "name"],
    ["name as a number", { name: 42 }, "name"],
    ["base URL missing", { baseUrl: "" }, "baseUrl"],
    ["base URL not a URL", { baseUrl: "api.openai.com/v1" }, "baseUrl"],
    ["base URL not http(s)", { baseUrl: "ftp://files.example.test/v1" }, "baseUrl"],
    ["base URL with javascript:", { baseUrl: "javascript:alert(1)" }, "baseUrl"],
    ["base URL with credentials", { baseUrl: "https://user:pw@api.example.test/v1" }, "baseUrl"],
    ["base URL with a query", { baseUrl: "https://api.example.test/v1?key=x" }, "baseUrl"],
    ["base URL over 500 characters", { baseUrl: "https://api.example.test/" + "v".repeat(480) }, "baseUrl"],
    ["base URL as an array", { baseUrl: ["https://api.example.test/v1"] }, "baseUrl"],
    ["unknown API style", { apiStyle: "grpc" }, "apiStyle"],
    ["API style missing", { apiStyle: undefined }, "apiStyle"],
    ["API key over 500 characters", { apiKey: "k".repeat(501) }, "apiKey"],
    ["API key with a space", { apiKey: "sk-abc def" }, "apiKey"],
    ["API key with a line break", { apiKey: "sk-abc\r\nx-injected: 1" }, "apiKey"],
    ["API key as a number", { apiKey: 12345 }, "apiKey"],
    ["no models", { models: "" }, "models"],
    ["only separators", { models: " , \n ," }, "models"],
    ["models missing", { models: undefined }, "models"],
    ["a model with a space", { models: "gpt 4o" }, "models"],
    ["a model with @", { models: "gpt-4o@openai" }, "models"],
    ["a model over 200 characters", { models: "m".repeat(201) }, "models"],
    ["models as a number", { models: 7 }, "models"],
    ["models as an array with a number", { models: ["a", 1] }, "models"],
    ["negative input price", { eurPerMInput: "-1" }, "eurPerMInput"],
    ["text output price", { eurPerMOutput: "cheap" }, "eurPerMOutput"],
    ["price with a decimal comma", { eurPerMInput: "2,5" }, "eurPerMInput"],
    ["price over 10000", { eurPerMOutput: "10000.01" }, "eurPerMOutput"],
    ["price as a number over 10000", { eurPerMInput: 10001 }, "eurPerMInput"],
    ["price as a negative number", { eurPerMOutput: -0.5 }, "eurPerMOutput"],
    ["price in exponent notation", { eurPerMInput: "1e3" }, "eurPerMInput"],
    ["price as an object", { eurPerMInput: { eur: 1 } }, "eurPerMInput"],
    ["price as a boolean", { eurPerMOutput: true }, "eurPerMOutput"],
  ];

  for (const [what, patch, field] of cases) {
    it(`${what} → error at ${field}`, async () => {
      const before = await snapshot();
      const r = await act("createEndpointAction", { ...valid, ...patch });
      expect(r.status).toBe(200);
      expect(r.state?.ok).toBe(false);
      expect(r.state?.fieldErrors?.[field], r.body).toEqual([expect.any(String)]);
      expect(Object.keys(r.state?.fieldErrors ?? {}), r.body).toEqual([field]);
      expect(await snapshot()).toBe(before);
    });
  }

  it("a payload that is not an object, or not JSON, is refused without a 500", async () => {
    for (const payload of ["just a string", 42, null, [1, 2, 3]]) {
      const before = await snapshot();
      const r = await act("createEndpointAction", payload);
      expect(r.status).toBeLessThan(500);
      expect(r.state?.ok).toBe(false);
      expect(r.state?.message).toBeTruthy();
      expect(await snapshot()).toBe(before);
    }
    const before = await snapshot();
    const r = await act("createEndpointAction", null, { session: admin, rawBody: "{not json" });
    expect(r.status).toBeLessThan(500);
    expect(await snapshot()).toBe(before);
  });

  it("a taken name is a field error, also when renaming, and nothing is written", async () => {
    await createEndpoint({ name: "taken" });
    const other = await createEndpoint({ name: "other" });
    const before = await snapshot();
    const dup = await act("createEndpointAction", { ...valid, name: "taken" });
    expect(dup.state?.fieldErrors).toEqual({ name: ["An endpoint with this name already exists"] });
    const rename = await act("updateEndpointAction", await editPayload(other, { name: " taken " }));
    expect(rename.state?.fieldErrors).toEqual({ name: ["An endpoint with this name already exists"] });
    expect(await snapshot()).toBe(before);
  });

  it("the same new name saved at once by several requests: one wins, the others get the field error", async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => act("createEndpointAction", { ...valid, name: "raced" })));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(results.filter((r) => r.state?.ok)).toHaveLength(1);
    for (const r of results.filter((r) => !r.state?.ok)) expect(r.state?.fieldErrors?.name).toEqual(["An endpoint with this name already exists"]);
    expect(await rows("SELECT id FROM model_endpoints WHERE name = 'raced'")).toHaveLength(1);
  });

  it("edit, delete and test with a malformed id → error at id; with an unknown id → a message; nothing written", async () => {
    const before = await snapshot();
    for (const name of ["deleteEndpointAction", "testEndpointAction"]) {
      for (const id of ["not-an-id", 7, undefined, "' OR 1=1 --"]) {
        const r = await act(name, { id });
        expect(r.state?.fieldErrors?.id, `${name} ${String(id)}`).toEqual(["Unknown endpoint"]);
      }
      const gone = await act(name, { id: "0".repeat(32) });
      expect(gone.state).toMatchObject({ ok: false, message: "This endpoint no longer exists." });
    }
    const update = await act("updateEndpointAction", { ...valid, id: "0".repeat(32) });
    expect(update.state).toMatchObject({ ok: false, message: "This endpoint no longer exists." });
    expect(await snapshot()).toBe(before);
  });

  it("edit refuses a new key together with the remove box, and a remove flag of the wrong type", async () => {
    const id = await endpointId("taken");
    const before = await snapshot();
    const both = await act("updateEndpointAction", await editPayload(id, { apiKey: "sk-new", removeApiKey: "on" }));
    expect(both.state?.fieldErrors).toEqual({ apiKey: ["Enter a new key or remove the stored one, not both"] });
    const badFlag = await act("updateEndpointAction", await editPayload(id, { removeApiKey: 7 }));
    expect(Object.keys(badFlag.state?.fieldErrors ?? {})).toEqual(["removeApiKey"]);
    expect(await snapshot()).toBe(before);
  });
});

// ---------------------------------------------------------------- the work itself

describe("add, edit and delete", () => {
  it("adds an endpoint from form strings: trailing slash removed, models split and de-duplicated, prices parsed", async () => {
    const r = await act("createEndpointAction", {
      name: "OpenAI main",
      baseUrl: " https://api.openai.com/v1/ ",
      apiStyle: "openai",
      apiKey: KEY_OPENAI,
      models: "gpt-4o\r\ngpt-4o-mini, gpt-4o\n\n o3 ",
      eurPerMInput: "2.5",
      eurPerMOutput: "",
    });
    expect(r.state).toMatchObject({ ok: true });
    const [e] = await rows("SELECT * FROM model_endpoints WHERE name = 'OpenAI main'");
    expect(e).toMatchObject({ base_url: "https://api.openai.com/v1", api_style: "openai", upstream_api_key: KEY_OPENAI, eur_per_m_input: 2.5, eur_per_m_output: 0 });
    expect(JSON.parse(String(e.models))).toEqual(["gpt-4o", "gpt-4o-mini", "o3"]);
  });

  it("adds one from JSON values: a model array and number prices", async () => {
    const r = await act("createEndpointAction", {
      name: "claude.eu_1",
      baseUrl: "https://api.anthropic.com/v1",
      apiStyle: "anthropic",
      models: ["claude-sonnet-4-5", "claude-haiku-4-5", "claude-sonnet-4-5"],
      eurPerMInput: 3,
      eurPerMOutput: 15.75,
    });
    expect(r.state).toMatchObject({ ok: true });
    const [e] = await rows("SELECT * FROM model_endpoints WHERE name = 'claude.eu_1'");
    expect(e).toMatchObject({ api_style: "anthropic", upstream_api_key: null, eur_per_m_input: 3, eur_per_m_output: 15.75 });
    expect(JSON.parse(String(e.models))).toEqual(["claude-sonnet-4-5", "claude-haiku-4-5"]);
  });

  it("edits fields; an empty key field keeps the stored key", async () => {
    const id = await endpointId("OpenAI main");
    const r = await act("updateEndpointAction", await editPayload(id, { eurPerMInput: "3", eurPerMOutput: "12.5", models: "gpt-4o\ngpt-4.1" }));
    expect(r.state).toMatchObject({ ok: true });
    const [e] = await rows("SELECT * FROM model_endpoints WHERE id = ?", [id]);
    expect(e).toMatchObject({ eur_per_m_input: 3, eur_per_m_output: 12.5, upstream_api_key: KEY_OPENAI });
    expect(JSON.parse(String(e.models))).toEqual(["gpt-4o", "gpt-4.1"]);
    const [entry] = await rows("SELECT details FROM audit_log WHERE action = 'endpoint.update' AND target_id = ? ORDER BY id DESC LIMIT 1", [id]);
    const details = JSON.parse(String(entry.details));
    expect(details).toMatchObject({ eurPerMInput: { from: 2.5, to: 3 }, eurPerMOutput: { from: 0, to: 12.5 } });
    expect(details).not.toHaveProperty("apiKeyChanged");
  });

  it("a new key replaces the stored one; the log says only that it changed", async () => {
    const id = await endpointId("OpenAI main");
    const r = await act("updateEndpointAction", await editPayload(id, { apiKey: KEY_REPLACED }));
    expect(r.state).toMatchObject({ ok: true });
    expect(await storedKey("OpenAI main")).toBe(KEY_REPLACED);
    const [entry] = await rows("SELECT details FROM audit_log WHERE action = 'endpoint.update' AND target_id = ? ORDER BY id DESC LIMIT 1", [id]);
    expect(JSON.parse(String(entry.details))).toEqual({ apiKeyChanged: true });
  });

  it("the remove box clears the stored key", async () => {
    const id = await endpointId("OpenAI main");
    const r = await act("updateEndpointAction", await editPayload(id, { removeApiKey: "on" }));
    expect(r.state).toMatchObject({ ok: true });
    expect(await storedKey("OpenAI main")).toBeNull();
    const [entry] = await rows("SELECT details FROM audit_log WHERE action = 'endpoint.update' AND target_id = ? ORDER BY id DESC LIMIT 1", [id]);
    expect(JSON.parse(String(entry.details))).toEqual({ apiKeyRemoved: true });
  });

  it("renames; a save without changes writes nothing", async () => {
    const id = await endpointId("claude.eu_1");
    const r = await act("updateEndpointAction", await editPayload(id, { name: "claude-eu" }));
    expect(r.state).toMatchObject({ ok: true });
    expect(await endpointId("claude-eu")).toBe(id);
    const before = await snapshot();
    const same = await act("updateEndpointAction", await editPayload(id));
    expect(same.state).toMatchObject({ ok: true });
    expect(await snapshot()).toBe(before);
  });

  it("deletes", async () => {
    const id = await createEndpoint({ name: "short-lived", apiKey: KEY_SECOND });
    const r = await act("deleteEndpointAction", { id });
    expect(r.state).toMatchObject({ ok: true });
    expect(await rows("SELECT id FROM model_endpoints WHERE id = ?", [id])).toHaveLength(0);
    const [entry] = await rows("SELECT actor_name, target_type, target_name, details FROM audit_log WHERE action = 'endpoint.delete' AND target_id = ?", [id]);
    expect(entry).toMatchObject({ actor_name: "admin", target_type: "model_endpoint", target_name: "short-lived" });
  });

  it("every write reaches this instance's gateway before the action returns", async () => {
    const [bobRow] = await rows("SELECT id FROM users WHERE username = 'bob'");
    const created = await callAction(app.url, "/users", "createKeyAction", { userId: bobRow.id, label: "routing" }, { session: admin });
    const key = created.state!.data as { key: string };
    const models = async () =>
      ((await (await fetch(`${app.url}/v1/models`, { headers: { authorization: `Bearer ${key.key}` } })).json()) as { data: { id: string }[] }).data.map((m) => m.id);
    await act("createEndpointAction", { ...valid, name: "routing-check", models: "routed-model" });
    expect(await models()).toContain("routed-model");
    const id = await endpointId("routing-check");
    await act("updateEndpointAction", await editPayload(id, { models: "renamed-model" }));
    expect(await models()).toEqual(expect.arrayContaining(["renamed-model"]));
    expect(await models()).not.toContain("routed-model");
    await act("deleteEndpointAction", { id });
    expect(await models()).not.toContain("renamed-model");
  });

  it("writes an audit row for each mutation under the admin's name", async () => {
    const log = await rows("SELECT actor_name, action, target_type FROM audit_log WHERE action LIKE 'endpoint.%'");
    expect(new Set(log.map((r) => r.action))).toEqual(new Set(["endpoint.create", "endpoint.update", "endpoint.delete"]));
    expect(new Set(log.map((r) => `${r.actor_name} ${r.target_type}`))).toEqual(new Set(["admin model_endpoint"]));
  });
});

// ---------------------------------------------------------------- test connection

describe("test connection", () => {
  const test = async (name: string) => {
    const r = await act("testEndpointAction", { id: await endpointId(name) });
    expect(r.state?.ok, r.body).toBe(true);
    return r.state!.data as { ok: boolean; models?: number; message?: string };
  };

  it("openai style: GET {baseUrl}/models with the key as a Bearer token → ok with the model count", async () => {
    const up = await startUpstream(modelsServer(3, { authorization: `Bearer ${KEY_OPENAI}` }));
    upstreams.push(up);
    await createEndpoint({ name: "local-openai", baseUrl: `${up.url}/v1/`, apiStyle: "openai", apiKey: KEY_OPENAI });
    expect(await test("local-openai")).toEqual({ ok: true, models: 3 });
    expect(up.seen).toHaveLength(1);
    expect(up.seen[0].path).toBe("/v1/models");
    expect(up.seen[0].headers.authorization).toBe(`Bearer ${KEY_OPENAI}`);
    expect(up.seen[0].headers["x-api-key"]).toBeUndefined();
  });

  it("anthropic style: x-api-key and anthropic-version headers → ok with the model count", async () => {
    const up = await startUpstream(modelsServer(2, { "x-api-key": KEY_ANTHROPIC, "anthropic-version": "2023-06-01" }));
    upstreams.push(up);
    await createEndpoint({ name: "local-anthropic", baseUrl: `${up.url}/v1`, apiStyle: "anthropic", apiKey: KEY_ANTHROPIC });
    expect(await test("local-anthropic")).toEqual({ ok: true, models: 2 });
    expect(up.seen[0].path).toMatch(/^\/v1\/models(\?|$)/);
    expect(up.seen[0].headers["x-api-key"]).toBe(KEY_ANTHROPIC);
    expect(up.seen[0].headers["anthropic-version"]).toBe("2023-06-01");
    expect(up.seen[0].headers.authorization).toBeUndefined();
  });

  it("a wrong key (HTTP 401) → not ok, naming the status and the key as the thing to check", async () => {
    const up = await startUpstream(modelsServer(3, { authorization: "Bearer the-right-key" }));
    upstreams.push(up);
    await createEndpoint({ name: "local-401", baseUrl: `${up.url}/v1`, apiKey: KEY_SECOND });
    const r = await test("local-401");
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/HTTP 401/);
    expect(r.message).toMatch(/API key/);
  });

  it("a base URL without the version path (HTTP 404) → not ok, with a hint about /v1", async () => {
    const up = await startUpstream(modelsServer(3, {}));
    upstreams.push(up);
    await createEndpoint({ name: "local-404", baseUrl: up.url });
    const r = await test("local-404");
    expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/HTTP 404.*\/v1/) });
  });

  it("a closed port → not ok: connection refused", async () => {
    const port = await freePort();
    await createEndpoint({ name: "local-closed", baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: KEY_SECOND });
    const r = await test("local-closed");
    expect(r).toEqual({ ok: false, message: `Connection refused by 127.0.0.1:${port}: nothing is listening there.` });
  });

  it("an upstream that does not answer → not ok after 5 seconds", async () => {
    const up = await startUpstream(() => undefined);
    upstreams.push(up);
    await createEndpoint({ name: "local-silent", baseUrl: `${up.url}/v1` });
    const started = Date.now();
    const r = await test("local-silent");
    expect(r).toEqual({ ok: false, message: `No answer from 127.0.0.1:${up.port} within 5 seconds.` });
    expect(Date.now() - started).toBeGreaterThanOrEqual(4900);
  });

  it("a redirect is not followed, so the key never travels to another server", async () => {
    const elsewhere = await startUpstream(modelsServer(1, {}));
    const up = await startUpstream((_req, res) => {
      res.writeHead(302, { location: `${elsewhere.url}/v1/models` });
      res.end();
    });
    upstreams.push(elsewhere, up);
    await createEndpoint({ name: "local-redirect", baseUrl: `${up.url}/v1`, apiStyle: "anthropic", apiKey: KEY_ANTHROPIC });
    const r = await test("local-redirect");
    expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/redirected \(HTTP 302\)/) });
    expect(elsewhere.seen).toHaveLength(0);
  });

  it("an answer that is not a model list → not ok", async () => {
    const up = await startUpstream((_req, res) => json(res, 200, { hello: "world" }));
    upstreams.push(up);
    await createEndpoint({ name: "local-odd", baseUrl: `${up.url}/v1` });
    expect(await test("local-odd")).toMatchObject({ ok: false, message: expect.stringMatching(/not with a model list/) });
  });
});

// ---------------------------------------------------------------- the key never comes back out

describe("the upstream key is write-only", () => {
  it("the /endpoints page shows whether a key is set, never the key", async () => {
    const res = await fetch(app.url + "/endpoints", { headers: { cookie: admin.cookie } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("local-anthropic");
    expect(html).toContain("hasApiKey");
    for (const secret of SECRETS) expect(html).not.toContain(secret);
    expect(html).not.toContain("5ecret");
  });

  it("no action answer and no audit row ever held a key", async () => {
    expect(answers.length).toBeGreaterThan(100);
    const everything = answers.join("\n") + JSON.stringify(await rows("SELECT * FROM audit_log"));
    expect(everything).not.toContain("5ecret");
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
  });
});
