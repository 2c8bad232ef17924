import { NextResponse, type NextRequest } from "next/server";
import { encode, getToken } from "next-auth/jwt";
import { clearImpersonationCookie, clearSessionCookies, impersonationCookie, issueSessionCookie, sessionCookie } from "@/lib/auth/cookies";
import { isSameOrigin } from "@/lib/auth/origin";
import { ACTION_BODY_LIMIT_BYTES, edgeAuthSecret, edgeDevelopment, edgeSecureCookies, edgeSessionLifetimes } from "@/lib/config/edge";
import { verifyImpersonation } from "@/lib/impersonation/token";
import { jsonTooDeep } from "@/lib/json-depth";
import { contentSecurityPolicy, newNonce } from "@/lib/security/csp";
import { claimsOf, endedByTime, needsRefresh, nowSeconds } from "@/lib/sessions/policy";

// Three jobs, all before a page renders:
// 1. The Content-Security-Policy, with a nonce made for this response alone. It goes to Next on the
//    request's Content-Security-Policy header (Next takes the nonce from there and puts it on every
//    script it renders) and to the browser on the response. It is made here, not in the server, because
//    the nonce must reach the render. The headers that never change (nosniff, HSTS, …) come from the
//    server for everything it serves (scripts/start.ts, lib/security/headers.ts), so none is set twice.
// 2. Server-action bodies that would make Next answer with a 500 are refused as the client errors
//    they are (checkActionBody).
// 3. Convenience, and the idle refresh: sends visitors without a live session cookie to /login, and
//    moves a live session's last-seen time on (server components cannot set cookies). It reads and
//    verifies cookies, never the database; every page, action and route handler checks the session
//    itself through lib/auth/dal (sign-out, suspension, versions), so a request that skips this (e.g.
//    a forged x-middleware-subrequest header) gains nothing. On the portal it also verifies the
//    impersonation cookie (signature and expiry, no database) and clears one that fails, so a dead
//    cookie does not ride along; whether it is live, and so the banner, is the DAL's to say
//    (lib/impersonation liveImpersonation).

// Forgot / reset password serve signed-out visitors, their server actions and no-JavaScript form
// routes (…/submit) included; those need no session (lib/users/password-reset checks what they may do).
const PUBLIC = ["/login", "/user/login", "/api/auth", "/logout", "/user/forgot-password", "/user/reset-password"];
// Route handlers that answer a missing session themselves, with a JSON 401: the JSON APIs, and the
// portal's download (under /user/ for the portal's cookie path), whose link would otherwise save the
// sign-in page as the file.
// The admin's route handlers (/admin/…: the impersonation start) answer with JSON errors too.
const EXPORTS = ["/user/usage/export", "/templates/export", "/cc-profiles/export", "/user/templates/export", "/user/cc-profiles/export"];
const ANSWERS_ITSELF = (pathname: string) => pathname.startsWith("/api/") || pathname.startsWith("/admin/") || EXPORTS.includes(pathname);

export async function middleware(request: NextRequest) {
  const csp = contentSecurityPolicy(newNonce(), { dev: edgeDevelopment() });
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", csp);
  // Every answer carries it, redirects and JSON included: only HTML needs it, but a policy on an answer
  // that is not a page costs nothing, and a server action posted without JavaScript answers with HTML.
  const response = await route(request, () => NextResponse.next({ request: { headers } }));
  response.headers.set("content-security-policy", csp);
  return response;
}

async function route(request: NextRequest, next: () => NextResponse): Promise<NextResponse> {
  const { pathname, search } = request.nextUrl;
  // A server action answers a missing session itself, as a form state the client can show; its body
  // is checked on public pages too.
  if (request.headers.has("next-action")) return checkActionBody(request, next);
  if (PUBLIC.some((p) => pathname === p || pathname.startsWith(p + "/"))) return next();

  const secret = edgeAuthSecret();
  if (!secret) return next(); // started without the launcher: leave it to the DAL
  const secure = edgeSecureCookies();
  const token = await getToken({ req: request, secret, secureCookie: secure, cookieName: sessionCookie(secure).name }).catch(() => null);
  const claims = claimsOf(token);
  const lifetimes = edgeSessionLifetimes();
  const now = nowSeconds();
  if (token && claims && !endedByTime(claims, lifetimes, now)) {
    const response = next();
    await dropDeadImpersonation(request, response, secret, secure);
    if (needsRefresh(claims, now)) {
      // The same session seen again: only `seen` moves; the sign-in time, and so the absolute
      // lifetime, stay as they were.
      const maxAge = claims.sat + lifetimes.maxSeconds - now;
      issueSessionCookie(response.cookies, await encode({ token: { ...token, seen: now }, secret, maxAge }), { secure, maxAge });
    }
    return response;
  }

  // A JSON API answers a missing session itself (401 with its own error), not with the sign-in page.
  if (ANSWERS_ITSELF(pathname)) return next();
  const login = new URL("/login", request.url);
  if (pathname !== "/") login.searchParams.set("next", pathname + search);
  const response = NextResponse.redirect(login);
  if (token) clearSessionCookies(response.cookies);
  return response;
}

export const config = {
  // Pages (and the actions and route handlers beside them) only: static assets and Next internals need
  // neither a session nor a nonce, and the gateway (/v1/…) authenticates with API keys; keeping it out
  // of middleware spares every gateway call the edge sandbox.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|v1/|.*\\.(?:png|svg|ico|css|js)$).*)"],
};

/**
 * Next decodes a server action's body before any of our code runs, and answers a body over its size
 * limit, a foreign Origin or a malformed body with a 500. Those are the client's errors, so they are
 * refused here, before Next sees them: 403 for another origin, 413 over the limit, 415 for a body
 * that is not text/plain, 400 for one that is not JSON (our actions take JSON, see
 * components/forms.tsx), is nested without end, or carries a reference no browser sends.
 */
async function checkActionBody(request: NextRequest, next: () => NextResponse) {
  if (request.method !== "POST") return next();
  if (!isSameOrigin(request)) return NextResponse.json({ error: "Cross-site request refused" }, { status: 403 });
  const tooLarge = () => NextResponse.json({ error: `The request body is larger than ${ACTION_BODY_LIMIT_BYTES} bytes` }, { status: 413 });
  if (Number(request.headers.get("content-length") ?? 0) > ACTION_BODY_LIMIT_BYTES) return tooLarge();
  // Our forms send their fields as JSON (text/plain); no browser posts our actions as multipart, whose
  // over-long chunked bodies Next would answer with a 500.
  if (!(request.headers.get("content-type") ?? "").startsWith("text/plain")) return NextResponse.json({ error: "Server actions here take JSON (text/plain)" }, { status: 415 });
  const text = await request.clone().text();
  if (new TextEncoder().encode(text).byteLength > ACTION_BODY_LIMIT_BYTES) return tooLarge();
  if (jsonTooDeep(text)) return NextResponse.json({ error: "Malformed request body: nested too deeply" }, { status: 400 });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return NextResponse.json({ error: "Malformed request body" }, { status: 400 });
  }
  if (hasForeignReference(parsed)) return NextResponse.json({ error: "Malformed request body: unexpected $-reference" }, { status: 400 });
  return next();
}

/**
 * React encodes an action's arguments so that a string starting with `$` is a reference ($undefined,
 * $@1 …) and a user's own `$` is escaped as `$$`. Our actions take plain objects of strings and
 * booleans, so the only references a browser sends them are `$undefined`; any other (a hand-made
 * `"$where"`) would make React's decoder throw a 500, and is refused here instead.
 */
function hasForeignReference(value: unknown): boolean {
  if (typeof value === "string") return value.startsWith("$") && !value.startsWith("$$") && value !== "$undefined";
  if (Array.isArray(value)) return value.some(hasForeignReference);
  if (value && typeof value === "object") return Object.values(value).some(hasForeignReference);
  return false;
}

/** On a portal path, clears an impersonation cookie that is altered, forged or expired. */
async function dropDeadImpersonation(request: NextRequest, response: NextResponse, secret: string, secure: boolean) {
  if (!(request.nextUrl.pathname === "/user" || request.nextUrl.pathname.startsWith("/user/"))) return;
  const raw = request.cookies.get(impersonationCookie(secure).name)?.value;
  if (raw && !(await verifyImpersonation(raw, secret))) clearImpersonationCookie(response.cookies, secure);
}
