import { cookies } from "next/headers";
import { NextResponse } from "next/server";
import { clearImpersonationCookie, impersonationCookie } from "@/lib/auth/cookies";
import { isSameOrigin } from "@/lib/auth/origin";
import { config } from "@/lib/config";
import { endImpersonation } from "@/lib/impersonation";
import { verifyImpersonation } from "@/lib/impersonation/token";

// POST /user/impersonation/end: End Impersonation. Under /user/ so that the impersonation cookie
// (Path=/user) reaches it. The impersonation's row is ended (audited), so the cookie is dead everywhere,
// a copy included; the cookie is cleared and the browser goes back to the admin's own /users. Whatever
// the cookie holds (nothing, a forged or expired one), the answer is the same way back.

export async function POST(request: Request) {
  if (!isSameOrigin(request)) return NextResponse.json({ error: "Cross-site request refused" }, { status: 403 });
  const { secureCookies, authSecret, appUrl } = config();
  const claims = await verifyImpersonation((await cookies()).get(impersonationCookie(secureCookies).name)?.value, authSecret);
  if (claims) await endImpersonation(claims.iid, "ended");
  const response = NextResponse.redirect(new URL("/users", appUrl), 303);
  clearImpersonationCookie(response.cookies, secureCookies);
  return response;
}
