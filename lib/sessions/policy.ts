// When a session ends by time. Pure and edge-safe: the data-access layer, middleware and next-auth's
// callbacks all apply the same rule. Times are in seconds since the epoch, as in JWTs.

/** What the session cookie's token carries, besides next-auth's own fields. */
export type SessionClaims = {
  uid: string;
  /** The user's session version at sign-in: suspend, password change and reset move it on. */
  sv: number;
  role: string;
  /** This session's id: what sign-out revokes. */
  sid: string;
  /** Signed in at: the absolute lifetime counts from here, whatever refreshes the cookie. */
  sat: number;
  /** Last seen at: the idle timeout counts from here; middleware moves it on. */
  seen: number;
};

export type SessionLifetimes = { idleSeconds: number; maxSeconds: number };

/** Middleware re-issues the cookie with a new `seen` when the last one is older than this. */
export const REFRESH_AFTER_SECONDS = 5 * 60;

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Why the session is over by time, or null while it runs. */
export function endedByTime(claims: Pick<SessionClaims, "sat" | "seen">, limits: SessionLifetimes, now = nowSeconds()): "expired" | "idle" | null {
  if (now - claims.sat >= limits.maxSeconds) return "expired";
  if (now - claims.seen >= limits.idleSeconds) return "idle";
  return null;
}

export const needsRefresh = (claims: Pick<SessionClaims, "seen">, now = nowSeconds()) => now - claims.seen >= REFRESH_AFTER_SECONDS;

/** Reads the claims out of a decoded token; null when any is missing (an old or foreign token). */
export function claimsOf(token: Record<string, unknown> | null | undefined): SessionClaims | null {
  if (!token) return null;
  const { uid, sv, role, sid, sat, seen } = token;
  if (typeof uid !== "string" || typeof sv !== "number" || typeof role !== "string" || typeof sid !== "string" || typeof sat !== "number" || typeof seen !== "number") return null;
  return { uid, sv, role, sid, sat, seen };
}
