import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../support/app";
import { signedInAdmin } from "../support/admin";
import { callAction, login, loginOrThrow, type Session } from "../support/http";

// The admin surface over real HTTP against the built app (real SQLite file, real valkey-server):
// every server action posted straight to its endpoint, the way a script or an attacker can.

let app: App;
let admin: Session;
const ADMIN_PW = "Adm1n-new-password";

async function rows(sql: string, args: (string | number)[] = []) {
  return (await app.db.execute({ sql, args })).rows;
}
const snapshot = async () => JSON.stringify([await rows("SELECT * FROM users ORDER BY id"), await rows("SELECT count(*) AS n FROM audit_log")]);
const userId = async (username: string) => String((await rows("SELECT id FROM users WHERE username = ?", [username]))[0]?.id);

async function createUser(username: string, role = "user", extra: Record<string, unknown> = {}) {
  const r = await callAction(app.url, "/users", "createUserAction", {
    username,
    email: `${username}@example.test`,
    displayName: `${username} Display`,
    password: "first-password",
    role,
    ...extra,
  }, { session: admin });
  expect(r.state, r.body).toMatchObject({ ok: true });
  return userId(username);
}

/** A user who has been through their forced password change, with a working session. */
async function readyUser(username: string, role = "user") {
  const id = await createUser(username, role);
  const first = await loginOrThrow(app.url, username, "first-password");
  const changed = await callAction(app.url, "/change-password", "changePasswordAction", { current: "first-password", password: "second-password", confirm: "second-password" }, { session: first });
  expect(changed.state).toMatchObject({ ok: true });
  return { id, session: await loginOrThrow(app.url, username, "second-password") };
}

beforeAll(async () => {
  app = await startApp({ valkey: true, smtp: false });
  admin = await signedInAdmin(app, ADMIN_PW);
});

afterAll(async () => {
  await app?.stop();
});

describe("first start", () => {
  it("created exactly one admin, whose forced password change has now been done", async () => {
    const admins = await rows("SELECT username, must_change_password, is_admin FROM users WHERE role = 'admin'");
    expect(admins).toEqual([expect.objectContaining({ username: "admin", must_change_password: 0, is_admin: 1 })]);
  });

  it("sends a user who must change their password to /change-password from every page, and refuses their actions", async () => {
    await createUser("fresh");
    const s = await loginOrThrow(app.url, "fresh", "first-password");
    for (const page of ["/", "/user", "/users"]) {
      const res = await fetch(app.url + page, { headers: { cookie: s.cookie }, redirect: "manual" });
      expect(res.headers.get("location") ?? "", page).toMatch(/\/change-password$/);
    }
    const before = await snapshot();
    const r = await callAction(app.url, "/users", "setActiveAction", { id: await userId("admin"), active: false }, { session: s });
    expect(r.state?.ok).toBe(false);
    expect(await snapshot()).toBe(before);
  });

  it("refuses the default password, a reuse of the old one, a short one and a mismatch", async () => {
    const s = await loginOrThrow(app.url, "fresh", "first-password");
    const cases: [Record<string, string>, string][] = [
      [{ current: "first-password", password: "changeme", confirm: "changeme" }, "password"],
      [{ current: "first-password", password: "first-password", confirm: "first-password" }, "password"],
      [{ current: "first-password", password: "short", confirm: "short" }, "password"],
      [{ current: "first-password", password: "long-enough-1", confirm: "long-enough-2" }, "confirm"],
      [{ current: "wrong-password", password: "long-enough-1", confirm: "long-enough-1" }, "current"],
    ];
    for (const [payload, field] of cases) {
      const r = await callAction(app.url, "/change-password", "changePasswordAction", payload, { session: s });
      expect(r.status).toBe(200);
      expect(r.state?.fieldErrors?.[field], JSON.stringify(payload)).toBeTruthy();
    }
    expect((await rows("SELECT must_change_password FROM users WHERE username = 'fresh'"))[0].must_change_password).toBe(1);
  });
});

describe("every admin action refuses callers who are not a signed-in, active admin", () => {
  let bob: Session;
  let staleAdmin: Session;
  let targetId: string;
  const actions = (id: string): [string, unknown][] => [
    ["createUserAction", { username: "intruder", email: "intruder@example.test", password: "whatever-123", role: "admin" }],
    ["updateUserAction", { id, email: "changed@example.test", displayName: "x", dailyLimit: "1", monthlyLimit: "", totalLimit: "", budgetType: "one_time" }],
    ["setRoleAction", { id, role: "admin" }],
    ["setActiveAction", { id, active: false }],
    ["resetPasswordAction", { id, password: "taken-over-1", mustChange: false }],
    ["deleteUserAction", { id }],
  ];

  beforeAll(async () => {
    bob = (await readyUser("bob")).session;
    const second = await readyUser("admin2", "admin");
    staleAdmin = second.session;
    const r = await callAction(app.url, "/users", "setActiveAction", { id: second.id, active: false }, { session: admin });
    expect(r.state).toMatchObject({ ok: true });
    targetId = await createUser("target");
  });

  const callers: [string, () => { session?: Session; headers?: Record<string, string> }][] = [
    ["no session", () => ({})],
    ["a non-admin session", () => ({ session: bob })],
    ["a suspended admin's old session", () => ({ session: staleAdmin })],
    ["the middleware-bypass header without a session", () => ({ headers: { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" } })],
    ["the middleware-bypass header with a non-admin session", () => ({ session: bob, headers: { "x-middleware-subrequest": "middleware" } })],
  ];

  for (const [who, caller] of callers) {
    it(`refuses ${who}`, async () => {
      for (const [name, payload] of actions(targetId)) {
        const before = await snapshot();
        const r = await callAction(app.url, "/users", name, payload, caller());
        expect(r.status, `${name}: ${r.body}`).toBeLessThan(500);
        expect(r.state?.ok ?? false, name).toBe(false);
        expect(await snapshot(), name).toBe(before);
      }
    });
  }

  it("refuses the password-change action without a live session of the user", async () => {
    const payload = { current: "second-password", password: "hijacked-pass-1", confirm: "hijacked-pass-1" };
    for (const [who, caller] of [callers[0], callers[2], callers[3]]) {
      const before = await snapshot();
      const r = await callAction(app.url, "/change-password", "changePasswordAction", payload, caller());
      expect(r.status, who).toBeLessThan(500);
      expect(r.state?.ok ?? false, who).toBe(false);
      expect(await snapshot(), who).toBe(before);
    }
  });

  it("refuses the admin pages to the same callers", async () => {
    for (const [who, caller] of callers) {
      const c = caller();
      const res = await fetch(app.url + "/users", { headers: { ...(c.session ? { cookie: c.session.cookie } : {}), ...c.headers }, redirect: "manual" });
      expect(res.status, who).toBe(307);
      expect(res.headers.get("location"), who).toMatch(/\/(login|user)(\?|$)/);
    }
  });

  it("lets the signed-in admin do the same", async () => {
    const r = await callAction(app.url, "/users", "setRoleAction", { id: targetId, role: "expert" }, { session: admin });
    expect(r.state).toMatchObject({ ok: true });
    expect((await rows("SELECT role FROM users WHERE id = ?", [targetId]))[0].role).toBe("expert");
  });
});

describe("bad input to create user: a field error, nothing written, never a 500", () => {
  const valid = { username: "valid-user", email: "valid@example.test", displayName: "Valid", password: "long-enough", role: "user", dailyLimit: "", monthlyLimit: "", totalLimit: "" };
  const cases: [string, Record<string, unknown>, string][] = [
    ["username too short", { username: "ab" }, "username"],
    ["username too long", { username: "a".repeat(33) }, "username"],
    ["username with capitals", { username: "Alice" }, "username"],
    ["username with a space", { username: "al ice" }, "username"],
    ["username with a dot", { username: "al.ice" }, "username"],
    ["username missing", { username: undefined }, "username"],
    ["username as a number", { username: 12345 }, "username"],
    ["email missing", { email: "" }, "email"],
    ["email invalid", { email: "not-an-email" }, "email"],
    ["email too long", { email: "a".repeat(250) + "@x.io" }, "email"],
    ["email as an array", { email: ["a@b.io"] }, "email"],
    ["display name too long", { displayName: "d".repeat(101) }, "displayName"],
    ["display name as an object", { displayName: { a: 1 } }, "displayName"],
    ["password too short", { password: "1234567" }, "password"],
    ["password over 72 bytes", { password: "p".repeat(73) }, "password"],
    ["password as a number", { password: 12345678 }, "password"],
    ["unknown role", { role: "root" }, "role"],
    ["negative limit", { dailyLimit: "-1" }, "dailyLimit"],
    ["fractional limit", { monthlyLimit: "1.5" }, "monthlyLimit"],
    ["text limit", { totalLimit: "lots" }, "totalLimit"],
    ["limit as a negative number", { dailyLimit: -5 }, "dailyLimit"],
    ["limit as an object", { totalLimit: { n: 1 } }, "totalLimit"],
    ["limit beyond safe integers", { dailyLimit: "99999999999999999999" }, "dailyLimit"],
    ["welcome flag of the wrong type", { sendWelcome: 7 }, "sendWelcome"],
  ];

  for (const [what, patch, field] of cases) {
    it(`${what} → error at ${field}`, async () => {
      const before = await snapshot();
      const r = await callAction(app.url, "/users", "createUserAction", { ...valid, ...patch }, { session: admin });
      expect(r.status).toBe(200);
      expect(r.state?.ok).toBe(false);
      expect(r.state?.fieldErrors?.[field], r.body).toEqual([expect.any(String)]);
      expect(await snapshot()).toBe(before);
    });
  }

  it("a payload that is not an object at all → a message, nothing written", async () => {
    for (const payload of ["just a string", 42, null, [1, 2, 3]]) {
      const before = await snapshot();
      const r = await callAction(app.url, "/users", "createUserAction", payload, { session: admin });
      expect(r.status).toBeLessThan(500);
      expect(r.state?.ok).toBe(false);
      expect(r.state?.message).toBeTruthy();
      expect(await snapshot()).toBe(before);
    }
  });

  it("a body that is not even JSON is refused without a 500", async () => {
    const before = await snapshot();
    const r = await callAction(app.url, "/users", "createUserAction", null, { session: admin, rawBody: "{not json" });
    expect(r.status).toBeLessThan(500);
    expect(await snapshot()).toBe(before);
  });

  it("a taken username and a taken email are field errors", async () => {
    await createUser("taken");
    const before = await snapshot();
    const dupName = await callAction(app.url, "/users", "createUserAction", { ...valid, username: "taken" }, { session: admin });
    expect(dupName.state?.fieldErrors?.username).toEqual(["This username is taken"]);
    const dupMail = await callAction(app.url, "/users", "createUserAction", { ...valid, email: "TAKEN@example.test" }, { session: admin });
    expect(dupMail.state?.fieldErrors?.email).toEqual(["This email is already used by another user"]);
    expect(await snapshot()).toBe(before);
  });

  it("accepts the valid payload, with empty limits meaning unlimited", async () => {
    const r = await callAction(app.url, "/users", "createUserAction", { ...valid, dailyLimit: "1000", monthlyLimit: 0 }, { session: admin });
    expect(r.state).toMatchObject({ ok: true });
    const [u] = await rows("SELECT daily_limit, monthly_limit, total_limit, role, must_change_password FROM users WHERE username = 'valid-user'");
    expect(u).toMatchObject({ daily_limit: 1000, monthly_limit: 0, total_limit: null, role: "user", must_change_password: 1 });
  });
});

describe("edit, suspend, reset and delete", () => {
  it("updates limits and budget type with field errors for bad values", async () => {
    const id = await createUser("carol");
    const bad = await callAction(app.url, "/users", "updateUserAction", { id, email: "carol@example.test", displayName: "C", dailyLimit: "x", monthlyLimit: "", totalLimit: "", budgetType: "weekly" }, { session: admin });
    expect(Object.keys(bad.state?.fieldErrors ?? {}).sort()).toEqual(["budgetType", "dailyLimit"]);
    const ok = await callAction(app.url, "/users", "updateUserAction", { id, email: "carol@example.test", displayName: "Carol C", dailyLimit: "500", monthlyLimit: "10000", totalLimit: "", budgetType: "one_time" }, { session: admin });
    expect(ok.state).toMatchObject({ ok: true });
    const [u] = await rows("SELECT display_name, daily_limit, monthly_limit, total_limit, budget_type FROM users WHERE id = ?", [id]);
    expect(u).toMatchObject({ display_name: "Carol C", daily_limit: 500, monthly_limit: 10000, total_limit: null, budget_type: "one_time" });
  });

  it("suspending ends the user's open session at its next request and refuses their login with the generic message", async () => {
    const { id, session } = await readyUser("dave");
    expect((await fetch(app.url + "/user", { headers: { cookie: session.cookie }, redirect: "manual" })).status).toBe(200);
    const r = await callAction(app.url, "/users", "setActiveAction", { id, active: false }, { session: admin });
    expect(r.state).toMatchObject({ ok: true });
    const after = await fetch(app.url + "/user", { headers: { cookie: session.cookie }, redirect: "manual" });
    expect(after.status).toBe(307);
    expect(after.headers.get("location")).toMatch(/\/login/);
    const wrong = await login(app.url, "dave", "not-the-password");
    const suspended = await login(app.url, "dave", "second-password");
    const unknown = await login(app.url, "nobody-here", "second-password");
    expect(suspended).toEqual({ error: "Invalid username or password." });
    expect(wrong).toEqual(suspended);
    expect(unknown).toEqual(suspended);
    await callAction(app.url, "/users", "setActiveAction", { id, active: true }, { session: admin });
    expect("cookie" in (await login(app.url, "dave", "second-password"))).toBe(true);
  });

  it("an admin password reset ends the user's sessions; the new password works and must be changed", async () => {
    const { id, session } = await readyUser("erin");
    const r = await callAction(app.url, "/users", "resetPasswordAction", { id, password: "reset-by-admin", mustChange: true }, { session: admin });
    expect(r.state).toMatchObject({ ok: true });
    expect((await fetch(app.url + "/user", { headers: { cookie: session.cookie }, redirect: "manual" })).status).toBe(307);
    expect("error" in (await login(app.url, "erin", "second-password"))).toBe(true);
    const fresh = await loginOrThrow(app.url, "erin", "reset-by-admin");
    const res = await fetch(app.url + "/user", { headers: { cookie: fresh.cookie }, redirect: "manual" });
    expect(res.headers.get("location")).toMatch(/\/change-password$/);
  });

  it("an admin cannot suspend, demote or delete themself", async () => {
    const me = await userId("admin");
    const before = await snapshot();
    for (const [name, payload] of [
      ["setActiveAction", { id: me, active: false }],
      ["setRoleAction", { id: me, role: "user" }],
      ["deleteUserAction", { id: me }],
    ] as const) {
      const r = await callAction(app.url, "/users", name, payload, { session: admin });
      expect(r.state?.ok, name).toBe(false);
      expect(r.state?.message, name).toMatch(/own account/);
    }
    expect(await snapshot()).toBe(before);
  });

  it("delete removes the user, their keys and permissions, and keeps their usage rows", async () => {
    const id = await createUser("frank");
    await app.db.batch([
      { sql: "INSERT INTO api_keys (id, user_id, label, prefix, key_hash) VALUES ('k1', ?, 'x', 'tg-sk-0123456789', 'h1')", args: [id] },
      { sql: "INSERT INTO permissions (user_id, resource_type, resource_id) VALUES (?, 'model_endpoint', '*')", args: [id] },
      { sql: "INSERT INTO usage_events (user_id, model, input_tokens, output_tokens, cost_eur) VALUES (?, 'm', 10, 5, 0.01)", args: [id] },
    ]);
    const r = await callAction(app.url, "/users", "deleteUserAction", { id }, { session: admin });
    expect(r.state).toMatchObject({ ok: true });
    expect(await rows("SELECT id FROM users WHERE id = ?", [id])).toHaveLength(0);
    expect(await rows("SELECT id FROM api_keys WHERE user_id = ?", [id])).toHaveLength(0);
    expect(await rows("SELECT id FROM permissions WHERE user_id = ?", [id])).toHaveLength(0);
    expect(await rows("SELECT id FROM usage_events WHERE user_id = ?", [id])).toHaveLength(1);
    const [entry] = await rows("SELECT actor_name, action, target_name, details FROM audit_log WHERE action = 'user.delete' AND target_id = ?", [id]);
    expect(entry).toMatchObject({ actor_name: "admin", target_name: "frank" });
    expect(JSON.parse(String(entry.details))).toMatchObject({ keys: 1 });
  });

  it("writes an audit row for each admin mutation, never with a password in it", async () => {
    const log = await rows("SELECT actor_name, action, details FROM audit_log");
    const actions = new Set(log.map((r) => r.action));
    for (const a of ["user.create", "user.update", "user.role", "user.suspend", "user.activate", "user.password_reset", "user.delete"]) {
      expect(actions, a).toContain(a);
    }
    const text = JSON.stringify(log);
    for (const secret of ["first-password", "second-password", "reset-by-admin", ADMIN_PW]) expect(text).not.toContain(secret);
  });
});

describe("route handlers and login", () => {
  it("logout accepts same-origin posts only", async () => {
    const cross = await fetch(app.url + "/logout", { method: "POST", redirect: "manual", headers: { cookie: admin.cookie, "sec-fetch-site": "cross-site", origin: "https://evil.example" } });
    expect(cross.status).toBe(403);
    const foreignOrigin = await fetch(app.url + "/logout", { method: "POST", redirect: "manual", headers: { cookie: admin.cookie, origin: "https://evil.example" } });
    expect(foreignOrigin.status).toBe(403);
    const same = await fetch(app.url + "/logout", { method: "POST", redirect: "manual", headers: { cookie: admin.cookie, "sec-fetch-site": "same-origin", origin: app.url } });
    expect(same.status).toBe(303);
    expect(same.headers.getSetCookie().join(";")).toMatch(/next-auth\.session-token=;/);
  });

  it("rate-limits failed logins per username with a clear message, whatever the password", async () => {
    await createUser("gina");
    for (let i = 0; i < 10; i++) expect(await login(app.url, "gina", `wrong-${i}`)).toEqual({ error: "Invalid username or password." });
    const blocked = await login(app.url, "gina", "first-password");
    expect("error" in blocked && blocked.error).toMatch(/Too many failed sign-ins/);
  });
});
