import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache as perRequest } from "react";
import { AuthError } from "@/lib/errors";
import { sessionStateOf, type SessionState } from "@/lib/callers";
import { config } from "@/lib/config";
import { sessionCookie } from "./cookies";
import { endedByTime, type SessionClaims } from "@/lib/sessions/policy";
import { PORTAL_HOME } from "./redirects";
import { readSessionToken } from "./session-token";

// The data-access layer's gate: the only place that turns a cookie into a user. Pages, server actions
// and route handlers all call it; middleware is a convenience in front, never the check itself.

export type SessionUser = SessionState;

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

/** The signed-in user, or null. */
export const getSession = perRequest(async (): Promise<SessionUser | null> => (await currentSession())?.user ?? null);

/** The signed-in session's claims (its id and times), for the actions that re-issue or end it. */
export const getSessionClaims = perRequest(async (): Promise<SessionClaims | null> => (await currentSession())?.claims ?? null);

type Options = { allowPasswordChange?: boolean };

/** For actions and route handlers: the user, or an AuthError. */
export async function requireUser(opts: Options = {}): Promise<SessionUser> {
  const user = await getSession();
  if (!user) throw new AuthError("no-session");
  if (user.mustChangePassword && !opts.allowPasswordChange) {
    throw new AuthError("must-change-password", "Choose a new password before you continue.");
  }
  return user;
}

export async function requireAdmin(opts: Options = {}): Promise<SessionUser> {
  const user = await requireUser(opts);
  if (user.role !== "admin") throw new AuthError("forbidden");
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
export const adminPage = (from: string) => orRedirect(() => requireAdmin(), from);
