import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeyAs, readyUser, signedInAdmin } from "../support/admin";
import { startApp, type App } from "../support/app";
import { actionId, callAction, type Session } from "../support/http";

// The security headers over HTTP, against the built app as `npm start` runs it: the pages' CSP with a
// nonce fresh for every response (and on every script Next renders), the fixed headers on everything
// the server answers through Next (pages, actions, route handlers, the not-found page, static files),
// the gateway's own on /v1 (and never a cookie there), and HSTS only when APP_URL is https.

let app: App;
let admin: Session;
let portal: Session;
let key: string;

const HSTS = "max-age=63072000; includeSubDomains";

beforeAll(async () => {
  app = await startApp({ smtp: false });
  admin = await signedInAdmin(app);
  const user = await readyUser(app, admin);
  portal = user.session;
  key = await createKeyAs(app, admin, user.id);
});
afterAll(async () => {
  await app?.stop();
});

const get = (url: string, session?: Session, headers: Record<string, string> = {}) =>
  fetch(url, { redirect: "manual", headers: { ...(session ? { cookie: session.cookie } : {}), ...headers } });

/** The headers every answer served through Next carries; HSTS exactly when the app is on https. */
function expectSiteHeaders(res: { headers: Headers }, where: string, https = false) {
  const h = res.headers;
  expect(h.get("x-content-type-options"), where).toBe("nosniff");
  expect(h.get("referrer-policy"), where).toBe("strict-origin-when-cross-origin");
  expect(h.get("permissions-policy"), where).toBe("camera=(), microphone=(), geolocation=(), interest-cohort=()");
  expect(h.get("x-frame-options"), where).toBe("DENY");
  expect(h.get("strict-transport-security"), where).toBe(https ? HSTS : null);
}

/** One policy (not two merged), strict for scripts, with a nonce; returns the nonce. */
function expectCsp(res: Response, where: string): string {
  const csp = res.headers.get("content-security-policy");
  expect(csp, `${where}: no Content-Security-Policy`).toBeTruthy();
  expect(csp, `${where}: more than one policy`).not.toContain(",");
  const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)' 'strict-dynamic'(;|$)/.exec(csp!)?.[1];
  expect(nonce, `${where}: script-src without a nonce, or not strict: ${csp}`).toBeTruthy();
  for (const directive of [
    "default-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ])
    expect(csp, where).toContain(directive);
  expect(csp, `${where}: eval allowed in production`).not.toContain("unsafe-eval");
  return nonce!;
}

/** Every <script> of the page carries the response's nonce: Next took it from the policy. */
function expectScriptsNonced(html: string, nonce: string, where: string) {
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length, `${where}: no scripts in the page`).toBeGreaterThan(0);
  const without = scripts.filter((s) => !s.includes(` nonce="${nonce}"`));
  expect(without, `${where}: scripts without this response's nonce`).toEqual([]);
}

/** A page: status, the fixed headers, a policy whose nonce is on every script; returns the nonce. */
async function expectPage(path: string, session: Session | undefined, status: number): Promise<string> {
  const res = await get(app.url + path, session);
  expect(res.status, path).toBe(status);
  expect(res.headers.get("content-type"), path).toMatch(/^text\/html/);
  expectSiteHeaders(res, path);
  const nonce = expectCsp(res, path);
  expectScriptsNonced(await res.text(), nonce, path);
  return nonce;
}

/** The gateway's answers: nosniff, no referrer, HSTS only on https, never a cookie, no page headers. */
function expectGatewayHeaders(res: Response, where: string, https = false) {
  const h = res.headers;
  expect(h.get("x-content-type-options"), where).toBe("nosniff");
  expect(h.get("referrer-policy"), where).toBe("no-referrer");
  expect(h.get("strict-transport-security"), where).toBe(https ? HSTS : null);
  expect(h.getSetCookie(), `${where}: a cookie from the gateway`).toEqual([]);
  expect(h.get("x-frame-options"), where).toBeNull();
}

const chat = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ model: "m", messages: [] }) });

describe("pages: a CSP with a nonce of their own, on every script, and the fixed headers", () => {
  for (const [path, who, status] of [
    ["/login", "a visitor", 200],
    ["/users", "an admin", 200],
    ["/endpoints", "an admin", 200],
    ["/change-password", "an admin", 200],
    ["/user/dashboard", "a portal user", 200],
    ["/no-such-page", "an admin", 404],
  ] as const) {
    it(`${path} for ${who} (${status}), with a new nonce on each request`, async () => {
      const session = who === "an admin" ? admin : who === "a portal user" ? portal : undefined;
      const first = await expectPage(path, session, status);
      const second = await expectPage(path, session, status);
      expect(second).not.toBe(first);
    });
  }

  it("a redirect to /login (no session) carries them too", async () => {
    const res = await get(`${app.url}/users`);
    expect(res.status).toBe(307);
    expect(res.headers.get("location")).toContain("/login");
    expectSiteHeaders(res, "/users without a session");
    expectCsp(res, "/users without a session");
  });
});

describe("everything else served through Next: the fixed headers", () => {
  it("a server action's answer", async () => {
    const r = await callAction(app.url, "/users", "createUserAction", { username: "x" }, { session: admin });
    expect(r.status).toBe(200);
    expect(r.state?.ok).toBe(false); // refused at its fields: nothing written
    expectSiteHeaders(r, "server action");
    expect(r.headers.get("content-security-policy")).toContain("'nonce-");
  });

  it("a server action refused by middleware (body not JSON)", async () => {
    const res = await fetch(`${app.url}/users`, {
      method: "POST",
      headers: { "next-action": actionId("createUserAction"), "content-type": "text/plain;charset=UTF-8", origin: app.url, cookie: admin.cookie },
      body: "not json",
    });
    expect(res.status).toBe(400);
    expectSiteHeaders(res, "refused action");
  });

  it("next-auth's route handler (/api/auth/csrf)", async () => {
    const res = await get(`${app.url}/api/auth/csrf`);
    expect(res.status).toBe(200);
    expectSiteHeaders(res, "/api/auth/csrf");
  });

  it("sign-out (POST /logout)", async () => {
    const res = await fetch(`${app.url}/logout`, { method: "POST", redirect: "manual", headers: { origin: app.url } });
    expect(res.status).toBe(303);
    expectSiteHeaders(res, "/logout");
  });

  it("a static file under /_next/static", async () => {
    const html = await (await get(`${app.url}/login`)).text();
    const src = /<script src="(\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1];
    expect(src).toBeTruthy();
    const res = await get(app.url + src);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/javascript/);
    expectSiteHeaders(res, src!);
  });
});

describe("the gateway (/v1): its own headers, never a cookie", () => {
  it("GET /v1/models, with a key (200) and without (401)", async () => {
    const ok = await fetch(`${app.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    expect(ok.status).toBe(200);
    expectGatewayHeaders(ok, "/v1/models 200");
    const refused = await fetch(`${app.url}/v1/models`);
    expect(refused.status).toBe(401);
    expectGatewayHeaders(refused, "/v1/models 401");
  });

  it("POST /v1/chat/completions, refused (401) and answered (503: no endpoint)", async () => {
    const refused = await chat(app.url);
    expect(refused.status).toBe(401);
    expectGatewayHeaders(refused, "/v1/chat/completions 401");
    const noEndpoint = await chat(app.url, { authorization: `Bearer ${key}` });
    expect(noEndpoint.status).toBe(503);
    expectGatewayHeaders(noEndpoint, "/v1/chat/completions 503");
  });

  it("even when the client sends a session cookie, and on an unknown route", async () => {
    const withCookie = await fetch(`${app.url}/v1/models`, { headers: { authorization: `Bearer ${key}`, cookie: admin.cookie } });
    expectGatewayHeaders(withCookie, "/v1/models with a cookie");
    const unknown = await fetch(`${app.url}/v1/nothing-here`);
    expect(unknown.status).toBe(404);
    expectGatewayHeaders(unknown, "/v1/nothing-here");
  });
});

describe("HSTS when APP_URL is https", () => {
  let secure: App;
  beforeAll(async () => {
    // Served over plain http on its port, as behind a TLS-terminating proxy: the header follows APP_URL.
    secure = await startApp({ smtp: false, env: { APP_URL: "https://tollgate.example.test" } });
  });
  afterAll(async () => {
    await secure?.stop();
  });

  it("is on pages, route handlers, static files and the gateway", async () => {
    const login = await get(`${secure.url}/login`);
    expect(login.status).toBe(200);
    expectSiteHeaders(login, "/login over https", true);
    expectScriptsNonced(await login.clone().text(), expectCsp(login, "/login over https"), "/login over https");
    expectSiteHeaders(await get(`${secure.url}/api/auth/csrf`), "/api/auth/csrf over https", true);
    const src = /<script src="(\/_next\/static\/[^"]+\.js)"/.exec(await login.text())?.[1];
    expectSiteHeaders(await get(secure.url + src), "static file over https", true);
    expectGatewayHeaders(await fetch(`${secure.url}/v1/models`), "/v1/models over https", true);
    expectGatewayHeaders(await chat(secure.url), "/v1/chat/completions over https", true);
  });
});
