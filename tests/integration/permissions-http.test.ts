import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs, grantAs, signedInAdmin, usersActionAs } from "../support/admin";
import { startApp, type App } from "../support/app";
import { callAction, type Session } from "../support/http";
import { startMockLlm, type MockLlm } from "../support/mock-llm";
import { unique } from "../support/names";
import { waitFor } from "../support/ports";

// The permissions whitelist end to end: two app processes of one deployment (shared SQLite file and
// valkey-server) and the official SDKs against the mock upstream. A new user's key can call nothing;
// each grant opens exactly what it names, on both instances at the very next call, and each revoke
// closes it the same way; a plain model name goes to the endpoint the caller may use; /v1/models and
// /v1/me/permissions say the same; grants follow renamed, shrunk and deleted endpoints and skills; bad
// input changes nothing. All data through the product's actions; SQL only reads, to assert.

let a: App;
let b: App;
let mock: MockLlm;
let admin: Session;
// Endpoints named so that A sorts before B (a plain name goes to the first allowed one by name).
const EP_A = unique("perm-a");
const EP_B = unique("perm-b");
const EP_C = unique("perm-c");

type Outcome = "ok" | "403" | "404" | string;
const outcomeOf = (e: unknown): Outcome =>
  e instanceof OpenAI.PermissionDeniedError || e instanceof Anthropic.PermissionDeniedError
    ? "403"
    : e instanceof OpenAI.NotFoundError || e instanceof Anthropic.NotFoundError
      ? "404"
      : String(e);

const chat = (app: App, key: string, model: string) =>
  new OpenAI({ apiKey: key, baseURL: `${app.url}/v1`, maxRetries: 0 }).chat.completions.create({ model, messages: [{ role: "user", content: "hi" }] }).then(
    () => "ok",
    outcomeOf,
  );
const message = (app: App, key: string, model: string) =>
  new Anthropic({ apiKey: key, baseURL: app.url, maxRetries: 0 }).messages.create({ model, max_tokens: 16, messages: [{ role: "user", content: "hi" }] }).then(
    () => "ok",
    outcomeOf,
  );
const modelsOf = async (app: App, key: string) => (await new OpenAI({ apiKey: key, baseURL: `${app.url}/v1`, maxRetries: 0 }).models.list()).data.map((m) => m.id).sort();
const anthropicModelsOf = async (app: App, key: string) => (await new Anthropic({ apiKey: key, baseURL: app.url, maxRetries: 0 }).models.list()).data.map((m) => m.id).sort();

const act = (name: string, payload: unknown) => usersActionAs(a, admin, name, payload);
const rows = async (sql: string, args: (string | number)[] = []) => (await a.db.execute({ sql, args })).rows;
const grantsOf = async (userId: string) => (await rows("SELECT resource_type AS type, resource_id AS id FROM permissions WHERE user_id = ? ORDER BY resource_type, resource_id", [userId])).map((r) => `${r.type}:${r.id}`);
const grantIdsOf = async (userId: string, ids: string[]) =>
  (await rows("SELECT id, resource_id FROM permissions WHERE user_id = ?", [userId])).filter((r) => ids.includes(String(r.resource_id))).map((r) => Number(r.id));

/** A user created as the product creates them (no grants), with a key. */
async function bareUser() {
  const userId = await createUserAs(a, admin, unique("perm"), "user", { modelGrants: [] });
  return { userId, key: await createKeyAs(a, admin, userId) };
}

beforeAll(async () => {
  mock = await startMockLlm();
  a = await startApp({ valkey: true, smtp: false });
  b = await startApp({ valkey: true, smtp: false, shareWith: a });
  admin = await signedInAdmin(a);
  await createEndpointAs(a, admin, { name: EP_A, baseUrl: `${mock.url}/v1`, models: ["m-one", "m-two", "m-shared"] });
  await createEndpointAs(a, admin, { name: EP_B, baseUrl: `${mock.url}/v1`, models: ["m-shared", "m-b"] });
  await createEndpointAs(a, admin, { name: EP_C, baseUrl: `${mock.url}/v1`, apiStyle: "anthropic", models: ["c-one"] });
});

afterAll(async () => {
  await b?.stop();
  await a?.stop();
  await mock?.stop();
});

describe("a new user", () => {
  it("can call nothing: PermissionDeniedError in both SDKs naming the grants that would allow it, and an empty model list", async () => {
    const { userId, key } = await bareUser();
    const refusal = await new OpenAI({ apiKey: key, baseURL: `${a.url}/v1`, maxRetries: 0 }).chat.completions
      .create({ model: "m-one", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((refusal as Error).message).toContain(`Any of these model endpoint grants allows it: 'm-one@${EP_A}', '*@${EP_A}', '*'`);
    expect(await message(a, key, "c-one")).toBe("403");
    expect(await modelsOf(a, key)).toEqual([]);
    expect(await anthropicModelsOf(b, key)).toEqual([]);
    // What does not exist is still a 404, granted or not.
    expect(await chat(a, key, "no-such-model")).toBe("404");
    // Each refused call is in the ledger, with nothing billed.
    await waitFor("the refusals' ledger rows", async () => (await rows("SELECT count(*) AS n FROM usage_events WHERE user_id = ?", [userId]))[0].n === 3, 5000, 50);
    expect((await rows("SELECT status, input_tokens + output_tokens AS tokens, cost_eur FROM usage_events WHERE user_id = ? ORDER BY id", [userId])).map((r) => [r.status, r.tokens, r.cost_eur])).toEqual([
      ["permission_denied", 0, 0],
      ["permission_denied", 0, 0],
      ["model_not_found", 0, 0],
    ]);
  });
});

describe("grants and revokes, on both instances at the very next call", () => {
  it("opens model@endpoint, then *@endpoint, then *, and closes them again", async () => {
    const { userId, key } = await bareUser();
    // Both instances have the key's record (no grants) cached.
    expect(await chat(a, key, "m-one")).toBe("403");
    expect(await chat(b, key, "m-one")).toBe("403");

    await grantAs(a, admin, userId, "model_endpoint", [`m-one@${EP_A}`]);
    expect(await chat(b, key, "m-one")).toBe("ok");
    expect(await chat(b, key, `m-one@${EP_A}`)).toBe("ok");
    expect(await chat(b, key, "m-two")).toBe("403");
    expect(await chat(b, key, "m-b")).toBe("403");
    expect(await modelsOf(b, key)).toEqual(["m-one"]);

    await grantAs(a, admin, userId, "model_endpoint", [`*@${EP_A}`]);
    expect(await chat(b, key, "m-two")).toBe("ok");
    expect(await chat(b, key, `m-shared@${EP_A}`)).toBe("ok");
    expect(await chat(b, key, `m-shared@${EP_B}`)).toBe("403");
    expect(await chat(b, key, "m-b")).toBe("403");
    expect(await message(b, key, "c-one")).toBe("403");
    expect(await modelsOf(b, key)).toEqual(["m-one", "m-shared", "m-two"]);

    await grantAs(a, admin, userId, "model_endpoint", ["*"]);
    expect(await chat(b, key, "m-b")).toBe("ok");
    expect(await message(b, key, "c-one")).toBe("ok");
    expect(await modelsOf(b, key)).toEqual(["c-one", "m-b", "m-one", "m-shared", `m-shared@${EP_A}`, `m-shared@${EP_B}`, "m-two"]);
    expect(await grantsOf(userId)).toEqual([`model_endpoint:*`, `model_endpoint:*@${EP_A}`, `model_endpoint:m-one@${EP_A}`]);

    // Revoked through A, refused on B at its very next call.
    await act("revokeAction", { userId, grantIds: await grantIdsOf(userId, ["*", `*@${EP_A}`]) });
    expect(await chat(b, key, "m-two")).toBe("403");
    expect(await message(b, key, "c-one")).toBe("403");
    expect(await chat(b, key, "m-one")).toBe("ok");
    expect(await modelsOf(b, key)).toEqual(["m-one"]);
    await act("revokeAction", { userId, grantIds: await grantIdsOf(userId, [`m-one@${EP_A}`]) });
    expect(await chat(b, key, "m-one")).toBe("403");
    expect(await grantsOf(userId)).toEqual([]);

    // Each change is in the audit log, by the admin, naming what changed.
    const audit = await rows("SELECT action, details FROM audit_log WHERE target_id = ? AND action LIKE 'permission.%' ORDER BY id", [userId]);
    expect(audit.map((r) => r.action)).toEqual(["permission.grant", "permission.grant", "permission.grant", "permission.revoke", "permission.revoke"]);
    expect(JSON.parse(String(audit[0].details))).toEqual({ type: "model_endpoint", ids: [`m-one@${EP_A}`] });
    expect(JSON.parse(String(audit[3].details)).grants).toEqual(
      expect.arrayContaining([
        { type: "model_endpoint", id: "*" },
        { type: "model_endpoint", id: `*@${EP_A}` },
      ]),
    );
  });

  it("sends a plain model name to the endpoint the caller may use: only m@B granted, m goes to B", async () => {
    const { userId, key } = await bareUser();
    const endpointOfLastCall = async () => {
      let row: Record<string, unknown> | undefined;
      await waitFor("the call's ledger row", async () => {
        [row] = await rows("SELECT endpoint, status FROM usage_events WHERE user_id = ? ORDER BY id DESC LIMIT 1", [userId]);
        return row !== undefined;
      }, 5000, 50);
      return row!.endpoint;
    };
    await grantAs(a, admin, userId, "model_endpoint", [`m-shared@${EP_B}`]);
    expect(await chat(a, key, "m-shared")).toBe("ok");
    expect(await endpointOfLastCall()).toBe(EP_B);
    expect(await chat(a, key, `m-shared@${EP_A}`)).toBe("403");
    expect(await modelsOf(a, key)).toEqual(["m-shared"]);
    // Granted on both, the first by name answers, as for an admin.
    await grantAs(a, admin, userId, "model_endpoint", [`m-shared@${EP_A}`]);
    expect(await chat(a, key, "m-shared")).toBe("ok");
    expect(await endpointOfLastCall()).toBe(EP_A);
  });

  it("lets an admin's key call everything without grants", async () => {
    const adminId = String((await rows("SELECT id FROM users WHERE username = 'admin'"))[0].id);
    const key = await createKeyAs(a, admin, adminId);
    expect(await grantsOf(adminId)).toEqual([]);
    expect(await chat(b, key, "m-b")).toBe("ok");
    expect(await message(b, key, "c-one")).toBe("ok");
    expect(await modelsOf(b, key)).toContain("c-one");
  });

  it("grants and revokes for many users at once (the bulk action), each in the audit log", async () => {
    const users = [await bareUser(), await bareUser(), await bareUser()];
    const userIds = users.map((u) => u.userId);
    const granted = await act("bulkPermissionsAction", { userIds, op: "grant", type: "model_endpoint", ids: [`*@${EP_B}`] });
    expect(granted.state?.data).toEqual({ changed: 3 });
    for (const u of users) expect(await chat(b, u.key, "m-b")).toBe("ok");
    for (const id of userIds) expect(await grantsOf(id)).toEqual([`model_endpoint:*@${EP_B}`]);
    const revoked = await act("bulkPermissionsAction", { userIds, op: "revoke", type: "model_endpoint", ids: [`*@${EP_B}`] });
    expect(revoked.state?.data).toEqual({ changed: 3 });
    for (const u of users) expect(await chat(b, u.key, "m-b")).toBe("403");
    const audit = await rows(`SELECT target_id, action FROM audit_log WHERE action LIKE 'permission.%' AND target_id IN (?, ?, ?) ORDER BY id`, userIds);
    expect(audit.filter((r) => r.action === "permission.grant")).toHaveLength(3);
    expect(audit.filter((r) => r.action === "permission.revoke")).toHaveLength(3);
  });
});

describe("GET /v1/me/permissions", () => {
  it("answers the caller's skills, MCP tools and modes (`*` expanded) and models, fresh after each change", async () => {
    const skill = unique("skill");
    const other = unique("skill");
    const tool = unique("tool");
    for (const [kind, name] of [["skill", skill], ["skill", other], ["mcp_tool", tool]]) {
      const r = await callAction(a.url, "/skills", "createCatalogEntryAction", { kind, name, description: "" }, { session: admin });
      expect(r.state, r.body).toMatchObject({ ok: true });
    }
    const { userId, key } = await bareUser();
    const me = async (app: App, apiKey = key) => {
      const res = await fetch(`${app.url}/v1/me/permissions`, { headers: { authorization: `Bearer ${apiKey}` } });
      expect(res.status).toBe(200);
      return (await res.json()) as { user: { id: string; role: string }; models: string[]; skills: string[]; mcp_tools: string[]; modes: string[] };
    };
    expect(await me(a)).toMatchObject({ user: { id: userId, role: "user" }, models: [], skills: [], mcp_tools: [], modes: ["native"] });
    await grantAs(a, admin, userId, "skill", [skill]);
    await grantAs(a, admin, userId, "mcp_tool", ["*"]);
    await grantAs(a, admin, userId, "moe_mode", ["moe_reasoning"]);
    await grantAs(a, admin, userId, "model_endpoint", [`m-one@${EP_A}`]);
    const now = await me(b);
    expect(now.skills).toEqual([skill]);
    expect(now.mcp_tools).toContain(tool);
    expect(now.modes).toEqual(["native", "moe_reasoning"]);
    expect(now.models).toEqual(["m-one"]);
    // An unknown key is a 401 in the client's shape.
    expect((await fetch(`${a.url}/v1/me/permissions`, { headers: { authorization: "Bearer tg-sk-" + "0".repeat(48) } })).status).toBe(401);
  });
});

describe("grants follow their resources", () => {
  /** The edit form's payload of an endpoint as it stands, with changes. */
  async function endpointPayload(id: string, patch: Record<string, unknown>) {
    const [e] = await rows("SELECT * FROM model_endpoints WHERE id = ?", [id]);
    return { id, name: e.name, baseUrl: e.base_url, apiStyle: e.api_style, apiKey: "", models: (JSON.parse(String(e.models)) as string[]).join("\n"), eurPerMInput: "0", eurPerMOutput: "0", ...patch };
  }

  it("a renamed endpoint takes its grants along (the key keeps working on both instances); removed models and a deletion take theirs away", async () => {
    const name = unique("perm-d");
    const renamed = unique("perm-e");
    const id = await createEndpointAs(a, admin, { name, baseUrl: `${mock.url}/v1`, models: ["d-one", "d-two"] });
    const { userId, key } = await bareUser();
    const { userId: other } = await bareUser();
    await grantAs(a, admin, userId, "model_endpoint", [`d-one@${name}`, `d-two@${name}`]);
    await grantAs(a, admin, other, "model_endpoint", [`*@${name}`]);
    expect(await chat(b, key, "d-one")).toBe("ok");

    await act("updateEndpointAction", await endpointPayload(id, { name: renamed }));
    expect(await grantsOf(userId)).toEqual([`model_endpoint:d-one@${renamed}`, `model_endpoint:d-two@${renamed}`]);
    expect(await grantsOf(other)).toEqual([`model_endpoint:*@${renamed}`]);
    expect(await chat(b, key, "d-one")).toBe("ok");
    expect(await chat(b, key, `d-one@${renamed}`)).toBe("ok");
    const renames = await rows("SELECT target_id, details FROM audit_log WHERE action = 'permission.rename' AND target_id IN (?, ?)", [userId, other]);
    expect(renames).toHaveLength(2);
    expect(JSON.parse(String(renames.find((r) => r.target_id === other)!.details))).toEqual({ reason: `endpoint ${name} renamed to ${renamed}`, grants: [{ type: "model_endpoint", id: `*@${name}` }] });

    await act("updateEndpointAction", await endpointPayload(id, { models: "d-one" }));
    expect(await grantsOf(userId)).toEqual([`model_endpoint:d-one@${renamed}`]);
    expect(await grantsOf(other)).toEqual([`model_endpoint:*@${renamed}`]);

    await act("deleteEndpointAction", { id });
    expect(await grantsOf(userId)).toEqual([]);
    expect(await grantsOf(other)).toEqual([]);
    expect(await chat(b, key, "d-one")).toBe("404");
    const revokes = await rows("SELECT details FROM audit_log WHERE action = 'permission.revoke' AND target_id = ? ORDER BY id", [other]);
    expect(JSON.parse(String(revokes.at(-1)!.details))).toMatchObject({ reason: `endpoint ${renamed} deleted`, grants: [{ type: "model_endpoint", id: `*@${renamed}` }] });
  });

  it("a renamed skill takes its grants along; a deleted one takes them away", async () => {
    const name = unique("skill");
    const renamed = unique("skill");
    const created = await callAction(a.url, "/skills", "createCatalogEntryAction", { kind: "skill", name, description: "d" }, { session: admin });
    const entryId = (created.state!.data as { id: string }).id;
    const { userId } = await bareUser();
    await grantAs(a, admin, userId, "skill", [name]);
    const update = await callAction(a.url, "/skills", "updateCatalogEntryAction", { kind: "skill", id: entryId, name: renamed, description: "d" }, { session: admin });
    expect(update.state, update.body).toMatchObject({ ok: true });
    expect(await grantsOf(userId)).toEqual([`skill:${renamed}`]);
    const removed = await callAction(a.url, "/skills", "deleteCatalogEntryAction", { kind: "skill", id: entryId }, { session: admin });
    expect(removed.state, removed.body).toMatchObject({ ok: true });
    expect(await grantsOf(userId)).toEqual([]);
  });
});

describe("bad input changes nothing", () => {
  const everything = async () => JSON.stringify([await rows("SELECT * FROM permissions ORDER BY id"), (await rows("SELECT count(*) AS n FROM audit_log"))[0].n]);

  it("refuses unknown ids, wrong types and empty lists at their field, writing nothing", async () => {
    const { userId } = await bareUser();
    await grantAs(a, admin, userId, "model_endpoint", [`m-one@${EP_A}`]);
    const before = await everything();
    const cases: [Record<string, unknown>, Record<string, string[]>][] = [
      [{ type: "model_endpoint", ids: [`m-b@${EP_A}`] }, { ids: [`Unknown model endpoint: 'm-b@${EP_A}' (use *, *@endpoint or model@endpoint, for an endpoint that serves the model). Nothing was granted.`] }],
      // One unknown among known ones: the known ones are not granted either.
      [{ type: "model_endpoint", ids: [`m-two@${EP_A}`, "*@nowhere", "m-one"] }, { ids: [expect.stringMatching(/^Unknown model endpoints: '\*@nowhere', 'm-one' .*Nothing was granted\.$/) as unknown as string] }],
      [{ type: "skill", ids: ["no-such-skill"] }, { ids: ["Unknown skill: 'no-such-skill'. Nothing was granted."] }],
      [{ type: "moe_mode", ids: ["turbo"] }, { ids: ["Unknown mode: 'turbo'. Nothing was granted."] }],
      [{ type: "expert_template", ids: ["0".repeat(32)] }, { ids: [`Unknown expert template: '${"0".repeat(32)}'. Nothing was granted.`] }],
      [{ type: "gadget", ids: ["*"] }, { type: ["Choose a resource type"] }],
      [{ type: "skill", ids: [] }, { ids: ["Choose at least one resource"] }],
      [{ type: "skill", ids: [""] }, { ids: ["Each resource id must be 1–200 characters"] }],
      [{ type: "skill", ids: "x".repeat(201) }, { ids: ["Each resource id must be 1–200 characters"] }],
    ];
    for (const [payload, fieldErrors] of cases) {
      const r = await callAction(a.url, "/users", "grantAction", { userId, ...payload }, { session: admin });
      expect(r.status, JSON.stringify(payload)).toBe(200);
      expect(r.state, JSON.stringify(payload)).toMatchObject({ ok: false, fieldErrors });
    }
    const bulk = await callAction(a.url, "/users", "bulkPermissionsAction", { userIds: [userId], op: "grant", type: "model_endpoint", ids: ["m-b@nowhere"] }, { session: admin });
    expect(bulk.state).toMatchObject({ ok: false, fieldErrors: { ids: [expect.stringContaining("Unknown model endpoint")] } });
    const noUsers = await callAction(a.url, "/users", "bulkPermissionsAction", { userIds: [], op: "grant", type: "model_endpoint", ids: ["*"] }, { session: admin });
    expect(noUsers.state).toMatchObject({ ok: false, fieldErrors: { userIds: ["Select the users first"] } });
    const badOp = await callAction(a.url, "/users", "bulkPermissionsAction", { userIds: [userId], op: "delete", type: "model_endpoint", ids: ["*"] }, { session: admin });
    expect(badOp.state).toMatchObject({ ok: false, fieldErrors: { op: ["Choose grant or revoke"] } });
    const badRevoke = await callAction(a.url, "/users", "revokeAction", { userId, grantIds: ["x"] }, { session: admin });
    expect(badRevoke.state).toMatchObject({ ok: false });
    expect(await everything()).toBe(before);
  });

  it("ignores duplicates and grants already held, and never revokes another user's grant", async () => {
    const { userId } = await bareUser();
    const { userId: other } = await bareUser();
    await grantAs(a, admin, other, "model_endpoint", ["*"]);
    const first = await act("grantAction", { userId, type: "model_endpoint", ids: [`m-one@${EP_A}`, `m-one@${EP_A}`, ` m-one@${EP_A} `] });
    expect(first.state?.data).toEqual({ added: 1 });
    const again = await act("grantAction", { userId, type: "model_endpoint", ids: [`m-one@${EP_A}`, `*@${EP_B}`] });
    expect(again.state?.data).toEqual({ added: 1 });
    expect(await grantsOf(userId)).toEqual([`model_endpoint:*@${EP_B}`, `model_endpoint:m-one@${EP_A}`]);
    const othersGrant = await grantIdsOf(other, ["*"]);
    const r = await act("revokeAction", { userId, grantIds: othersGrant });
    expect(r.state?.data).toEqual({ removed: 0 });
    expect(await grantsOf(other)).toEqual(["model_endpoint:*"]);
  });
});
