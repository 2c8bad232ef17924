// The part of the configuration middleware may read: it runs on the edge runtime, which has no
// file system, so the secret reaches it through the environment that `npm start` sets
// (scripts/start.ts copies the resolved secret into NEXTAUTH_SECRET before starting Next).
export function edgeAuthSecret(): string | undefined {
  return process.env.NEXTAUTH_SECRET || process.env.AUTH_SECRET || undefined;
}

export function edgeSecureCookies(): boolean {
  return (process.env.APP_URL ?? process.env.NEXTAUTH_URL ?? "").startsWith("https://");
}

// Session lifetimes (SESSION_IDLE_MINUTES, SESSION_MAX_HOURS): lib/config validates them at start;
// these defaults are the one copy both read.
export const SESSION_DEFAULTS = { idleMinutes: 120, maxHours: 12 };

export function edgeSessionLifetimes(): { idleSeconds: number; maxSeconds: number } {
  const idle = Number(process.env.SESSION_IDLE_MINUTES) || SESSION_DEFAULTS.idleMinutes;
  const max = Number(process.env.SESSION_MAX_HOURS) || SESSION_DEFAULTS.maxHours;
  return { idleSeconds: idle * 60, maxSeconds: max * 3600 };
}

/** The largest server-action body (next.config's serverActions.bodySizeLimit, and middleware's 413). */
export const ACTION_BODY_LIMIT_BYTES = 100 * 1024;

/** `npm run dev`: the CSP then allows the eval React's development build needs (lib/security/csp). */
export function edgeDevelopment(): boolean {
  return process.env.NODE_ENV !== "production";
}
