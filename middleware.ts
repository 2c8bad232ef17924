import { NextResponse, type NextRequest } from "next/server";
import { getToken } from "next-auth/jwt";
import { sessionCookie } from "@/lib/auth/cookies";
import { edgeAuthSecret, edgeDevelopment, edgeSecureCookies } from "@/lib/config/edge";
import { contentSecurityPolicy, newNonce } from "@/lib/security/csp";

// Two jobs, both before a page renders:
// 1. The Content-Security-Policy, with a nonce made for this response alone. It goes to Next on the
//    request's Content-Security-Policy header (Next takes the nonce from there and puts it on every
//    script it renders) and to the browser on the response. It is made here, not in the server, because
//    the nonce must reach the render. The headers that never change (nosniff, HSTS, …) come from the
//    server for everything it serves (scripts/start.ts, lib/security/headers.ts), so none is set twice.
// 2. Convenience only: sends visitors without a valid session cookie to /login. It reads and verifies
//    cookies, never the database; every page, action and route handler checks the session itself
//    through lib/auth/dal, so a request that skips this (e.g. a forged x-middleware-subrequest header)
//    gains nothing.

const PUBLIC = ["/login", "/user/login", "/api/auth", "/logout"];

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
  if (PUBLIC.some((p) => pathname === p || pathname.startsWith(p + "/"))) return next();
  // A server action answers a missing session itself, as a form state the client can show.
  if (request.headers.has("next-action")) return checkActionBody(request, next);

  const secret = edgeAuthSecret();
  if (!secret) return next(); // started without the launcher: leave it to the DAL
  const secure = edgeSecureCookies();
  const token = await getToken({ req: request, secret, secureCookie: secure, cookieName: sessionCookie(secure).name }).catch(() => null);
  if (token) return next();

  const login = new URL("/login", request.url);
  if (pathname !== "/") login.searchParams.set("next", pathname + search);
  return NextResponse.redirect(login);
}

export const config = {
  // Pages (and the actions and route handlers beside them) only: static assets and Next internals need
  // neither a session nor a nonce, and the gateway (/v1/…) authenticates with API keys; keeping it out
  // of middleware spares every gateway call the edge sandbox.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|v1/|.*\\.(?:png|svg|ico|css|js)$).*)"],
};

/**
 * Next decodes a server action's body before any of our code runs and answers a malformed one with a
 * 500. Our actions take JSON (see components/forms.ts), so a body that is not JSON is refused here as
 * the client error it is.
 */
async function checkActionBody(request: NextRequest, next: () => NextResponse) {
  if (request.method !== "POST" || !(request.headers.get("content-type") ?? "").startsWith("text/plain")) return next();
  try {
    JSON.parse(await request.clone().text());
    return next();
  } catch {
    return NextResponse.json({ error: "Malformed request body" }, { status: 400 });
  }
}
