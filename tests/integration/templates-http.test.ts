import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs, grantAs, readyUser, signedInAdmin, usersActionAs, type ReadyUser } from "../support/admin";
import { AGENT_TEXT, AGENT_USAGE, startAgentLlm, type AgentLlm } from "../support/agent-llm";
import { startApp, type App } from "../support/app";
import { callAction, type ActionResult, type Session } from "../support/http";
import { unique } from "../support/names";

/**
 * Expert templates and CC profiles end to end (issue 16): the official SDKs against the built app (real
 * SQLite, valkey-server), the upstream a local server speaking both APIs whose requests are read as
 * it received them. Templates and profiles are made through the product's own actions (admin and
 * portal); grants through the Permissions tab's.
 */

let app: App;
let admin: Session;
let agent: AgentLlm;

const TERMS = { eurPerMInput: 1, eurPerMOutput: 2, maxOutputTokens: "agent-plain = 4096" };
const SYSTEM = "You review code for Tollgate.";

type Fields = Record<string, unknown>;
const template = (name: string, target: string, extra: Fields = {}): Fields => ({ name, description: "", costFactor: 1, active: true, target, mode: "native", ...extra });
const profile = (name: string, toolModel: string, extra: Fields = {}): Fields => ({ name, description: "", active: true, mode: "native", toolModel, streamThinking: true, ...extra });

async function ok(r: Promise<ActionResult>): Promise<{ id: string } & Record<string, unknown>> {
  const res = await r;
  expect(res.state, res.body).toMatchObject({ ok: true });
  return res.state!.data as { id: string };
}
const asAdmin = (page: string, action: string, payload: unknown) => callAction(app.url, page, action, payload, { session: admin });
const asUser = (u: ReadyUser, page: string, action: string, payload: unknown) => callAction(app.url, page, action, payload, { session: u.session });

const clients = (key: string) => ({ oa: new OpenAI({ apiKey: key, baseURL: `${app.url}/v1`, maxRetries: 0 }), an: new Anthropic({ apiKey: key, baseURL: app.url, maxRetries: 0 }) });

/** The upstream's requests made during `fn`. */
async function sentDuring(fn: () => Promise<unknown>) {
  const before = agent.requests.length;
  await fn();
  return agent.requests.slice(before);
}

async function lastRow(userId: string) {
  const { rows } = await app.db.execute({ sql: "SELECT endpoint, model, status, cost_eur FROM usage_events WHERE user_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1", args: [userId] });
  return { ...rows[0] };
}

async function refusedWith(p: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { status: number; message: string };
    return { status: err.status, message: err.message };
  }
  throw new Error("the call was not refused");
}

const count = async (sql: string, args: (string | number)[] = []) => Number((await app.db.execute({ sql, args })).rows[0].n);

beforeAll(async () => {
  agent = await startAgentLlm();
  app = await startApp({ valkey: true, smtp: false });
  admin = await signedInAdmin(app);
  // The same model behind an endpoint of each style.
  await createEndpointAs(app, admin, { name: "self-hosted", baseUrl: `${agent.url}/v1`, apiStyle: "openai", models: ["agent-plain", "agent-other"], ...TERMS });
  await createEndpointAs(app, admin, { name: "claude-api", baseUrl: `${agent.url}/v1`, apiStyle: "anthropic", models: ["agent-plain"], ...TERMS });
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await agent?.stop();
});

describe("an admin-made template", () => {
  let subscriber: string;
  let key: string;
  let openaiTpl: string;

  beforeAll(async () => {
    openaiTpl = (await ok(asAdmin("/templates", "createTemplateAction", template("reviewer-oa", "agent-plain@self-hosted", { systemPrompt: SYSTEM, maxTokens: 300, temperature: 0.1, costFactor: 2.5 })))).id;
    const anthropicTpl = (await ok(asAdmin("/templates", "createTemplateAction", template("reviewer-an", "agent-plain@claude-api", { systemPrompt: SYSTEM, maxTokens: 300 })))).id;
    await ok(asAdmin("/templates", "createTemplateAction", template("not-assigned", "agent-plain@self-hosted")));
    // No model grant at all: the template's grant is what lets the subscriber call.
    subscriber = await createUserAs(app, admin, unique("sub"), "subscriber", { modelGrants: [] });
    await grantAs(app, admin, subscriber, "expert_template", [openaiTpl, anthropicTpl]);
    key = await createKeyAs(app, admin, subscriber);
  });

  it("reaches an openai-style target with its system prompt first, the cap lowered and its temperature; from both SDKs", async () => {
    const { oa, an } = clients(key);
    const [viaOpenai] = await sentDuring(async () => {
      const r = await oa.chat.completions.create({ model: "reviewer-oa", max_tokens: 2000, messages: [{ role: "system", content: "Mine." }, { role: "user", content: "Hi" }] });
      expect(r.choices[0].message.content).toBe(AGENT_TEXT);
    });
    expect(viaOpenai.path).toBe("/v1/chat/completions");
    expect(viaOpenai.body).toMatchObject({ model: "agent-plain", max_tokens: 300, temperature: 0.1 });
    expect(viaOpenai.body.messages.slice(0, 2)).toEqual([{ role: "system", content: SYSTEM }, { role: "system", content: "Mine." }]);

    // An Anthropic client on the same template: translated, the prompt still first.
    const [viaAnthropic] = await sentDuring(async () => {
      const m = await an.messages.create({ model: "reviewer-oa", max_tokens: 5000, system: "Mine.", messages: [{ role: "user", content: "Hi" }] });
      expect(m.content[0]).toMatchObject({ type: "text", text: AGENT_TEXT });
    });
    expect(viaAnthropic.path).toBe("/v1/chat/completions");
    expect(viaAnthropic.body.model).toBe("agent-plain");
    expect(viaAnthropic.body.max_tokens).toBe(300);
    expect(viaAnthropic.body.messages[0]).toEqual({ role: "system", content: `${SYSTEM}\n\nMine.` });
  });

  it("reaches an anthropic-style target with the prompt in `system`, natively and translated", async () => {
    const { oa, an } = clients(key);
    const [native] = await sentDuring(() => an.messages.create({ model: "reviewer-an", max_tokens: 1000, system: [{ type: "text", text: "Mine." }], messages: [{ role: "user", content: "Hi" }] }));
    expect(native.path).toBe("/v1/messages");
    expect(native.body).toMatchObject({ model: "agent-plain", max_tokens: 300 });
    expect(native.body.system).toEqual([{ type: "text", text: SYSTEM }, { type: "text", text: "Mine." }]);
    const [translated] = await sentDuring(() => oa.chat.completions.create({ model: "reviewer-an", messages: [{ role: "user", content: "Hi" }] }));
    expect(translated.path).toBe("/v1/messages");
    expect(translated.body.max_tokens).toBe(300);
    expect(JSON.stringify(translated.body.system)).toContain(SYSTEM);
  });

  it("costs its calls × cost_factor, on the target's endpoint and model", async () => {
    const { oa } = clients(key);
    await oa.chat.completions.create({ model: "reviewer-oa", messages: [{ role: "user", content: "Hi" }] });
    const row = await lastRow(subscriber);
    const u = AGENT_USAGE.openai;
    // 1 EUR / M input (cache reads at the default share of it), 2 EUR / M output; then × 2.5.
    const { rows } = await app.db.execute({ sql: "SELECT cost_eur FROM usage_events WHERE user_id = ? AND endpoint = 'self-hosted' ORDER BY rowid", args: [subscriber] });
    expect(row).toMatchObject({ endpoint: "self-hosted", model: "agent-plain", status: "ok" });
    // The same usage without the factor: a plain call by an admin's user on the same model.
    const plainUser = await createUserAs(app, admin, unique("plain"), "user");
    await clients(await createKeyAs(app, admin, plainUser)).oa.chat.completions.create({ model: "agent-plain@self-hosted", messages: [{ role: "user", content: "Hi" }] });
    const plain = Number((await lastRow(plainUser)).cost_eur);
    expect(plain).toBeGreaterThan(0);
    expect(plain).toBeLessThanOrEqual((u.input + u.output * 2) / 1e6);
    expect(Number(row.cost_eur)).toBeCloseTo(plain * 2.5, 12);
    expect(rows.length).toBeGreaterThan(0);
  });

  it("is listed in the subscriber's /v1/models, and one not assigned is refused by name", async () => {
    const { oa } = clients(key);
    const ids = (await oa.models.list()).data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(["reviewer-oa", "reviewer-an"]));
    expect(ids).not.toContain("not-assigned");
    expect(ids).not.toContain("agent-plain");
    const refused = await refusedWith(oa.chat.completions.create({ model: "not-assigned", messages: [{ role: "user", content: "Hi" }] }));
    expect(refused.status).toBe(403);
    expect(refused.message).toMatch(/no grant on the expert template 'not-assigned'/);
  });

  it("refuses a `user` even if granted (the grant kept for a role change), and a mode the caller is not granted", async () => {
    const plain = await createUserAs(app, admin, unique("usr"), "user", { modelGrants: [] });
    await grantAs(app, admin, plain, "expert_template", [openaiTpl]);
    const userKey = await createKeyAs(app, admin, plain);
    const refused = await refusedWith(clients(userKey).oa.chat.completions.create({ model: "reviewer-oa", messages: [{ role: "user", content: "Hi" }] }));
    expect(refused).toMatchObject({ status: 403, message: expect.stringMatching(/templates are for subscribers, experts and admins/) });
    // Promoted to subscriber: the kept grant works at the next call.
    await ok(usersActionAs(app, admin, "setRoleAction", { id: plain, role: "subscriber" }));
    await clients(userKey).oa.chat.completions.create({ model: "reviewer-oa", messages: [{ role: "user", content: "Hi" }] });

    const moe = (await ok(asAdmin("/templates", "createTemplateAction", template("deep-think", "agent-plain@self-hosted", { mode: "moe_reasoning" })))).id;
    await grantAs(app, admin, subscriber, "expert_template", [moe]);
    const noMode = await refusedWith(clients(key).oa.chat.completions.create({ model: "deep-think", messages: [{ role: "user", content: "Hi" }] }));
    expect(noMode).toMatchObject({ status: 403, message: expect.stringMatching(/mode 'moe_reasoning'/) });
    await grantAs(app, admin, subscriber, "moe_mode", ["moe_reasoning"]);
    await clients(key).oa.chat.completions.create({ model: "deep-think", messages: [{ role: "user", content: "Hi" }] });
  });
});

describe("an expert's own template", () => {
  let expert: ReadyUser;
  let expertKey: string;
  let tplId: string;
  let subscriber: string;
  let subscriberKey: string;

  beforeAll(async () => {
    expert = await readyUser(app, admin, { role: "expert", modelGrants: ["agent-plain@self-hosted"] });
    expertKey = await createKeyAs(app, admin, expert.id);
    subscriber = await createUserAs(app, admin, unique("sub"), "subscriber", { modelGrants: [] });
    subscriberKey = await createKeyAs(app, admin, subscriber);
  });

  it("may target only what the expert is granted: a field error, nothing saved", async () => {
    const r = await asUser(expert, "/user/templates", "createMyTemplateAction", template("mine-bad", "agent-plain@claude-api"));
    expect(r.state).toMatchObject({ ok: false, fieldErrors: { target: [expect.stringMatching(/has no grant on agent-plain@claude-api/)] } });
    const missing = await asUser(expert, "/user/templates", "createMyTemplateAction", template("mine-bad", "nope@self-hosted"));
    expect(missing.state?.fieldErrors?.target?.[0]).toMatch(/does not serve the model nope/);
    const types = await asUser(expert, "/user/templates", "createMyTemplateAction", { ...template("bad name!", "x"), costFactor: -1, maxTokens: "lots", temperature: 9, mode: "turbo" });
    expect(Object.keys(types.state?.fieldErrors ?? {}).sort()).toEqual(["costFactor", "maxTokens", "mode", "name", "target", "temperature"]);
    expect(await count("SELECT count(*) AS n FROM expert_templates WHERE name LIKE 'mine-%' OR name = 'bad name!'")).toBe(0);
  });

  it("works for its owner without a grant on it and is invisible to others until granted", async () => {
    tplId = (await ok(asUser(expert, "/user/templates", "createMyTemplateAction", template("expert-tpl", "agent-plain@self-hosted", { systemPrompt: "Expert says." })))).id;
    const mine = clients(expertKey);
    const [sent] = await sentDuring(() => mine.oa.chat.completions.create({ model: "expert-tpl", messages: [{ role: "user", content: "Hi" }] }));
    expect(sent.body.messages[0]).toEqual({ role: "system", content: "Expert says." });
    expect((await mine.oa.models.list()).data.map((m) => m.id)).toContain("expert-tpl");
    // The portal's "models your keys may call" is the same list.
    const keysPage = await (await fetch(`${app.url}/user/keys`, { headers: { cookie: expert.session.cookie } })).text();
    expect(keysPage).toContain("expert-tpl");

    const theirs = clients(subscriberKey);
    expect((await theirs.oa.models.list()).data.map((m) => m.id)).not.toContain("expert-tpl");
    expect((await refusedWith(theirs.oa.chat.completions.create({ model: "expert-tpl", messages: [{ role: "user", content: "Hi" }] }))).status).toBe(403);
    await grantAs(app, admin, subscriber, "expert_template", [tplId]);
    await theirs.oa.chat.completions.create({ model: "expert-tpl", messages: [{ role: "user", content: "Hi" }] });
  });

  it("another expert cannot see, change or delete it: its id answers as missing", async () => {
    const other = await readyUser(app, admin, { role: "expert" });
    const r = await asUser(other, "/user/templates", "updateMyTemplateAction", { id: tplId, ...template("stolen", "agent-plain@self-hosted") });
    expect(r.state).toMatchObject({ ok: false, message: "This expert template no longer exists." });
    const d = await asUser(other, "/user/templates", "deleteMyTemplateAction", { id: tplId });
    expect(d.state).toMatchObject({ ok: false, message: "This expert template no longer exists." });
    const unknown = await asAdmin("/templates", "deleteTemplateAction", { id: "0".repeat(32) });
    expect(unknown.state).toMatchObject({ ok: false });
    expect(await count("SELECT count(*) AS n FROM expert_templates WHERE id = ? AND name = 'expert-tpl'", [tplId])).toBe(1);
    // A subscriber and a user cannot manage templates at all.
    const sub = await readyUser(app, admin, { role: "subscriber" });
    expect((await asUser(sub, "/user/templates", "createMyTemplateAction", template("sub-tpl", "agent-plain@self-hosted"))).state).toMatchObject({ ok: false, message: "You are not allowed to do that." });
  });

  it("is refused once its owner loses the target grant, and works again when it is back", async () => {
    const theirs = clients(subscriberKey);
    await ok(usersActionAs(app, admin, "bulkPermissionsAction", { userIds: [expert.id], op: "revoke", type: "model_endpoint", ids: ["agent-plain@self-hosted"] }));
    const refused = await refusedWith(theirs.oa.chat.completions.create({ model: "expert-tpl", messages: [{ role: "user", content: "Hi" }] }));
    expect(refused).toMatchObject({ status: 403, message: expect.stringMatching(/its owner may no longer use its target 'agent-plain@self-hosted'/) });
    await grantAs(app, admin, expert.id, "model_endpoint", ["*@self-hosted"]);
    await theirs.oa.chat.completions.create({ model: "expert-tpl", messages: [{ role: "user", content: "Hi" }] });
  });

  it("follows its endpoint's rename, breaks (503) when the endpoint goes, and goes with its owner, grants and all", async () => {
    const ep = await createEndpointAs(app, admin, { name: "temp-ep", baseUrl: `${agent.url}/v1`, apiStyle: "openai", models: ["agent-plain"] });
    await grantAs(app, admin, expert.id, "model_endpoint", ["*@temp-ep"]);
    const moved = (await ok(asUser(expert, "/user/templates", "createMyTemplateAction", template("moving", "agent-plain@temp-ep")))).id;
    await grantAs(app, admin, subscriber, "expert_template", [moved]);
    const rename = await asAdmin("/endpoints", "updateEndpointAction", { id: ep, name: "renamed-ep", baseUrl: `${agent.url}/v1`, apiStyle: "openai", models: "agent-plain", apiKey: "", eurPerMInput: "", eurPerMOutput: "", maxOutputTokens: "" });
    expect(rename.state, rename.body).toMatchObject({ ok: true });
    const cfg = JSON.parse(String((await app.db.execute({ sql: "SELECT config FROM expert_templates WHERE id = ?", args: [moved] })).rows[0].config));
    expect(cfg.target).toBe("agent-plain@renamed-ep");
    const theirs = clients(subscriberKey);
    await theirs.oa.chat.completions.create({ model: "moving", messages: [{ role: "user", content: "Hi" }] });
    expect((await lastRow(subscriber)).endpoint).toBe("renamed-ep");

    await ok(asAdmin("/endpoints", "deleteEndpointAction", { id: ep }));
    const broken = await refusedWith(theirs.oa.chat.completions.create({ model: "moving", messages: [{ role: "user", content: "Hi" }] }));
    expect(broken).toMatchObject({ status: 503, message: expect.stringMatching(/targets 'agent-plain@renamed-ep', which no longer exists/) });

    // Deleting the owner deletes their templates and the grants others held on them.
    const profileId = (await ok(asUser(expert, "/user/cc-profiles", "createMyProfileAction", profile("expert-prof", "agent-plain@self-hosted")))).id;
    await grantAs(app, admin, subscriber, "cc_profile", [profileId]);
    expect(await count("SELECT count(*) AS n FROM permissions WHERE user_id = ? AND resource_type IN ('expert_template', 'cc_profile')", [subscriber])).toBe(3);
    await ok(usersActionAs(app, admin, "deleteUserAction", { id: expert.id }));
    expect(await count("SELECT count(*) AS n FROM expert_templates WHERE owner_id = ?", [expert.id])).toBe(0);
    expect(await count("SELECT count(*) AS n FROM cc_profiles WHERE owner_id = ?", [expert.id])).toBe(0);
    expect(await count("SELECT count(*) AS n FROM permissions WHERE user_id = ? AND resource_type IN ('expert_template', 'cc_profile')", [subscriber])).toBe(0);
    const audit = await app.db.execute({ sql: "SELECT details FROM audit_log WHERE action = 'user.delete' AND target_id = ?", args: [expert.id] });
    expect(JSON.parse(String(audit.rows[0].details))).toMatchObject({ templates: 2, profiles: 1 });
    const gone = await refusedWith(theirs.oa.chat.completions.create({ model: "expert-tpl", messages: [{ role: "user", content: "Hi" }] }));
    expect(gone.status).toBe(404);
  });
});

describe("deleting, exporting and importing", () => {
  it("deletes a template with its grants, saying how many, audited", async () => {
    const id = (await ok(asAdmin("/templates", "createTemplateAction", template("short-lived", "agent-plain@self-hosted")))).id;
    const [a, b] = [await createUserAs(app, admin, unique("sub"), "subscriber"), await createUserAs(app, admin, unique("sub"), "subscriber")];
    await grantAs(app, admin, a, "expert_template", [id]);
    await grantAs(app, admin, b, "expert_template", [id]);
    const r = await ok(asAdmin("/templates", "deleteTemplateAction", { id }));
    expect(r).toEqual({ grants: 2 });
    expect(await count("SELECT count(*) AS n FROM permissions WHERE resource_id = ?", [id])).toBe(0);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'template.delete' AND target_id = ?", [id])).toBe(1);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'permission.revoke' AND target_id IN (?, ?)", [a, b])).toBe(2);
  });

  it("exports what import reads back; merge skips the names that exist, replace swaps the scope's own", async () => {
    const expert = await readyUser(app, admin, { role: "expert", modelGrants: ["agent-plain@self-hosted"] });
    await ok(asUser(expert, "/user/templates", "createMyTemplateAction", template("exp-one", "agent-plain@self-hosted", { systemPrompt: "One." })));
    const res = await fetch(`${app.url}/user/templates/export`, { headers: { cookie: expert.session.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="expert-templates-/);
    const file = await res.json();
    expect(file).toMatchObject({ kind: "tollgate.expert-templates", version: 1, items: [{ name: "exp-one", config: { target: "agent-plain@self-hosted", systemPrompt: "One." } }] });
    expect((await fetch(`${app.url}/user/templates/export`)).status).toBe(401);

    file.items.push({ name: "exp-two", description: "second", costFactor: 1.5, active: true, config: { target: "agent-plain@self-hosted" } });
    const merged = await ok(asUser(expert, "/user/templates", "importMyTemplatesAction", { json: JSON.stringify(file), mode: "merge" }));
    expect(merged).toEqual({ added: 1, skipped: ["exp-one"], replaced: 0, grantsRemoved: 0 });

    const replaced = await ok(asUser(expert, "/user/templates", "importMyTemplatesAction", { json: JSON.stringify({ ...file, items: [file.items[1]] }), mode: "replace" }));
    expect(replaced).toMatchObject({ added: 1, replaced: 2 });
    const names = (await app.db.execute({ sql: "SELECT name FROM expert_templates WHERE owner_id = ? ORDER BY name", args: [expert.id] })).rows.map((r) => r.name);
    expect(names).toEqual(["exp-two"]);
  });

  it("imports all or nothing: malformed JSON, wrong types, unknown keys, a name taken by another owner, a target not granted", async () => {
    const expert = await readyUser(app, admin, { role: "expert", modelGrants: ["agent-plain@self-hosted"] });
    const good = { name: "imp-good", description: "", costFactor: 1, active: true, config: { target: "agent-plain@self-hosted" } };
    const file = (items: unknown[]) => JSON.stringify({ kind: "tollgate.expert-templates", version: 1, items });
    const cases: [string, RegExp][] = [
      ["{ not json", /not valid JSON/],
      [JSON.stringify({ kind: "tollgate.cc-profiles", version: 1, items: [] }), /not a file of expert templates/],
      [file([good, { ...good, name: "imp-bad", costFactor: "two" }]), /item 2, costFactor/],
      [file([good, { ...good, name: "imp-bad", config: { target: "agent-plain@self-hosted", maxToken: 5 } }]), /item 2, config/],
      [file([good, { ...good, name: "reviewer-oa" }]), /reviewer-oa: .*another owner has it/],
      [file([good, { ...good, name: "imp-bad", config: { target: "agent-plain@claude-api" } }]), /imp-bad: .*has no grant on agent-plain@claude-api/],
      [file([good, good]), /appears twice/],
    ];
    for (const [json, message] of cases) {
      const r = await asUser(expert, "/user/templates", "importMyTemplatesAction", { json, mode: "merge" });
      expect(r.state?.ok, json).toBe(false);
      expect(r.state?.fieldErrors?.json?.[0], json).toMatch(message);
    }
    expect(await count("SELECT count(*) AS n FROM expert_templates WHERE owner_id = ?", [expert.id])).toBe(0);
  });
});

describe("CC profiles through the official Anthropic SDK", () => {
  let expert: ReadyUser;
  let key: string;

  beforeAll(async () => {
    expert = await readyUser(app, admin, { role: "expert", modelGrants: ["agent-plain@self-hosted", "agent-plain@claude-api"] });
    key = await createKeyAs(app, admin, expert.id);
  });

  it("sends claude-* calls to the active profile's tool model with its caps and prefix, on an openai-style endpoint (translated)", async () => {
    const id = (await ok(asUser(expert, "/user/cc-profiles", "createMyProfileAction", profile("local-qwen", "agent-plain@self-hosted", { toolMaxTokens: 512, systemPromptPrefix: "Tollgate prefix." })))).id;
    await ok(asUser(expert, "/user/cc-profiles", "setMyActiveProfileAction", { profileId: id }));
    const { an } = clients(key);
    const [sent] = await sentDuring(async () => {
      const m = await an.messages.create({ model: "claude-sonnet-4-5", max_tokens: 8000, system: "Claude Code's own.", messages: [{ role: "user", content: "Hi" }] });
      expect(m.content[0]).toMatchObject({ type: "text", text: AGENT_TEXT });
    });
    expect(sent.path).toBe("/v1/chat/completions");
    expect(sent.body).toMatchObject({ model: "agent-plain", max_tokens: 512 });
    expect(sent.body.messages[0]).toEqual({ role: "system", content: "Tollgate prefix.\n\nClaude Code's own." });
    expect(await lastRow(expert.id)).toMatchObject({ endpoint: "self-hosted", model: "agent-plain", status: "ok" });
    // Other model names are untouched; count_tokens counts as the call goes.
    const [plain] = await sentDuring(() => an.messages.create({ model: "agent-plain@claude-api", max_tokens: 100, messages: [{ role: "user", content: "Hi" }] }));
    expect(plain.body.system).toBeUndefined();
    const counted = await an.messages.countTokens({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "Hi" }] });
    expect(counted.input_tokens).toBeGreaterThan(0);
  });

  it("keeps the call native on an anthropic-style endpoint, the thinking budget under the reasoning cap", async () => {
    const id = (await ok(asUser(expert, "/user/cc-profiles", "createMyProfileAction", profile("api-claude", "agent-plain@claude-api", { toolMaxTokens: 3000, reasoningMaxTokens: 1024, systemPromptPrefix: "Prefix two." })))).id;
    await ok(asUser(expert, "/user/cc-profiles", "setMyActiveProfileAction", { profileId: id }));
    const [sent] = await sentDuring(() =>
      clients(key).an.messages.create({ model: "claude-opus-4-1", max_tokens: 9000, thinking: { type: "enabled", budget_tokens: 5000 }, messages: [{ role: "user", content: "Hi" }] }),
    );
    expect(sent.path).toBe("/v1/messages");
    expect(sent.body).toMatchObject({ model: "agent-plain", max_tokens: 3000, thinking: { type: "enabled", budget_tokens: 1024 }, system: "Prefix two." });
  });

  it("refuses claude-* calls while the active profile is disabled or no longer granted, and lets them through as models once none is active", async () => {
    // An admin-made profile, granted to the expert and made active by the admin.
    const adminProfile = (await ok(asAdmin("/cc-profiles", "createProfileAction", profile("admin-prof", "agent-plain@self-hosted")))).id;
    const notGranted = await asAdmin("/cc-profiles", "setUserActiveProfileAction", { userId: expert.id, profileId: adminProfile });
    expect(notGranted.state?.fieldErrors?.profileId?.[0]).toMatch(/may not use/);
    await grantAs(app, admin, expert.id, "cc_profile", [adminProfile]);
    await ok(asAdmin("/cc-profiles", "setUserActiveProfileAction", { userId: expert.id, profileId: adminProfile }));
    const { an } = clients(key);
    await an.messages.create({ model: "claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user", content: "Hi" }] });

    await ok(asAdmin("/cc-profiles", "updateProfileAction", { id: adminProfile, ...profile("admin-prof", "agent-plain@self-hosted", { active: false }) }));
    const disabled = await refusedWith(an.messages.create({ model: "claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user", content: "Hi" }] }));
    expect(disabled).toMatchObject({ status: 403, message: expect.stringMatching(/'admin-prof' is disabled/) });

    await ok(asAdmin("/cc-profiles", "updateProfileAction", { id: adminProfile, ...profile("admin-prof", "agent-plain@self-hosted") }));
    await ok(usersActionAs(app, admin, "bulkPermissionsAction", { userIds: [expert.id], op: "revoke", type: "cc_profile", ids: [adminProfile] }));
    const ungranted = await refusedWith(an.messages.create({ model: "claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user", content: "Hi" }] }));
    expect(ungranted).toMatchObject({ status: 403, message: expect.stringMatching(/no grant on the CC profile 'admin-prof'/) });

    // Deleting the profile clears it as the active one (and its grants).
    const del = await ok(asAdmin("/cc-profiles", "deleteProfileAction", { id: adminProfile }));
    expect(del).toEqual({ grants: 0 });
    expect((await app.db.execute({ sql: "SELECT active_cc_profile_id AS a FROM users WHERE id = ?", args: [expert.id] })).rows[0].a).toBeNull();
    const asModel = await refusedWith(an.messages.create({ model: "claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user", content: "Hi" }] }));
    expect(asModel.status).toBe(404);
  });

  it("are refused for subscribers (profiles are for experts and admins)", async () => {
    const sub = await readyUser(app, admin, { role: "subscriber" });
    const r = await asUser(sub, "/user/cc-profiles", "setMyActiveProfileAction", { profileId: "" });
    expect(r.state).toMatchObject({ ok: false, message: "You are not allowed to do that." });
    const prof = (await ok(asAdmin("/cc-profiles", "createProfileAction", profile("for-sub", "agent-plain@self-hosted")))).id;
    const set = await asAdmin("/cc-profiles", "setUserActiveProfileAction", { userId: sub.id, profileId: prof });
    expect(set.state?.fieldErrors?.profileId?.[0]).toBe("CC profiles are for experts and admins");
  });
});
