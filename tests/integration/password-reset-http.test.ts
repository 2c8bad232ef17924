import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { readyUser, signedInAdmin, usersActionAs, type ReadyUser } from "../support/admin";
import { startApp, type App } from "../support/app";
import { callAction, login, loginOrThrow, type Session } from "../support/http";
import { unique } from "../support/names";
import { readMails, waitForMail } from "../support/smtp";

// Forgot / reset password over real HTTP against the built app, with the real SMTP receiver: the mail
// carries a working link; only the token's SHA-256 is stored; a link works once and for an hour; every
// session of the user ends; an unknown or suspended address gets the very same answer and no mail;
// requests are counted per address and per IP; without SMTP the page sends people to an admin.
// The app believes one proxy hop (TRUST_PROXY=1), so a test can speak from several addresses.

let app: App;
let admin: Session;
const mailDir = () => inject("mailDir");
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
let ipCount = 0;
const freshIp = () => `198.51.${100 + Math.floor(Math.random() * 50)}.${(ipCount++ % 250) + 1}`;

const forgot = (email: string, ip = freshIp()) => callAction(app.url, "/user/forgot-password", "forgotPasswordAction", { email }, { headers: { "x-forwarded-for": ip } });
const reset = (token: string, password: string) => callAction(app.url, "/user/reset-password", "resetPasswordWithLinkAction", { token, password, confirm: password });
const page = (path: string, session?: Session) => fetch(app.url + path, { redirect: "manual", headers: session ? { cookie: session.cookie } : {} });
const emailOf = (u: ReadyUser) => `${u.username}@example.test`;

/** The token in the newest reset mail to `to` (waiting for it), after `count` earlier ones. */
async function tokenFromMail(to: string, count = 0): Promise<{ token: string; link: string }> {
  await waitForMail(mailDir(), to);
  const deadline = Date.now() + 15_000;
  let mails = readMails(mailDir()).filter((m) => m.to.includes(to) && m.subject.includes("Reset"));
  while (mails.length <= count && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    mails = readMails(mailDir()).filter((m) => m.to.includes(to) && m.subject.includes("Reset"));
  }
  const text = mails.at(-1)!.text;
  const link = /(http:\/\/\S+\/user\/reset-password\?token=[A-Za-z0-9_-]+)/.exec(text)?.[1];
  expect(link, text).toBeDefined();
  return { link: link!, token: new URL(link!).searchParams.get("token")! };
}

const tokenRows = async (userId: string) =>
  (await app.db.execute({ sql: "SELECT token_hash, expires_at, used_at FROM password_reset_tokens WHERE user_id = ? ORDER BY id", args: [userId] })).rows.map((r) => ({ ...r }));

beforeAll(async () => {
  app = await startApp({ valkey: true, env: { TRUST_PROXY: "1" } });
  admin = await signedInAdmin(app);
});

afterAll(async () => {
  await app?.stop();
});

describe("password reset by e-mail", () => {
  it("mails a working link whose token is stored only as its hash; using it sets the password and ends every session", async () => {
    const user = await readyUser(app, admin);
    const other = await loginOrThrow(app.url, user.username, user.password);
    expect((await page("/user/dashboard", other)).status).toBe(200);

    const asked = await forgot(emailOf(user));
    expect(asked.state, asked.body).toMatchObject({ ok: true });
    const { token, link } = await tokenFromMail(emailOf(user));
    expect(link.startsWith(`${app.url}/user/reset-password?token=`)).toBe(true);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);

    const rows = await tokenRows(user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).toBe(sha256(token));
    const { rows: everything } = await app.db.execute("SELECT * FROM password_reset_tokens");
    expect(JSON.stringify(everything)).not.toContain(token);
    const expires = Date.parse(String(rows[0].expires_at)) - Date.now();
    expect(expires).toBeGreaterThan(55 * 60_000);
    expect(expires).toBeLessThanOrEqual(60 * 60_000);

    // The link opens the form without a session.
    const form = await fetch(link);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain("Choose a new password");

    const weak = await reset(token, "short");
    expect(weak.state?.fieldErrors?.password).toBeDefined();
    expect((await tokenRows(user.id))[0].used_at).toBeNull();

    const done = await reset(token, "brand-new-password");
    expect(done.state, done.body).toMatchObject({ ok: true });
    expect((await tokenRows(user.id))[0].used_at).not.toBeNull();

    // Every session of the user has ended, on its next request.
    for (const s of [user.session, other]) {
      const res = await page("/user/dashboard", s);
      expect(res.status).toBe(307);
      expect(res.headers.get("location")).toMatch(/\/login/);
    }
    expect("error" in (await login(app.url, user.username, user.password))).toBe(true);
    const fresh = await loginOrThrow(app.url, user.username, "brand-new-password");
    expect((await page("/user/dashboard", fresh)).status).toBe(200);

    const { rows: audit } = await app.db.execute({ sql: "SELECT actor_id, action FROM audit_log WHERE target_id = ? AND action = 'user.password_reset_by_link'", args: [user.id] });
    expect(audit.map((r) => r.actor_id)).toEqual([user.id]);
  });

  it("clears a forced password change", async () => {
    const user = await readyUser(app, admin);
    await usersActionAs(app, admin, "resetPasswordAction", { id: user.id, password: "admin-chose-this", mustChange: true });
    await forgot(emailOf(user));
    const { token } = await tokenFromMail(emailOf(user));
    expect((await reset(token, "my-own-choice-1")).state).toMatchObject({ ok: true });
    const { rows } = await app.db.execute({ sql: "SELECT must_change_password FROM users WHERE id = ?", args: [user.id] });
    expect(rows[0].must_change_password).toBe(0);
    const s = await loginOrThrow(app.url, user.username, "my-own-choice-1");
    expect((await page("/user/dashboard", s)).status).toBe(200);
  });

  it("lets a link be used once only", async () => {
    const user = await readyUser(app, admin);
    await forgot(emailOf(user));
    const { token, link } = await tokenFromMail(emailOf(user));
    expect((await reset(token, "first-reset-pass")).state).toMatchObject({ ok: true });
    const again = await reset(token, "second-reset-pass");
    expect(again.state).toMatchObject({ ok: false, message: expect.stringContaining("not valid") });
    const shown = await (await fetch(link)).text();
    expect(shown).toContain("This link does not work");
    expect(shown).toContain('href="/user/forgot-password"');
    await loginOrThrow(app.url, user.username, "first-reset-pass");
  });

  it("refuses an expired link, and a link a newer one replaced", async () => {
    const user = await readyUser(app, admin);
    await forgot(emailOf(user));
    const first = await tokenFromMail(emailOf(user));
    await forgot(emailOf(user));
    const second = await tokenFromMail(emailOf(user), 1);
    expect(second.token).not.toBe(first.token);
    expect((await reset(first.token, "replaced-link-pass")).state).toMatchObject({ ok: false });

    await app.db.execute({ sql: "UPDATE password_reset_tokens SET expires_at = ? WHERE token_hash = ?", args: [new Date(Date.now() - 1000).toISOString(), sha256(second.token)] });
    expect(await (await fetch(second.link)).text()).toContain("This link does not work");
    expect((await reset(second.token, "expired-link-pass")).state).toMatchObject({ ok: false, message: expect.stringContaining("expired") });
    await loginOrThrow(app.url, user.username, user.password);
  });

  it("refuses a token that was never issued, like a used one", async () => {
    const made = Buffer.alloc(32, 7).toString("base64url");
    expect((await reset(made, "whatever-pass")).state).toMatchObject({ ok: false, message: expect.stringContaining("not valid") });
    expect(await (await page(`/user/reset-password?token=${made}`)).text()).toContain("This link does not work");
    expect(await (await page("/user/reset-password")).text()).toContain("This link does not work");
  });

  it("answers an unknown address and a suspended user's exactly as a known one, and mails neither", async () => {
    const known = await readyUser(app, admin);
    const suspended = await readyUser(app, admin);
    await usersActionAs(app, admin, "setActiveAction", { id: suspended.id, active: false });
    const unknown = `${unique("nobody")}@example.test`;

    const answers = [await forgot(emailOf(known)), await forgot(unknown), await forgot(emailOf(suspended))];
    for (const a of answers) {
      expect(a.status).toBe(answers[0].status);
      expect(a.body).toBe(answers[0].body);
    }
    expect(answers[0].state).toMatchObject({ ok: true, data: { message: expect.stringContaining("If an active account uses this address") } });

    await tokenFromMail(emailOf(known));
    await new Promise((r) => setTimeout(r, 1500)); // the known one's mail came; the others had the same time
    expect(readMails(mailDir()).filter((m) => m.to.includes(unknown) || m.to.includes(emailOf(suspended)))).toEqual([]);
    expect(await tokenRows(suspended.id)).toEqual([]);
  });

  it("counts requests per address (3 an hour) whatever the IP, and per IP (20 an hour) whatever the address", async () => {
    const user = await readyUser(app, admin);
    const byAddress = await Promise.all(Array.from({ length: 5 }, () => forgot(emailOf(user))));
    expect(byAddress.filter((a) => a.state?.ok)).toHaveLength(3);
    for (const a of byAddress.filter((x) => !x.state?.ok)) expect(a.state?.message).toMatch(/^Too many requests\. Try again in \d+ (minutes|seconds)\.$/);
    await tokenFromMail(emailOf(user));
    await new Promise((r) => setTimeout(r, 1000));
    expect(readMails(mailDir()).filter((m) => m.to.includes(emailOf(user)))).toHaveLength(3);

    const ip = freshIp();
    const byIp = await Promise.all(Array.from({ length: 23 }, () => forgot(`${unique("sweep")}@example.test`, ip)));
    expect(byIp.filter((a) => a.state?.ok)).toHaveLength(20);
    expect(byIp.filter((a) => a.state?.message?.startsWith("Too many requests"))).toHaveLength(3);
    // Another address is not held back by that IP.
    expect((await forgot(`${unique("else")}@example.test`)).state).toMatchObject({ ok: true });
  });

  it("asks for a valid address at the field, and lets signed-out visitors reach both pages", async () => {
    const bad = await forgot("not-an-address");
    expect(bad.state?.fieldErrors?.email).toEqual(["Enter a valid email address"]);
    const res = await page("/user/forgot-password");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Send reset link");
    expect(await (await page("/login")).text()).toContain('href="/user/forgot-password"');
  });
});

describe("password reset without JavaScript (plain form posts)", () => {
  const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(app.url + path, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded", origin: app.url, ...headers }, body: new URLSearchParams(fields) });

  it("asks for a link and sets the new password through the fallback routes, with the same outcomes as the actions", async () => {
    const user = await readyUser(app, admin);
    const asked = await post("/user/forgot-password/submit", { email: emailOf(user) }, { "x-forwarded-for": freshIp() });
    expect(asked.status).toBe(303);
    expect(asked.headers.get("location")).toBe(`${app.url}/user/forgot-password?sent=1`);
    expect(await (await page("/user/forgot-password?sent=1")).text()).toContain("If an active account uses this address");
    const unknown = await post("/user/forgot-password/submit", { email: `${unique("nobody")}@example.test` }, { "x-forwarded-for": freshIp() });
    expect(unknown.headers.get("location")).toBe(asked.headers.get("location"));
    const bad = await post("/user/forgot-password/submit", { email: "nope" });
    expect(bad.headers.get("location")).toBe(`${app.url}/user/forgot-password?error=email`);

    const { token } = await tokenFromMail(emailOf(user));
    const mismatch = await post("/user/reset-password/submit", { token, password: "plain-post-pass", confirm: "plain-post-pasS" });
    expect(mismatch.headers.get("location")).toBe(`${app.url}/user/reset-password?token=${token}&error=confirm`);
    expect(await (await page(`/user/reset-password?token=${token}&error=confirm`)).text()).toContain("The passwords do not match");
    const done = await post("/user/reset-password/submit", { token, password: "plain-post-pass", confirm: "plain-post-pass" });
    expect(done.headers.get("location")).toBe(`${app.url}/user/reset-password?done=1`);
    await loginOrThrow(app.url, user.username, "plain-post-pass");
    // Used up: back to the link, which now says so.
    const again = await post("/user/reset-password/submit", { token, password: "plain-post-pass2", confirm: "plain-post-pass2" });
    expect(again.headers.get("location")).toBe(`${app.url}/user/reset-password?token=${token}`);
    expect(await (await page(`/user/reset-password?token=${token}`)).text()).toContain("This link does not work");
  });

  it("refuses posts from another site", async () => {
    const foreign = await post("/user/forgot-password/submit", { email: "someone@example.test" }, { origin: "https://evil.example", "sec-fetch-site": "cross-site" });
    expect(foreign.status).toBe(403);
    const reset = await post("/user/reset-password/submit", { token: "x", password: "whatever-1", confirm: "whatever-1" }, { origin: "https://evil.example" });
    expect(reset.status).toBe(403);
  });
});

describe("password reset without SMTP", () => {
  let off: App;
  beforeAll(async () => {
    off = await startApp({ smtp: false });
  });
  afterAll(async () => {
    await off?.stop();
  });

  it("says to ask an administrator and offers no form; the action refuses too", async () => {
    const html = await (await fetch(`${off.url}/user/forgot-password`)).text();
    expect(html).toContain("Ask an administrator to set a new password");
    expect(html).not.toContain("Send reset link");
    const r = await callAction(off.url, "/user/forgot-password", "forgotPasswordAction", { email: "admin@example.test" });
    expect(r.state).toMatchObject({ ok: false, message: expect.stringContaining("Ask an administrator") });
  });
});
