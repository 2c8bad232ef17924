import { decode, encode, type JWT } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUserAs, readyUser, signedInAdmin } from "../support/admin";
import { startApp, type App } from "../support/app";
import { callAction, login, type Session } from "../support/http";
import { unique } from "../support/names";
import { BUSY_LOGIN_ERROR } from "@/lib/auth/sign-in-admission";

// Sign-in, sessions and redirects over HTTP against the built app: throttling that parallel guesses
// cannot race and an attacker cannot turn against the owner, sign-out that ends the session on every
// instance, lifetimes that no refresh extends, and redirects that stay on this site.

const SECRET = "test-secret-shared-by-instances-of-one-deployment"; // tests/support/app.ts
const GENERIC = "Invalid username or password.";
let app: App; // believes one proxy hop (TRUST_PROXY=1), so a test can speak from several addresses
let second: App; // the same deployment, believing no proxy
let admin: Session;

beforeAll(async () => {
  app = await startApp({ valkey: true, smtp: false, env: { TRUST_PROXY: "1" } });
  second = await startApp({ valkey: true, smtp: false, shareWith: app });
  admin = await signedInAdmin(app);
});
afterAll(async () => {
  await second?.stop();
  await app?.stop();
});

const from = (address: string) => ({ headers: { "x-forwarded-for": address } });
const page = (target: App, session: Session | string, path = "/user/dashboard") =>
  fetch(target.url + path, { headers: { cookie: typeof session === "string" ? session : session.cookie }, redirect: "manual" });
const sessionEndpoint = async (target: App, cookie: string) => {
  const res = await fetch(`${target.url}/api/auth/session`, { headers: { cookie } });
  return { body: (await res.json()) as { user?: unknown }, setCookie: res.headers.getSetCookie().join("\n") };
};

/** The claims inside a session cookie, and a cookie carrying them changed (signed with the deployment's secret). */
const claimsOf = async (session: Session) => (await decode({ token: session.cookie.split("=").slice(1).join("="), secret: SECRET })) as JWT;
const cookieWith = async (token: JWT) => `next-auth.session-token=${await encode({ token, secret: SECRET })}`;
const now = () => Math.floor(Date.now() / 1000);

describe("sign-in throttling", () => {
  it("lets 60 parallel wrong passwords for one account from one address compare at most 5, and the owner in from elsewhere", async () => {
    const username = unique("targeted");
    await createUserAs(app, admin, username);
    const results = await Promise.all(Array.from({ length: 60 }, () => login(app.url, username, "not-the-password", from("198.51.100.7"))));
    const errors = results.map((r) => ("error" in r ? r.error : "signed in"));
    // A generic answer means the password was compared; every other one is a refusal before any
    // comparison: by the sign-in limits, or (most of a burst this size) by the full hashing pool's 503.
    const compared = errors.filter((e) => e === GENERIC).length;
    expect(compared).toBeGreaterThan(0);
    expect(compared).toBeLessThanOrEqual(5);
    expect(errors.filter((e) => e !== GENERIC).every((e) => /^Too many failed sign-ins\. Try again in /.test(e) || e === BUSY_LOGIN_ERROR), errors.join(" | ")).toBe(true);
    expect("cookie" in (await login(app.url, username, "first-password", from("203.0.113.9")))).toBe(true);
  });

  it("believes no forged X-Forwarded-For without TRUST_PROXY", async () => {
    const username = unique("forged");
    await createUserAs(app, admin, username);
    for (let i = 0; i < 5; i++) expect(await login(second.url, username, "wrong", from(`192.0.2.${i}`))).toEqual({ error: GENERIC });
    const sixth = await login(second.url, username, "first-password", from("192.0.2.99"));
    expect("error" in sixth && sixth.error).toMatch(/Too many failed sign-ins/);
  });

  it("refuses a password longer than 72 bytes, even when its first 72 are right", async () => {
    const username = unique("long");
    const password = "p".repeat(72);
    await createUserAs(app, admin, username, "user", { password });
    expect(await login(app.url, username, password + "x", from("198.51.100.20"))).toEqual({ error: GENERIC });
    expect("cookie" in (await login(app.url, username, password, from("198.51.100.20")))).toBe(true);
  });
});

describe("sign-out ends the session on the server", () => {
  it("refuses the old cookie on a page, an action and /api/auth/session, on every instance", async () => {
    const { session } = await readyUser(app, admin);
    expect((await page(app, session)).status).toBe(200);
    expect((await page(second, session)).status).toBe(200);
    const out = await fetch(`${app.url}/logout`, { method: "POST", redirect: "manual", headers: { cookie: session.cookie, origin: app.url, "sec-fetch-site": "same-origin" } });
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe(`${app.url}/login`);
    for (const target of [app, second]) {
      const res = await page(target, session);
      expect(res.status).toBe(307);
      expect(res.headers.get("location")).toMatch(/\/login/);
      const action = await callAction(target.url, "/change-password", "changePasswordAction", { current: "second-password", password: "third-password", confirm: "third-password" }, { session });
      expect(action.state?.ok ?? false).toBe(false);
      const { body, setCookie } = await sessionEndpoint(target, session.cookie);
      expect(body).toEqual({});
      expect(setCookie).toMatch(/next-auth\.session-token=;/); // cleared, not refreshed
    }
  });

  it("also through next-auth's own sign-out endpoint", async () => {
    const { session } = await readyUser(app, admin);
    const csrfRes = await fetch(`${app.url}/api/auth/csrf`, { headers: { cookie: session.cookie } });
    const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
    const csrfCookie = csrfRes.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const out = await fetch(`${app.url}/api/auth/signout`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: `${session.cookie}; ${csrfCookie}` },
      body: new URLSearchParams({ csrfToken, json: "true" }),
    });
    expect(out.status).toBeLessThan(400);
    expect((await page(second, session)).status).toBe(307);
  });
});

describe("session lifetimes", () => {
  it("ends a session past its absolute lifetime or idle timeout, however fresh its cookie", async () => {
    const { session } = await readyUser(app, admin);
    const claims = await claimsOf(session);
    expect(claims).toMatchObject({ sid: expect.any(String), sat: expect.any(Number), seen: expect.any(Number) });
    // The same claims re-signed: accepted (so the two refusals below are about time alone).
    expect((await page(app, await cookieWith({ ...claims, sat: now() - 60, seen: now() }))).status).toBe(200);
    const tooOld = await cookieWith({ ...claims, sat: now() - 12 * 3600 - 60, seen: now() });
    expect((await page(app, tooOld)).status).toBe(307);
    expect((await sessionEndpoint(app, tooOld)).body).toEqual({});
    const idle = await cookieWith({ ...claims, sat: now() - 60, seen: now() - 121 * 60 });
    expect((await page(app, idle)).status).toBe(307);
  });

  it("never moves the sign-in time: not on /api/auth/session, not on middleware's idle refresh", async () => {
    const { session } = await readyUser(app, admin);
    const claims = await claimsOf(session);
    const signedIn = now() - 3600;
    const cookie = await cookieWith({ ...claims, sat: signedIn, seen: now() - 10 * 60 });
    const refreshedBySession = (await sessionEndpoint(app, cookie)).setCookie.match(/next-auth\.session-token=([^;]+)/)?.[1];
    expect(refreshedBySession).toBeTruthy();
    expect(await decode({ token: refreshedBySession!, secret: SECRET })).toMatchObject({ sid: claims.sid, sat: signedIn });
    // A page seen after 10 minutes: middleware re-issues the cookie with `seen` moved on, `sat` kept.
    const res = await page(app, cookie);
    expect(res.status).toBe(200);
    const refreshed = res.headers.getSetCookie().join("\n").match(/next-auth\.session-token=([^;]+)/)?.[1];
    const moved = (await decode({ token: refreshed!, secret: SECRET })) as JWT;
    expect(moved).toMatchObject({ sid: claims.sid, sat: signedIn });
    expect(moved.seen).toBeGreaterThanOrEqual(now() - 5);
  });
});

describe("redirects stay on this site", () => {
  const outside = ["/\\evil.example", "/\t/evil.example", "//evil.example", "https://evil.example/x", "javascript:alert(1)", "/\\/evil.example", "\\\\evil.example"];

  it("sends a signed-in visitor of /login?next= only to paths of this site", async () => {
    for (const next of outside) {
      const url = new URL("/login", app.url);
      url.searchParams.set("next", next);
      const res = await fetch(url, { headers: { cookie: admin.cookie }, redirect: "manual" });
      const location = new URL(res.headers.get("location") ?? "", app.url);
      expect(location.origin, next).toBe(app.url);
      expect(location.pathname, next).toBe("/");
    }
    // Same-site paths are kept. "http:evil.example" is one too (a relative path, as browsers read it),
    // and so is "/%5Cevil.example" (an encoded backslash stays a character of the path).
    for (const [next, path] of [["/endpoints?x=1", "/endpoints?x=1"], ["http:evil.example", "/evil.example"], ["/%5Cevil.example", "/%5Cevil.example"]]) {
      const url = new URL("/login", app.url);
      url.searchParams.set("next", next);
      const res = await fetch(url, { headers: { cookie: admin.cookie }, redirect: "manual" });
      expect(res.headers.get("location"), next).toBe(path);
    }
  });

  it("ignores a callbackUrl to elsewhere, or one that is not a URL, at sign-in; never a 500", async () => {
    const { username, password } = await readyUser(app, admin);
    for (const callbackUrl of [...outside, "::not a url::", "/users?from=login"]) {
      let answer: { status: number; url?: string } = { status: 0 };
      await login(app.url, username, password, { callbackUrl, ...from("198.51.100.40"), onAnswer: (res, body) => (answer = { status: res.status, url: body.url }) });
      expect(answer.status, callbackUrl).toBeLessThan(500);
      expect(new URL(answer.url!).origin, callbackUrl).toBe(app.url);
      if (callbackUrl.startsWith("/users")) expect(answer.url).toBe(`${app.url}/users?from=login`);
    }
  });
});
