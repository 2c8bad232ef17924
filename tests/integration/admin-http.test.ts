import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs, FIRST_PASSWORD, keyIdOf, OWN_PASSWORD, readyUser, signedInAdmin, snapshot, usersActionAs } from "../support/admin";
import { startApp, type App } from "../support/app";
import { expectPageRefused, refusedCallers } from "../support/callers";
import { callAction, login, loginOrThrow, type Session } from "../support/http";
import { startMockLlm, type MockLlm } from "../support/mock-llm";
import { unique } from "../support/names";

// The admin surface over real HTTP against the built app (real SQLite file, real valkey-server):
// every server action posted straight to its endpoint, the way a script or an attacker can. Each test
// sets up its own users through the actions. The field rules themselves are unit tests of the schemas
// (tests/unit/users-schemas.test.ts); here one bad input per action proves the wiring.

let app: App;
let admin: Session;
let mock: MockLlm;
const ADMIN_PW = "Adm1n-new-password";

async function rows(sql: string, args: (string | number)[] = []) {
  return (await app.db.execute({ sql, args })).rows;
}
/** Users, keys and the audit log's length: unchanged means nothing was written. */
const written = () => snapshot(app, ["users", "api_keys", "permissions", "skills", "mcp_tools", "expert_templates", "cc_profiles"]);
const userId = async (username: string) => String((await rows("SELECT id FROM users WHERE username = ?", [username]))[0]?.id);
const createUser = (username: string, role = "user", extra: Record<string, unknown> = {}) =>
  createUserAs(app, admin, username, role, { displayName: `${username} Display`, ...extra });
const ready = (role = "user") => readyUser(app, admin, { role });

beforeAll(async () => {
  mock = await startMockLlm();
  app = await startApp({ valkey: true, smtp: false });
  admin = await signedInAdmin(app, ADMIN_PW);
});

afterAll(async () => {
  await app?.stop();
  await mock?.stop();
});

describe("first start", () => {
  it("created exactly one admin, whose forced password change has now been done", async () => {
    // Every other user was created through the admin action, which leaves a user.create audit row.
    const firstStart = await rows(
      "SELECT username, role, must_change_password, is_admin FROM users WHERE id NOT IN (SELECT target_id FROM audit_log WHERE action = 'user.create')",
    );
    expect(firstStart).toEqual([expect.objectContaining({ username: "admin", role: "admin", must_change_password: 0, is_admin: 1 })]);
  });

  it("sends a user who must change their password to /change-password from every page, and refuses their actions", async () => {
    const fresh = unique("fresh");
    await createUser(fresh);
    const s = await loginOrThrow(app.url, fresh, FIRST_PASSWORD);
    for (const page of ["/", "/user", "/user/dashboard", "/users"]) {
      const res = await fetch(app.url + page, { headers: { cookie: s.cookie }, redirect: "manual" });
      expect(res.headers.get("location") ?? "", page).toMatch(/\/change-password$/);
    }
    const before = await written();
    const r = await callAction(app.url, "/users", "setActiveAction", { id: await userId("admin"), active: false }, { session: s });
    expect(r.state?.ok).toBe(false);
    expect(await written()).toBe(before);
  });

  it("answers a bad new password and a wrong current one at their fields, and the change stays due", async () => {
    const fresh = unique("fresh");
    const id = await createUser(fresh);
    const s = await loginOrThrow(app.url, fresh, FIRST_PASSWORD);
    const before = await written();
    // One schema rule for the wiring (the rules: tests/unit/users-schemas.test.ts), and the check against the stored hash.
    const cases: [Record<string, string>, string, string][] = [
      [{ current: FIRST_PASSWORD, password: "long-enough-1", confirm: "long-enough-2" }, "confirm", "The passwords do not match"],
      [{ current: "wrong-password", password: "long-enough-1", confirm: "long-enough-1" }, "current", "The current password is not correct"],
    ];
    for (const [payload, field, message] of cases) {
      const r = await callAction(app.url, "/change-password", "changePasswordAction", payload, { session: s });
      expect(r.status).toBe(200);
      expect(r.state?.ok).toBe(false);
      expect(r.state?.fieldErrors, JSON.stringify(payload)).toEqual({ [field]: [message] });
    }
    expect(await written()).toBe(before);
    expect((await rows("SELECT must_change_password FROM users WHERE id = ?", [id]))[0].must_change_password).toBe(1);
  });
});

describe("every admin action refuses callers who are not a signed-in, active admin", () => {
  let bob: Session;
  let staleAdmin: Session;
  let targetId: string;
  let targetKeyId: string;
  const actions = (id: string, keyId: string): [string, unknown, string?][] => [
    ["createUserAction", { username: "intruder", email: "intruder@example.test", password: "whatever-123", role: "admin" }],
    ["updateUserAction", { id, email: "changed@example.test", displayName: "x", dailyLimit: "1", monthlyLimit: "", totalLimit: "", budgetType: "one_time" }],
    ["setRoleAction", { id, role: "admin" }],
    ["setActiveAction", { id, active: false }],
    ["setTimezoneAction", { id, timezoneOffsetHours: "5.5" }],
    ["setAlertsAction", { id, alertEnabled: "on", alertThresholdPct: "1", alertEmail: "intruder@example.test" }],
    ["resetPasswordAction", { id, password: "taken-over-1", mustChange: false }],
    ["deleteUserAction", { id }],
    ["createKeyAction", { userId: id, label: "stolen" }],
    ["setKeyStatusAction", { keyId, status: "suspended" }],
    ["renameKeyAction", { keyId, label: "renamed by an intruder" }],
    ["deleteKeyAction", { keyId }],
    ["grantAction", { userId: id, type: "model_endpoint", ids: ["*"] }],
    ["revokeAction", { userId: id, grantIds: [1, 2, 3] }],
    ["bulkPermissionsAction", { userIds: [id], op: "grant", type: "model_endpoint", ids: ["*"] }],
    ["bulkPermissionsAction", { userIds: [id], op: "revoke", type: "model_endpoint", ids: ["*"] }],
    ["createCatalogEntryAction", { kind: "skill", name: "intruder-skill", description: "" }, "/skills"],
    ["updateCatalogEntryAction", { kind: "mcp_tool", id: "0".repeat(32), name: "renamed", description: "" }, "/mcp-tools"],
    ["deleteCatalogEntryAction", { kind: "skill", id: "0".repeat(32) }, "/skills"],
    ["createTemplateAction", { name: "intruder-tpl", target: "m@e" }, "/templates"],
    ["updateTemplateAction", { id: "0".repeat(32), name: "intruder-tpl", target: "m@e" }, "/templates"],
    ["deleteTemplateAction", { id: "0".repeat(32) }, "/templates"],
    ["importTemplatesAction", { json: "{}", mode: "replace" }, "/templates"],
    ["createProfileAction", { name: "intruder-prof", toolModel: "m@e" }, "/cc-profiles"],
    ["updateProfileAction", { id: "0".repeat(32), name: "intruder-prof", toolModel: "m@e" }, "/cc-profiles"],
    ["deleteProfileAction", { id: "0".repeat(32) }, "/cc-profiles"],
    ["importProfilesAction", { json: "{}", mode: "replace" }, "/cc-profiles"],
    ["setUserActiveProfileAction", { userId: id, profileId: "" }, "/cc-profiles"],
  ];

  // Shared and never changed by these tests: the callers' sessions and the user they aim at.
  beforeAll(async () => {
    bob = (await ready()).session;
    const second = await ready("admin");
    staleAdmin = second.session;
    await usersActionAs(app, admin, "setActiveAction", { id: second.id, active: false });
    targetId = await createUser(unique("target"));
    targetKeyId = await keyIdOf(app, await createKeyAs(app, admin, targetId, "target's key"));
  });

  const callers = refusedCallers({ nonAdmin: () => bob, suspendedAdmin: () => staleAdmin });

  for (const { who, opts } of callers) {
    it(`refuses ${who}`, async () => {
      for (const [name, payload, page = "/users"] of actions(targetId, targetKeyId)) {
        const before = await written();
        const r = await callAction(app.url, page, name, payload, opts());
        expect(r.status, `${name}: ${r.body}`).toBeLessThan(500);
        expect(r.state?.ok ?? false, name).toBe(false);
        expect(await written(), name).toBe(before);
      }
    });
  }

  it("refuses the password-change action without a live session of the user", async () => {
    const payload = { current: OWN_PASSWORD, password: "hijacked-pass-1", confirm: "hijacked-pass-1" };
    const noLiveSession = callers.filter((c) => ["no session", "a suspended admin's old session", "the middleware-bypass header without a session"].includes(c.who));
    expect(noLiveSession).toHaveLength(3);
    for (const { who, opts } of noLiveSession) {
      const before = await written();
      const r = await callAction(app.url, "/change-password", "changePasswordAction", payload, opts());
      expect(r.status, who).toBeLessThan(500);
      expect(r.state?.ok ?? false, who).toBe(false);
      expect(await written(), who).toBe(before);
    }
  });

  it("refuses the admin pages to the same callers", async () => {
    await expectPageRefused(app, "/users", callers);
  });

  it("lets the signed-in admin do the same", async () => {
    const id = await createUser(unique("target"));
    const r = await callAction(app.url, "/users", "setRoleAction", { id, role: "expert" }, { session: admin });
    expect(r.state).toMatchObject({ ok: true });
    expect((await rows("SELECT role FROM users WHERE id = ?", [id]))[0].role).toBe("expert");
    // The API Keys tab renames a user's key (trimmed, audited under the admin).
    const keyId = await keyIdOf(app, await createKeyAs(app, admin, id, "old label"));
    expect((await callAction(app.url, "/users", "renameKeyAction", { keyId, label: "  new label " }, { session: admin })).state).toMatchObject({ ok: true });
    expect((await rows("SELECT label FROM api_keys WHERE id = ?", [keyId]))[0].label).toBe("new label");
    expect((await rows("SELECT actor_name FROM audit_log WHERE action = 'key.rename' AND target_id = ? ORDER BY id DESC LIMIT 1", [keyId]))[0]).toMatchObject({
      actor_name: "admin",
    });
  });
});

describe("bad input: a field error, nothing written, never a 500", () => {
  const valid = () => ({ username: unique("valid"), email: `${unique("valid")}@example.test`, displayName: "Valid", password: "long-enough", role: "user", dailyLimit: "", monthlyLimit: "", totalLimit: "" });

  it("each admin action answers one bad field at that field with status 200, and writes nothing", async () => {
    // One case per action proves the wiring; every rule is a unit test of its schema.
    const id = await createUser(unique("subject"));
    const keyId = await keyIdOf(app, await createKeyAs(app, admin, id));
    const cases: [string, Record<string, unknown>, Record<string, string[]>][] = [
      ["createUserAction", { ...valid(), email: "not-an-email" }, { email: ["Enter a valid email address"] }],
      ["updateUserAction", { id, email: `${unique("x")}@example.test`, displayName: "", dailyLimit: "", monthlyLimit: "", totalLimit: "", budgetType: "weekly" }, { budgetType: ["Budget type must be Subscription or One-time"] }],
      ["setRoleAction", { id, role: "owner" }, { role: ["Role must be one of user, subscriber, expert, admin"] }],
      ["setActiveAction", { id, active: 7 }, { active: ["Must be on or off"] }],
      ["setTimezoneAction", { id, timezoneOffsetHours: "14.5" }, { timezoneOffsetHours: ["Choose an offset from UTC−12:00 to UTC+14:00"] }],
      ["setAlertsAction", { id, alertEnabled: "on", alertThresholdPct: "101", alertEmail: "" }, { alertThresholdPct: ["Enter a whole percentage from 1 to 100"] }],
      ["resetPasswordAction", { id, password: "short", mustChange: true }, { password: ["Password must be at least 8 characters"] }],
      ["deleteUserAction", { id: "' OR 1=1 --" }, { id: ["Unknown user"] }],
      ["createKeyAction", { userId: id, label: "l".repeat(101) }, { label: ["Label must be at most 100 characters"] }],
      ["setKeyStatusAction", { keyId, status: "revoked" }, { status: ["Status must be active or suspended"] }],
      ["renameKeyAction", { keyId, label: "l".repeat(101) }, { label: ["Label must be at most 100 characters"] }],
      ["deleteKeyAction", { keyId: "not-an-id" }, { keyId: ["Unknown key"] }],
    ];
    for (const [name, payload, fieldErrors] of cases) {
      const before = await written();
      const r = await callAction(app.url, "/users", name, payload, { session: admin });
      expect(r.status, name).toBe(200);
      expect(r.state?.ok, name).toBe(false);
      expect(r.state?.fieldErrors, `${name}: ${r.body}`).toEqual(fieldErrors);
      expect(await written(), name).toBe(before);
    }
  });

  it("a payload that is not an object at all → a message, nothing written", async () => {
    for (const payload of ["just a string", 42, null, [1, 2, 3]]) {
      const before = await written();
      const r = await callAction(app.url, "/users", "createUserAction", payload, { session: admin });
      expect(r.status).toBeLessThan(500);
      expect(r.state?.ok).toBe(false);
      expect(r.state?.message).toBeTruthy();
      expect(await written()).toBe(before);
    }
  });

  it("a body that is not even JSON is refused without a 500", async () => {
    const before = await written();
    const r = await callAction(app.url, "/users", "createUserAction", null, { session: admin, rawBody: "{not json" });
    expect(r.status).toBeLessThan(500);
    expect(await written()).toBe(before);
  });

  it("a taken username and a taken email are field errors", async () => {
    const taken = unique("taken");
    await createUser(taken);
    const before = await written();
    const dupName = await callAction(app.url, "/users", "createUserAction", { ...valid(), username: taken }, { session: admin });
    expect(dupName.state?.fieldErrors?.username).toEqual(["This username is taken"]);
    const dupMail = await callAction(app.url, "/users", "createUserAction", { ...valid(), email: `${taken.toUpperCase()}@example.test` }, { session: admin });
    expect(dupMail.state?.fieldErrors?.email).toEqual(["This email is already used by another user"]);
    expect(await written()).toBe(before);
  });

  it("accepts the valid payload, with empty limits meaning unlimited", async () => {
    const payload = valid();
    const r = await callAction(app.url, "/users", "createUserAction", { ...payload, dailyLimit: "1000", monthlyLimit: 0 }, { session: admin });
    expect(r.state).toMatchObject({ ok: true });
    const [u] = await rows("SELECT daily_limit, monthly_limit, total_limit, role, must_change_password FROM users WHERE username = ?", [payload.username]);
    expect(u).toMatchObject({ daily_limit: 1000, monthly_limit: 0, total_limit: null, role: "user", must_change_password: 1 });
  });
});

describe("edit, suspend, reset and delete", () => {
  it("updates limits and budget type with field errors for bad values", async () => {
    const carol = unique("carol");
    const id = await createUser(carol);
    const before = await written();
    const bad = await callAction(app.url, "/users", "updateUserAction", { id, email: `${carol}@example.test`, displayName: "C", dailyLimit: "x", monthlyLimit: "", totalLimit: "", budgetType: "weekly" }, { session: admin });
    expect(Object.keys(bad.state?.fieldErrors ?? {}).sort()).toEqual(["budgetType", "dailyLimit"]);
    expect(await written()).toBe(before);
    const ok = await callAction(app.url, "/users", "updateUserAction", { id, email: `${carol}@example.test`, displayName: "Carol C", dailyLimit: "500", monthlyLimit: "10000", totalLimit: "", budgetType: "one_time" }, { session: admin });
    expect(ok.state).toMatchObject({ ok: true });
    const [u] = await rows("SELECT display_name, daily_limit, monthly_limit, total_limit, budget_type FROM users WHERE id = ?", [id]);
    expect(u).toMatchObject({ display_name: "Carol C", daily_limit: 500, monthly_limit: 10000, total_limit: null, budget_type: "one_time" });
  });

  it("sets the timezone offset from the user's next day, with an audit row; a bad offset is a field error and changes nothing", async () => {
    const id = await createUser(unique("tz"));
    const before = await written();
    const bad = await callAction(app.url, "/users", "setTimezoneAction", { id, timezoneOffsetHours: "5.2" }, { session: admin });
    expect(bad.state).toMatchObject({ ok: false, fieldErrors: { timezoneOffsetHours: ["The offset must be a whole number of quarter hours (15 minutes)"] } });
    expect(await written()).toBe(before);
    const t0 = Date.now();
    const ok = await callAction(app.url, "/users", "setTimezoneAction", { id, timezoneOffsetHours: "5.75" }, { session: admin });
    expect(ok.state, ok.body).toMatchObject({ ok: true, data: { switchAt: expect.stringMatching(/T18:15:00\.000Z$/) } });
    const switchAt = (ok.state!.data as { switchAt: string }).switchAt;
    // The first midnight at +05:45 after the user's current day (at +00:00) has ended: 18:15 UTC, tomorrow or the day after.
    expect(Date.parse(switchAt) - t0).toBeGreaterThan(18 * 3_600_000);
    expect(Date.parse(switchAt) - t0).toBeLessThan(43 * 3_600_000);
    const [u] = await rows("SELECT timezone_offset_hours, tz_previous_offset_hours, tz_switch_at FROM users WHERE id = ?", [id]);
    expect(u).toMatchObject({ timezone_offset_hours: 5.75, tz_previous_offset_hours: 0, tz_switch_at: switchAt });
    const [entry] = await rows("SELECT actor_name, details FROM audit_log WHERE action = 'user.timezone' AND target_id = ?", [id]);
    expect(entry.actor_name).toBe("admin");
    expect(JSON.parse(String(entry.details))).toEqual({ from: 0, to: 5.75, appliesFrom: switchAt });
  });

  it("suspending ends the user's open session at its next request and refuses their login with the generic message", async () => {
    const { id, username, session } = await ready();
    expect((await fetch(app.url + "/user/dashboard", { headers: { cookie: session.cookie }, redirect: "manual" })).status).toBe(200);
    const r = await callAction(app.url, "/users", "setActiveAction", { id, active: false }, { session: admin });
    expect(r.state).toMatchObject({ ok: true });
    const after = await fetch(app.url + "/user/dashboard", { headers: { cookie: session.cookie }, redirect: "manual" });
    expect(after.status).toBe(307);
    expect(after.headers.get("location")).toMatch(/\/login/);
    const wrong = await login(app.url, username, "not-the-password");
    const suspended = await login(app.url, username, OWN_PASSWORD);
    const unknown = await login(app.url, unique("nobody"), OWN_PASSWORD);
    expect(suspended).toEqual({ error: "Invalid username or password." });
    expect(wrong).toEqual(suspended);
    expect(unknown).toEqual(suspended);
    await usersActionAs(app, admin, "setActiveAction", { id, active: true });
    expect("cookie" in (await login(app.url, username, OWN_PASSWORD))).toBe(true);
  });

  it("an admin password reset ends the user's sessions; the new password works and must be changed", async () => {
    const { id, username, session } = await ready();
    const r = await callAction(app.url, "/users", "resetPasswordAction", { id, password: "reset-by-admin", mustChange: true }, { session: admin });
    expect(r.state).toMatchObject({ ok: true });
    expect((await fetch(app.url + "/user/dashboard", { headers: { cookie: session.cookie }, redirect: "manual" })).status).toBe(307);
    expect("error" in (await login(app.url, username, OWN_PASSWORD))).toBe(true);
    const fresh = await loginOrThrow(app.url, username, "reset-by-admin");
    const res = await fetch(app.url + "/user/dashboard", { headers: { cookie: fresh.cookie }, redirect: "manual" });
    expect(res.headers.get("location")).toMatch(/\/change-password$/);
  });

  it("an admin cannot suspend, demote or delete themself", async () => {
    const me = await userId("admin");
    const before = await written();
    for (const [name, payload] of [
      ["setActiveAction", { id: me, active: false }],
      ["setRoleAction", { id: me, role: "user" }],
      ["deleteUserAction", { id: me }],
    ] as const) {
      const r = await callAction(app.url, "/users", name, payload, { session: admin });
      expect(r.state?.ok, name).toBe(false);
      expect(r.state?.message, name).toMatch(/own account/);
    }
    expect(await written()).toBe(before);
  });

  it("delete removes the user, their keys and permissions, and keeps their usage rows", async () => {
    const frank = unique("frank");
    const id = await createUser(frank);
    const key = await createKeyAs(app, admin, id, "x");
    // A usage row as the product writes it: one call through the gateway to the mock upstream.
    const model = unique("del-model");
    await createEndpointAs(app, admin, { name: unique("del-ep"), baseUrl: `${mock.url}/v1`, models: [model], eurPerMInput: 1, eurPerMOutput: 1 });
    const call = await fetch(`${app.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(call.status, await call.text()).toBe(200);
    await expect.poll(async () => (await rows("SELECT id FROM usage_events WHERE user_id = ?", [id])).length).toBe(1);
    // createUser granted them every model (the grant the call above needed): it must go with them.
    expect(await rows("SELECT id FROM permissions WHERE user_id = ?", [id])).toHaveLength(1);

    const r = await callAction(app.url, "/users", "deleteUserAction", { id }, { session: admin });
    expect(r.state).toMatchObject({ ok: true });
    expect(await rows("SELECT id FROM users WHERE id = ?", [id])).toHaveLength(0);
    expect(await rows("SELECT id FROM api_keys WHERE user_id = ?", [id])).toHaveLength(0);
    expect(await rows("SELECT id FROM permissions WHERE user_id = ?", [id])).toHaveLength(0);
    expect(await rows("SELECT id FROM usage_events WHERE user_id = ?", [id])).toHaveLength(1);
    const [entry] = await rows("SELECT actor_name, action, target_name, details FROM audit_log WHERE action = 'user.delete' AND target_id = ?", [id]);
    expect(entry).toMatchObject({ actor_name: "admin", target_name: frank });
    expect(JSON.parse(String(entry.details))).toMatchObject({ keys: 1 });
  });

  it("writes an audit row for each admin mutation, never with a password in it", async () => {
    const name = unique("audited");
    const id = await createUser(name);
    await usersActionAs(app, admin, "updateUserAction", { id, email: `${name}@example.test`, displayName: "Audited", dailyLimit: "10", monthlyLimit: "", totalLimit: "", budgetType: "subscription" });
    await usersActionAs(app, admin, "setRoleAction", { id, role: "expert" });
    await usersActionAs(app, admin, "setActiveAction", { id, active: false });
    await usersActionAs(app, admin, "setActiveAction", { id, active: true });
    await usersActionAs(app, admin, "setTimezoneAction", { id, timezoneOffsetHours: "-3.5" });
    await usersActionAs(app, admin, "resetPasswordAction", { id, password: "reset-by-admin", mustChange: true });
    await usersActionAs(app, admin, "deleteUserAction", { id });
    const mine = await rows("SELECT actor_name, action FROM audit_log WHERE target_id = ? ORDER BY id", [id]);
    expect(mine.map((r) => r.action)).toEqual(["user.create", "permission.grant", "user.update", "user.role", "user.suspend", "user.activate", "user.timezone", "user.password_reset", "user.delete"]);
    expect(new Set(mine.map((r) => r.actor_name))).toEqual(new Set(["admin"]));
    const text = JSON.stringify(await rows("SELECT * FROM audit_log"));
    for (const secret of [FIRST_PASSWORD, OWN_PASSWORD, "reset-by-admin", ADMIN_PW]) expect(text).not.toContain(secret);
  });
});

describe("route handlers and login", () => {
  it("logout accepts same-origin posts only", async () => {
    const { session } = await ready();
    const cross = await fetch(app.url + "/logout", { method: "POST", redirect: "manual", headers: { cookie: session.cookie, "sec-fetch-site": "cross-site", origin: "https://evil.example" } });
    expect(cross.status).toBe(403);
    const foreignOrigin = await fetch(app.url + "/logout", { method: "POST", redirect: "manual", headers: { cookie: session.cookie, origin: "https://evil.example" } });
    expect(foreignOrigin.status).toBe(403);
    const same = await fetch(app.url + "/logout", { method: "POST", redirect: "manual", headers: { cookie: session.cookie, "sec-fetch-site": "same-origin", origin: app.url } });
    expect(same.status).toBe(303);
    expect(same.headers.getSetCookie().join(";")).toMatch(/next-auth\.session-token=;/);
  });

  it("rate-limits failed logins per username and address with a clear message, whatever the password", async () => {
    const gina = unique("gina");
    await createUser(gina);
    // 5 attempts per (username, address) in 15 minutes (lib/auth/login-limits PAIR).
    for (let i = 0; i < 5; i++) expect(await login(app.url, gina, `wrong-${i}`)).toEqual({ error: "Invalid username or password." });
    const blocked = await login(app.url, gina, FIRST_PASSWORD);
    expect("error" in blocked && blocked.error).toMatch(/Too many failed sign-ins/);
  });
});
