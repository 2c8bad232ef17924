import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache as perRequest } from "react";
import type { Role } from "@/db/enums";
import { AuthError } from "@/lib/errors";
import { sessionStateOf, type SessionState } from "@/lib/callers";
import { config } from "@/lib/config";
import { liveImpersonation, type Impersonator } from "@/lib/impersonation";
import { verifyImpersonation } from "@/lib/impersonation/token";
import { impersonationCookie, sessionCookie } from "./cookies";
import { endedByTime, type SessionClaims } from "@/lib/sessions/policy";
import { PORTAL_HOME } from "./redirects";
import { readSessionToken } from "./session-token";

// The data-access layer's gate: the only place that turns a cookie into a user. Pages, server actions
// and route handlers all call it; middleware is a convenience in front, never the check itself.

/**
 * Who the request acts for. On the portal, while an admin impersonates a user, that is the user, with
 * `impersonator` naming the admin (the real actor: lib/audit writes them as such).
 */
export type SessionUser = SessionState & { impersonator?: Impersonator };

/**
 * The request's session: its token's claims and the user's live record, or null when there is none
 * or it has ended — by time (idle or absolute lifetime), by sign-out (its id revoked), by suspension
 * or by a version change (password changed or reset).
 */
const currentSession = perRequest(async (): Promise<{ claims: SessionClaims; user: SessionUser } | null> => {
  const { secureCookies, session } = config();
  const claims = await readSessionToken((await cookies()).get(sessionCookie(secureCookies).name)?.value);
  if (!claims || endedByTime(claims, session)) return null;
  const state = await sessionStateOf(claims.uid);
  if (!state || !state.active || state.sessionVersion !== claims.sv || state.revokedSessions.includes(claims.sid)) return null;
  return { claims, user: state };
});

/**
 * The session's identity on this request: the signed-in user; or, when the request carries an
 * impersonation cookie (only portal paths do: it is Path=/user) that is signed, unexpired and still
 * live for this very admin session (lib/impersonation liveImpersonation: the row not ended, the admin
 * still an active admin, the user still active and not an admin), the impersonated user with the admin
 * as `impersonator`. Anything wrong with the cookie leaves the admin as themselves.
 */
const currentIdentity = perRequest(async (): Promise<SessionUser | null> => {
  const session = await currentSession();
  if (!session) return null;
  const raw = (await cookies()).get(impersonationCookie(config().secureCookies).name)?.value;
  const claims = raw ? await verifyImpersonation(raw, config().authSecret) : null;
  const live = claims ? await liveImpersonation(claims, session.user, session.claims.sid) : null;
  return live ? { ...live.user, impersonator: live.impersonator } : session.user;
});

/** The signed-in user (on the portal, the impersonated one while an admin impersonates), or null. */
export const getSession = currentIdentity;

/** The signed-in session's claims (its id and times; the admin's own while impersonating), for the actions that re-issue or end it. */
export const getSessionClaims = perRequest(async (): Promise<SessionClaims | null> => (await currentSession())?.claims ?? null);

type Options = { allowPasswordChange?: boolean; notWhileImpersonating?: string };

/**
 * For actions and route handlers: the user (with `impersonator` while an admin impersonates them), or
 * an AuthError. `notWhileImpersonating` names what an impersonating admin may not do (the user's
 * password and e-mail, creating or revealing keys): refused with that reason.
 */
export async function requireUser(opts: Options = {}): Promise<SessionUser> {
  const user = admitted(await getSession(), opts);
  if (user.impersonator && opts.notWhileImpersonating) {
    throw new AuthError("forbidden", `While impersonating, you cannot ${opts.notWhileImpersonating}.`);
  }
  return user;
}

/**
 * The admin's own session, whatever impersonation cookie the request carries: the admin pages and
 * actions are always the admin's (the cookie is Path=/user and never reaches them from a browser; this
 * holds even if it did).
 */
export async function requireAdmin(opts: Options = {}): Promise<SessionUser> {
  const user = admitted((await currentSession())?.user, opts);
  if (user.role !== "admin") throw new AuthError("forbidden");
  return user;
}

/**
 * requireUser, and the role among `roles` (the portal's template and profile pages and actions: experts
 * and admins own them, subscribers read the templates assigned to them).
 */
export async function requireRole(roles: readonly Role[], opts: Options = {}): Promise<SessionUser> {
  const user = await requireUser(opts);
  if (!roles.includes(user.role)) throw new AuthError("forbidden");
  return user;
}

/** A session's user, or why not: none, or a password change still due (unless that is what is being done). */
function admitted(user: SessionUser | null | undefined, opts: Options): SessionUser {
  if (!user) throw new AuthError("no-session");
  if (user.mustChangePassword && !opts.allowPasswordChange) {
    throw new AuthError("must-change-password", "Choose a new password before you continue.");
  }
  return user;
}

/** For pages: the same checks, answered with a redirect. */
async function orRedirect(check: () => Promise<SessionUser>, from: string): Promise<SessionUser> {
  try {
    return await check();
  } catch (e) {
    if (!(e instanceof AuthError)) throw e;
    if (e.reason === "must-change-password") redirect("/change-password");
    if (e.reason === "forbidden") redirect(PORTAL_HOME);
    redirect(`/login?next=${encodeURIComponent(from)}`);
  }
}

export const userPage = (from: string, opts: Options = {}) => orRedirect(() => requireUser(opts), from);
export const rolePage = (from: string, roles: readonly Role[]) => orRedirect(() => requireRole(roles), from);
export const adminPage = (from: string) => orRedirect(() => requireAdmin(), from);
