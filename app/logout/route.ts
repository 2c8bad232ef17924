import { NextResponse } from "next/server";
import { clearImpersonationCookie, clearSessionCookies } from "@/lib/auth/cookies";
import { getSessionClaims } from "@/lib/auth/dal";
import { isSameOrigin } from "@/lib/auth/origin";
import { config } from "@/lib/config";
import { endImpersonationsOfSession } from "@/lib/impersonation";
import { revokeSession } from "@/lib/sessions";

/**
 * Signs out: POST only, same origin only, so that no other site can log a user out. The session is
 * ended on the server (its id revoked, on every instance at their next request), not only its cookie
 * cleared; the browser goes to the sign-in page at APP_URL (not at whatever host this request named).
 * An impersonation begun from this session ends with it (audited), and its cookie goes too.
 */
export async function POST(request: Request) {
  if (!isSameOrigin(request)) return NextResponse.json({ error: "Cross-site request refused" }, { status: 403 });
  const claims = await getSessionClaims();
  if (claims) {
    await revokeSession(claims);
    await endImpersonationsOfSession(claims.sid);
  }
  const response = NextResponse.redirect(new URL("/login", config().appUrl), 303);
  clearSessionCookies(response.cookies);
  clearImpersonationCookie(response.cookies, config().secureCookies);
  return response;
}
