import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signImpersonation } from "@/lib/impersonation/token";
import { createUserAs, readyUser, signedInAdmin, usersActionAs, type ReadyUser } from "../support/admin";
import { startApp, type App } from "../support/app";
import { callAction, loginOrThrow, type Session } from "../support/http";
import { unique } from "../support/names";

// Admin impersonation over real HTTP against the built app (valkey-server): the start route's rules
// (POST, same origin, an active admin, never oneself, another admin, a suspended or unknown user), the
// cookie's attributes, the portal shown as the user with the banner while the admin pages stay the
// admin's, what an impersonating admin may not do, the audit trail under the admin's name "as" the
// user, End Impersonation killing every copy of the cookie, and the ends that come by themselves: the
// admin's sign-out, suspension or demotion, the user's suspension, a forged, altered or expired cookie.

const SECRET = "test-secret-shared-by-instances-of-one-deployment"; // tests/support/app.ts
const COOKIE = "tollgate-impersonation";
const BANNER = (username: string) => `You are logged in as ${username} (Admin Impersonation)`;

let app: App;
let admin: Session;
let adminId: string;

const rows = async (sql: string, args: (string | number)[] = []) => (await app.db.execute({ sql, args })).rows.map((r) => ({ ...r }));
const count = async (table: string) => Number((await rows(`SELECT count(*) AS n FROM ${table}`))[0].n);

/** POSTs the start route as `session`; the answer and the impersonation cookie it set, if any. */
async function start(session: Session | undefined, uid: string, init: { method?: string; origin?: string } = {}) {
  const res = await fetch(`${app.url}/admin/users/${uid}/impersonate`, {
    method: init.method ?? "POST",
    redirect: "manual",
    headers: { origin: init.origin ?? app.url, ...(session ? { cookie: session.cookie } : {}) },
  });
  const set = res.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE}=`));
  return { res, set, cookie: set ? set.split(";")[0] : undefined };
}

/** The session's cookie with an impersonation cookie beside it, as the browser sends them to a /user path. */
const withImpersonation = (session: Session, cookie: string): Session => ({ cookie: `${session.cookie}; ${cookie}` });
const get = (path: string, session: Session) => fetch(app.url + path, { headers: { cookie: session.cookie }, redirect: "manual" });
const body = async (path: string, session: Session) => {
  const res = await get(path, session);
  expect(res.status, path).toBe(200);
  return res.text();
};

beforeAll(async () => {
  app = await startApp({ valkey: true });
  admin = await signedInAdmin(app);
  adminId = String((await rows("SELECT id FROM users WHERE username = 'admin'"))[0].id);
});

afterAll(async () => {
  await app?.stop();
});

describe("starting", () => {
  it("an admin's POST sets a signed, httpOnly, SameSite=Lax, Path=/user cookie of 30 minutes and opens the portal as the user, with the banner; the start is audited", async () => {
    const alice = await readyUser(app, admin);
    const { res, set, cookie } = await start(admin, alice.id);
    expect(res.status).toBe(303);
    expect(new URL(res.headers.get("location")!).pathname).toBe("/user/dashboard");
    expect(set).toMatch(/; Path=\/user(;|$)/);
    expect(set).toMatch(/; HttpOnly/i);
    expect(set).toMatch(/; SameSite=lax/i);
    expect(set).toMatch(/; Max-Age=1800/);
    // The admin's own session cookie is left as it was.
    expect(res.headers.getSetCookie().some((c) => c.startsWith("next-auth.session-token="))).toBe(false);

    const page = await body("/user/dashboard", withImpersonation(admin, cookie!));
    expect(page).toContain(BANNER(alice.username));
    expect(page).toContain("End Impersonation");
    // Without the cookie (what the admin pages get: it is Path=/user) the admin is themselves.
    expect(await body("/user/dashboard", admin)).not.toContain("Admin Impersonation");
    expect(await body("/users", withImpersonation(admin, cookie!))).not.toContain("Admin Impersonation");

    const [audit] = await rows("SELECT actor_id, actor_name, target_id, details FROM audit_log WHERE action = 'impersonation.start' AND target_id = ?", [alice.id]);
    expect(audit).toMatchObject({ actor_id: adminId, actor_name: "admin", target_id: alice.id });
    const [row] = await rows("SELECT admin_id, user_id, ended_at FROM impersonations WHERE user_id = ?", [alice.id]);
    expect(row).toMatchObject({ admin_id: adminId, user_id: alice.id, ended_at: null });
  });

  it("is refused for oneself, another admin, a suspended or unknown user, non-admins, no session, other sites and a GET — no cookie, nothing written", async () => {
    const otherAdmin = await readyUser(app, admin, { role: "admin" });
    const suspended = await createUserAs(app, admin, unique("suspended"));
    await usersActionAs(app, admin, "setActiveAction", { id: suspended, active: false });
    const bob = await readyUser(app, admin);
    const target = await createUserAs(app, admin, unique("target"));
    const before = [await count("impersonations"), await count("audit_log")];
    const cases: [string, Promise<Awaited<ReturnType<typeof start>>>, number][] = [
      ["oneself", start(admin, adminId), 403],
      ["another admin", start(admin, otherAdmin.id), 403],
      ["a suspended user", start(admin, suspended), 403],
      ["an unknown id", start(admin, "0".repeat(32)), 404],
      ["not an id", start(admin, "..%2F..%2Fetc"), 404],
      ["a non-admin", start(bob.session, target), 403],
      ["no session", start(undefined, target), 401],
      ["another site", start(admin, target, { origin: "https://evil.example" }), 403],
      ["a GET", start(admin, target, { method: "GET" }), 405],
    ];
    for (const [who, answer, status] of cases) {
      const { res, set } = await answer;
      expect(res.status, who).toBe(status);
      expect(set, who).toBeUndefined();
    }
    expect([await count("impersonations"), await count("audit_log")]).toEqual(before);
    // The users list offers the button only where it may be used.
    const list = await body(`/users?q=${encodeURIComponent(otherAdmin.username)}`, admin);
    expect(list).not.toContain(`Impersonate ${otherAdmin.username}`);
  });
});

describe("while impersonating", () => {
  let alice: ReadyUser;
  let as: Session;
  beforeAll(async () => {
    alice = await readyUser(app, admin);
    as = withImpersonation(admin, (await start(admin, alice.id)).cookie!);
  });

  it("the portal's actions act for the user, audited under the admin's name as the user", async () => {
    const r = await callAction(app.url, "/user/billing", "setOwnAlertsAction", { alertEnabled: "on", alertThresholdPct: "60", alertEmail: "" }, { session: as });
    expect(r.state, r.body).toMatchObject({ ok: true });
    expect((await rows("SELECT alert_threshold_pct FROM users WHERE id = ?", [alice.id]))[0].alert_threshold_pct).toBe(60);
    expect((await rows("SELECT alert_threshold_pct FROM users WHERE id = ?", [adminId]))[0].alert_threshold_pct).not.toBe(60);
    const [audit] = await rows("SELECT actor_id, actor_name, details FROM audit_log WHERE action = 'user.alerts' AND target_id = ? ORDER BY id DESC LIMIT 1", [alice.id]);
    expect(audit).toMatchObject({ actor_id: adminId, actor_name: "admin" });
    expect(JSON.parse(String(audit.details))).toMatchObject({ as: { id: alice.id, username: alice.username }, impersonation: expect.any(String) });
  });

  it("refuses to change the user's password or e-mail or to create a key, and changes nothing", async () => {
    const before = JSON.stringify(await rows("SELECT * FROM users WHERE id = ?", [alice.id])) + (await count("api_keys"));
    for (const [page, name, payload, what] of [
      ["/user/profile", "changeOwnPasswordAction", { current: alice.password, password: "taken-over-1", confirm: "taken-over-1" }, "change the user's password"],
      ["/user/profile", "changeOwnEmailAction", { current: alice.password, email: "taken@example.test" }, "change the user's e-mail address"],
      ["/user/keys", "createOwnKeyAction", { label: "admin's copy" }, "create an API key for the user"],
    ] as const) {
      const r = await callAction(app.url, page, name, payload, { session: as });
      expect(r.state, `${name}: ${r.body}`).toMatchObject({ ok: false, message: `While impersonating, you cannot ${what}.` });
    }
    expect(JSON.stringify(await rows("SELECT * FROM users WHERE id = ?", [alice.id])) + (await count("api_keys"))).toBe(before);
    // The pages say so instead of offering the forms.
    expect(await body("/user/profile", as)).toContain("While impersonating, you cannot change the user&#x27;s password.");
    expect(await body("/user/keys", as)).toContain("While impersonating, you cannot create an API key for the user.");
  });

  it("admin actions stay the admin's own, with no 'as'", async () => {
    const someone = await createUserAs(app, admin, unique("someone"));
    const r = await callAction(app.url, "/user/dashboard", "setRoleAction", { id: someone, role: "expert" }, { session: as });
    expect(r.state, r.body).toMatchObject({ ok: true });
    const [audit] = await rows("SELECT actor_id, details FROM audit_log WHERE action = 'user.role' AND target_id = ? ORDER BY id DESC LIMIT 1", [someone]);
    expect(audit.actor_id).toBe(adminId);
    expect(String(audit.details ?? "")).not.toContain('"as"');
  });
});

describe("ending", () => {
  it("End Impersonation ends the row (audited), clears the cookie and returns to /users; a copy made before is dead", async () => {
    const alice = await readyUser(app, admin);
    const { cookie } = await start(admin, alice.id);
    const as = withImpersonation(admin, cookie!);
    expect(await body("/user/dashboard", as)).toContain(BANNER(alice.username));
    const end = await fetch(`${app.url}/user/impersonation/end`, { method: "POST", redirect: "manual", headers: { cookie: as.cookie, origin: app.url } });
    expect(end.status).toBe(303);
    expect(new URL(end.headers.get("location")!).pathname).toBe("/users");
    expect(end.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE}=`))).toMatch(/Max-Age=0/);
    // The copy still verifies (signature, time) but names an ended impersonation: the admin is themselves.
    const copy = await body("/user/dashboard", as);
    expect(copy).not.toContain("Admin Impersonation");
    const [row] = await rows("SELECT ended_at, end_reason FROM impersonations WHERE user_id = ?", [alice.id]);
    expect(row.end_reason).toBe("ended");
    expect(await rows("SELECT actor_name, details FROM audit_log WHERE action = 'impersonation.end' AND target_id = ?", [alice.id])).toHaveLength(1);
    // A second End changes nothing more.
    await fetch(`${app.url}/user/impersonation/end`, { method: "POST", redirect: "manual", headers: { cookie: as.cookie, origin: app.url } });
    expect(await rows("SELECT id FROM audit_log WHERE action = 'impersonation.end' AND target_id = ?", [alice.id])).toHaveLength(1);
  });

  it("ends when the user is suspended, and when the admin loses the role or is suspended", async () => {
    const alice = await readyUser(app, admin);
    const as = withImpersonation(admin, (await start(admin, alice.id)).cookie!);
    await usersActionAs(app, admin, "setActiveAction", { id: alice.id, active: false });
    expect(await body("/user/dashboard", as)).not.toContain("Admin Impersonation");
    expect((await rows("SELECT end_reason FROM impersonations WHERE user_id = ?", [alice.id]))[0].end_reason).toBe("user_suspended");

    const second = await readyUser(app, admin, { role: "admin" });
    const bob = await readyUser(app, admin);
    const asBob = withImpersonation(second.session, (await start(second.session, bob.id)).cookie!);
    expect(await body("/user/dashboard", asBob)).toContain(BANNER(bob.username));
    await usersActionAs(app, admin, "setRoleAction", { id: second.id, role: "user" });
    expect(await body("/user/dashboard", asBob)).not.toContain("Admin Impersonation");
    expect((await rows("SELECT end_reason FROM impersonations WHERE user_id = ?", [bob.id]))[0].end_reason).toBe("admin_no_longer_admin");

    // An admin suspended: their session ends, and with it the impersonation (its end audited at once).
    const third = await readyUser(app, admin, { role: "admin" });
    const erin = await readyUser(app, admin);
    const asErin = withImpersonation(third.session, (await start(third.session, erin.id)).cookie!);
    expect(await body("/user/dashboard", asErin)).toContain(BANNER(erin.username));
    await usersActionAs(app, admin, "setActiveAction", { id: third.id, active: false });
    const gone = await get("/user/dashboard", asErin);
    expect(gone.status).toBe(307);
    expect(new URL(gone.headers.get("location")!, app.url).pathname).toBe("/login");
    expect((await rows("SELECT end_reason FROM impersonations WHERE user_id = ?", [erin.id]))[0].end_reason).toBe("admin_suspended");
    expect(await rows("SELECT actor_name FROM audit_log WHERE action = 'impersonation.end' AND target_id = ?", [erin.id])).toEqual([{ actor_name: third.username }]);
  });

  it("ends with the admin's sign-out (audited), and another session of the same admin cannot use the cookie", async () => {
    const carol = await readyUser(app, admin);
    const own = await loginOrThrow(app.url, "admin", "Adm1n-new-password");
    const { cookie } = await start(own, carol.id);
    // The cookie names the session it was started from: beside another session of the same admin it is nothing.
    expect(await body("/user/dashboard", withImpersonation(admin, cookie!))).not.toContain("Admin Impersonation");
    expect(await body("/user/dashboard", withImpersonation(own, cookie!))).toContain(BANNER(carol.username));
    const out = await fetch(`${app.url}/logout`, { method: "POST", redirect: "manual", headers: { cookie: own.cookie, origin: app.url } });
    expect(out.status).toBe(303);
    const after = await get("/user/dashboard", withImpersonation(own, cookie!));
    expect(after.status).toBe(307);
    expect(new URL(after.headers.get("location")!, app.url).pathname).toBe("/login");
    expect((await rows("SELECT end_reason FROM impersonations WHERE user_id = ?", [carol.id]))[0].end_reason).toBe("admin_session_ended");
  });

  it("ignores and clears a forged, altered or expired cookie", async () => {
    const dave = await readyUser(app, admin);
    const { cookie } = await start(admin, dave.id);
    const [, token] = cookie!.split("=");
    const [row] = await rows("SELECT id, admin_session_id FROM impersonations WHERE user_id = ?", [dave.id]);
    const claims = { iid: String(row.id), aid: adminId, asid: String(row.admin_session_id), uid: dave.id };
    const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === "A" ? "B" : "A") + s.slice(at + 1);
    const bad = {
      forged: await signImpersonation(claims, "some-other-secret", new Date(Date.now() + 600_000)),
      altered: flip(token, token.lastIndexOf(".") - 5),
      expired: await signImpersonation(claims, SECRET, new Date(Date.now() - 1000)),
      garbage: "not-a-token",
    };
    for (const [what, value] of Object.entries(bad)) {
      const res = await get("/user/dashboard", withImpersonation(admin, `${COOKIE}=${value}`));
      expect(res.status, what).toBe(200);
      expect(await res.text(), what).not.toContain("Admin Impersonation");
      expect(res.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE}=`)), what).toMatch(/Max-Age=0/);
    }
    // The genuine one, signed with the deployment's secret, still works.
    expect(await body("/user/dashboard", withImpersonation(admin, cookie!))).toContain(BANNER(dave.username));
  });
});
