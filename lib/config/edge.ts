// The part of the configuration middleware may read: it runs on the edge runtime, which has no
// file system, so the secret reaches it through the environment that `npm start` sets
// (scripts/start.ts copies the resolved secret into NEXTAUTH_SECRET before starting Next).
export function edgeAuthSecret(): string | undefined {
  return process.env.NEXTAUTH_SECRET || process.env.AUTH_SECRET || undefined;
}

export function edgeSecureCookies(): boolean {
  return (process.env.APP_URL ?? process.env.NEXTAUTH_URL ?? "").startsWith("https://");
}

/** `npm run dev`: the CSP then allows the eval React's development build needs (lib/security/csp). */
export function edgeDevelopment(): boolean {
  return process.env.NODE_ENV !== "production";
}
