import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { readyUser, signedInAdmin, type ReadyUser } from "../support/admin";
import { startApp, type App } from "../support/app";
import { callAction, login, loginOrThrow, type Session } from "../support/http";
import { unique } from "../support/names";
import { waitForMail } from "../support/smtp";

// The portal's profile actions (/user/profile) over real HTTP against the built app, with the real SMTP
// receiver: a wrong current password is a field error and changes nothing; an e-mail change tells the
// old address; an address another account holds is a field error (never a 500); a password change ends
// the user's other sessions and keeps this one; a timezone out of range is refused. Field rules are the
// shared schemas (lib/users/schemas); one case per action proves the wiring.

let app: App;
let admin: Session;
const PAGE = "/user/profile";
const act = (name: string, payload: unknown, session: Session) => callAction(app.url, PAGE, name, payload, { session });
const row = async (id: string) =>
  (await app.db.execute({ sql: "SELECT email, display_name, hashed_password, timezone_offset_hours, session_version FROM users WHERE id = ?", args: [id] })).rows[0];
const audits = async (id: string, action: string) =>
  (await app.db.execute({ sql: "SELECT actor_id, details FROM audit_log WHERE target_id = ? AND action = ?", args: [id, action] })).rows.map((r) => ({ ...r }));
const page = (session: Session) => fetch(app.url + PAGE, { redirect: "manual", headers: { cookie: session.cookie } });

beforeAll(async () => {
  app = await startApp({ valkey: true });
  admin = await signedInAdmin(app);
});

afterAll(async () => {
  await app?.stop();
});

describe("the profile page's actions", () => {
  let user: ReadyUser;
  beforeAll(async () => {
    user = await readyUser(app, admin);
  });

  it("shows the user's own profile", async () => {
    const res = await page(user.session);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(user.username);
    expect(html).toContain(`${user.username}@example.test`);
  });

  it("saves the display name, audited under the user's own name", async () => {
    const r = await act("updateOwnProfileAction", { displayName: "  Ada L.  " }, user.session);
    expect(r.state, r.body).toMatchObject({ ok: true });
    expect((await row(user.id)).display_name).toBe("Ada L.");
    expect((await audits(user.id, "user.profile")).map((a) => a.actor_id)).toEqual([user.id]);
    const tooLong = await act("updateOwnProfileAction", { displayName: "x".repeat(101) }, user.session);
    expect(tooLong.state?.fieldErrors?.displayName).toBeDefined();
    expect((await row(user.id)).display_name).toBe("Ada L.");
  });

  it("refuses an e-mail change with a wrong current password at that field, and changes nothing", async () => {
    const before = await row(user.id);
    const r = await act("changeOwnEmailAction", { email: `${unique("new")}@example.test`, current: "not-my-password" }, user.session);
    expect(r.state).toMatchObject({ ok: false, fieldErrors: { current: ["The current password is not correct"] } });
    expect(await row(user.id)).toEqual(before);
  });

  it("refuses an address another account holds at the e-mail field (no 500), and changes nothing", async () => {
    const other = await readyUser(app, admin);
    const before = await row(user.id);
    const r = await act("changeOwnEmailAction", { email: `${other.username}@example.test`, current: user.password }, user.session);
    expect(r.status).toBe(200);
    expect(r.state).toMatchObject({ ok: false, fieldErrors: { email: ["This email is already used by another user"] } });
    expect(await row(user.id)).toEqual(before);
  });

  it("changes the e-mail address with the current password and tells the old address", async () => {
    const someone = await readyUser(app, admin);
    const old = `${someone.username}@example.test`;
    const next = `${unique("moved")}@example.test`;
    const r = await act("changeOwnEmailAction", { email: next.toUpperCase(), current: someone.password }, someone.session);
    expect(r.state, r.body).toMatchObject({ ok: true, data: { changed: true, notified: true } });
    expect((await row(someone.id)).email).toBe(next);
    const mail = await waitForMail(inject("mailDir"), old);
    expect(mail.subject).toBe("Your Tollgate e-mail address was changed");
    expect(mail.text).toContain(next);
    expect(await audits(someone.id, "user.email_change")).toEqual([{ actor_id: someone.id, details: JSON.stringify({ from: old, to: next }) }]);
  });

  it("changes the password: this session goes on, the user's other sessions end", async () => {
    const someone = await readyUser(app, admin);
    const other = await loginOrThrow(app.url, someone.username, someone.password);
    const wrong = await act("changeOwnPasswordAction", { current: "nope-nope", password: "fresh-password-1", confirm: "fresh-password-1" }, someone.session);
    expect(wrong.state).toMatchObject({ ok: false, fieldErrors: { current: ["The current password is not correct"] } });
    const before = await row(someone.id);
    const mismatch = await act("changeOwnPasswordAction", { current: someone.password, password: "fresh-password-1", confirm: "fresh-password-2" }, someone.session);
    expect(mismatch.state?.fieldErrors?.confirm).toEqual(["The passwords do not match"]);
    expect(await row(someone.id)).toEqual(before);

    const r = await act("changeOwnPasswordAction", { current: someone.password, password: "fresh-password-1", confirm: "fresh-password-1" }, someone.session);
    expect(r.state, r.body).toMatchObject({ ok: true });
    const renewed = r.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => c.startsWith("next-auth.session-token="));
    expect(renewed).toBeDefined();
    expect((await page({ cookie: renewed! })).status).toBe(200);
    const ended = await page(other);
    expect(ended.status).toBe(307);
    expect(ended.headers.get("location")).toMatch(/\/login/);
    // The old cookie of this browser is of the old version too: only the renewed one works.
    expect((await page(someone.session)).status).toBe(307);
    await loginOrThrow(app.url, someone.username, "fresh-password-1");
  });

  it("counts wrong current passwords like failed sign-ins: past the limit even the right one is refused, and nothing changes", async () => {
    const victim = await readyUser(app, admin);
    const before = await row(victim.id);
    // The sign-in counter per (username, address) allows 5 in 15 minutes (LOGIN_LIMITS.pair).
    for (let i = 0; i < 5; i++) {
      const wrong = await act(i % 2 ? "changeOwnPasswordAction" : "changeOwnEmailAction", { current: `guess-${i}-guess`, password: "stolen-pass-1", confirm: "stolen-pass-1", email: "thief@example.test" }, victim.session);
      expect(wrong.state?.fieldErrors?.current, `guess ${i}`).toEqual(["The current password is not correct"]);
    }
    for (const name of ["changeOwnPasswordAction", "changeOwnEmailAction"]) {
      const right = await act(name, { current: victim.password, password: "stolen-pass-1", confirm: "stolen-pass-1", email: "thief@example.test" }, victim.session);
      expect(right.state?.ok, name).toBe(false);
      expect(right.state?.fieldErrors?.current?.[0], name).toMatch(/^Too many wrong passwords\. Try again in \d+ (seconds?|minute\(s\))\.$/);
    }
    expect(await row(victim.id)).toEqual(before);
    // The same counters as the sign-in page: guessing here also holds off sign-ins from this address.
    const blocked = await login(app.url, victim.username, victim.password);
    expect("error" in blocked && blocked.error).toMatch(/^Too many failed sign-ins/);
  });

  it("a right current password gives its count back, like a sign-in", async () => {
    const owner = await readyUser(app, admin);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) {
        const wrong = await act("changeOwnEmailAction", { current: `typo-${round}-${i}`, email: `${owner.username}.${round}@example.test` }, owner.session);
        expect(wrong.state?.fieldErrors?.current).toEqual(["The current password is not correct"]);
      }
      const right = await act("changeOwnEmailAction", { current: owner.password, email: `${owner.username}.${round}@example.test` }, owner.session);
      expect(right.state, `round ${round}: ${right.body}`).toMatchObject({ ok: true });
    }
  });

  it("refuses a timezone out of range and saves one in range, from the next local day", async () => {
    for (const bad of ["15", "-12.5", "abc"]) {
      const r = await act("setOwnTimezoneAction", { timezoneOffsetHours: bad }, user.session);
      expect(r.state?.fieldErrors?.timezoneOffsetHours, bad).toBeDefined();
    }
    expect((await row(user.id)).timezone_offset_hours).toBe(0);
    const r = await act("setOwnTimezoneAction", { timezoneOffsetHours: "5.5" }, user.session);
    expect(r.state, r.body).toMatchObject({ ok: true });
    expect((await row(user.id)).timezone_offset_hours).toBe(5.5);
    expect((await audits(user.id, "user.timezone")).map((a) => a.actor_id)).toEqual([user.id]);
  });

  it("refuses callers without a session and changes nothing", async () => {
    const r = await callAction(app.url, PAGE, "updateOwnProfileAction", { displayName: "Intruder" });
    expect(r.state).toMatchObject({ ok: false });
    expect((await row(user.id)).display_name).not.toBe("Intruder");
  });
});
