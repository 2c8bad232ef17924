import { NextResponse } from "next/server";
import { issueImpersonationCookie } from "@/lib/auth/cookies";
import { getSessionClaims, requireAdmin } from "@/lib/auth/dal";
import { isSameOrigin } from "@/lib/auth/origin";
import { config } from "@/lib/config";
import { AuthError } from "@/lib/errors";
import { startImpersonation } from "@/lib/impersonation";
import { IMPERSONATION_MINUTES } from "@/lib/impersonation/token";
import { PORTAL_HOME } from "@/lib/auth/redirects";
import { UserId } from "@/lib/users/schemas";

// POST /admin/users/{uid}/impersonate: an admin opens the portal as that user (SPEC §5). POST only (a
// GET is 405 and does nothing), same origin only, the admin's session and role checked here whatever
// middleware did; the target rules in lib/impersonation. The answer sets the impersonation cookie
// (Path=/user) and sends the browser to the portal; the admin's own session cookie is not touched.

const refuse = (status: number, error: string) => NextResponse.json({ error }, { status, headers: { "cache-control": "no-store" } });

export async function POST(request: Request, { params }: { params: Promise<{ uid: string }> }) {
  if (!isSameOrigin(request)) return refuse(403, "Cross-site request refused");
  let admin;
  try {
    admin = await requireAdmin();
  } catch (e) {
    if (!(e instanceof AuthError)) throw e;
    return e.reason === "no-session" ? refuse(401, e.message) : refuse(403, e.message);
  }
  const claims = await getSessionClaims();
  if (!claims) return refuse(401, "Your session has ended. Sign in again.");
  const uid = UserId.safeParse((await params).uid);
  if (!uid.success) return refuse(404, "No such user.");
  const started = await startImpersonation(admin, claims.sid, uid.data);
  if (!started.ok) return refuse(started.status, started.message);
  const response = NextResponse.redirect(new URL(PORTAL_HOME, config().appUrl), 303);
  issueImpersonationCookie(response.cookies, started.token, { secure: config().secureCookies, maxAge: IMPERSONATION_MINUTES * 60 });
  return response;
}
