import { NextResponse, type NextRequest } from "next/server";
import { encode, getToken } from "next-auth/jwt";
import { clearSessionCookies, issueSessionCookie, sessionCookie } from "@/lib/auth/cookies";
import { edgeAuthSecret, edgeSecureCookies, edgeSessionLifetimes } from "@/lib/config/edge";
import { claimsOf, endedByTime, needsRefresh, nowSeconds } from "@/lib/sessions/policy";

// Convenience, and the idle refresh: sends visitors without a live session cookie to /login before a
// page renders, and moves a live session's last-seen time on (server components cannot set cookies).
// It reads and verifies cookies, never the database; every page, action and route handler checks the
// session itself through lib/auth/dal (sign-out, suspension, versions), so a request that skips this
// (e.g. a forged x-middleware-subrequest header) gains nothing.

const PUBLIC = ["/login", "/user/login", "/api/auth", "/logout"];

export async function middleware(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (PUBLIC.some((p) => pathname === p || pathname.startsWith(p + "/"))) return NextResponse.next();
  // A server action answers a missing session itself, as a form state the client can show.
  if (request.headers.has("next-action")) return checkActionBody(request);

  const secret = edgeAuthSecret();
  if (!secret) return NextResponse.next(); // started without the launcher: leave it to the DAL
  const secure = edgeSecureCookies();
  const token = await getToken({ req: request, secret, secureCookie: secure, cookieName: sessionCookie(secure).name }).catch(() => null);
  const claims = claimsOf(token);
  const lifetimes = edgeSessionLifetimes();
  const now = nowSeconds();
  if (token && claims && !endedByTime(claims, lifetimes, now)) {
    const response = NextResponse.next();
    if (needsRefresh(claims, now)) {
      // The same session seen again: only `seen` moves; the sign-in time, and so the absolute
      // lifetime, stay as they were.
      const maxAge = claims.sat + lifetimes.maxSeconds - now;
      issueSessionCookie(response.cookies, await encode({ token: { ...token, seen: now }, secret, maxAge }), { secure, maxAge });
    }
    return response;
  }

  const login = new URL("/login", request.url);
  if (pathname !== "/") login.searchParams.set("next", pathname + search);
  const response = NextResponse.redirect(login);
  if (token) clearSessionCookies(response.cookies);
  return response;
}

export const config = {
  // Pages only: static assets and Next internals never need a session, and the gateway (/v1/…)
  // authenticates with API keys; keeping it out of middleware spares every gateway call the edge sandbox.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|v1/|.*\\.(?:png|svg|ico|css|js)$).*)"],
};

/**
 * Next decodes a server action's body before any of our code runs and answers a malformed one with a
 * 500. Our actions take JSON (see components/forms.ts), so a body that is not JSON is refused here as
 * the client error it is.
 */
async function checkActionBody(request: NextRequest) {
  if (request.method !== "POST" || !(request.headers.get("content-type") ?? "").startsWith("text/plain")) return NextResponse.next();
  try {
    JSON.parse(await request.clone().text());
    return NextResponse.next();
  } catch {
    return NextResponse.json({ error: "Malformed request body" }, { status: 400 });
  }
}
