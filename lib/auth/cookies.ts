// Every cookie the app sets, in one place: its name, its attributes, how it is issued and how it is
// cleared. Edge-safe (no server-only, no configuration read): middleware uses it too, so callers pass
// `secure` (the configuration's secureCookies on the server, edgeSecureCookies() in middleware).

export type CookieOptions = { httpOnly?: boolean; sameSite?: "lax" | "strict"; secure?: boolean; path?: string; maxAge?: number };
/** What both `cookies()` (server actions) and `NextResponse.cookies` (route handlers) offer. */
type CookieJar = { set(name: string, value: string, options: CookieOptions): unknown };

/** next-auth's session cookie, under the names next-auth itself uses (`__Secure-` on https). */
export function sessionCookie(secure: boolean) {
  return {
    name: secure ? "__Secure-next-auth.session-token" : "next-auth.session-token",
    options: { httpOnly: true, sameSite: "lax", path: "/", secure } satisfies CookieOptions,
  };
}

/** Sets a freshly issued session token (after the user's own password change; middleware's idle refresh). */
export function issueSessionCookie(jar: CookieJar, token: string, { secure, maxAge }: { secure: boolean; maxAge: number }) {
  const { name, options } = sessionCookie(secure);
  jar.set(name, token, { ...options, maxAge: Math.max(0, Math.floor(maxAge)) });
}

// Everything next-auth may have set for a session, on http and https alike.
const SIGN_OUT = ["next-auth.session-token", "__Secure-next-auth.session-token", "next-auth.csrf-token", "__Host-next-auth.csrf-token"];

/** Clears the session (sign-out). */
export function clearSessionCookies(jar: CookieJar) {
  for (const name of SIGN_OUT) jar.set(name, "", { path: "/", maxAge: 0, secure: name.startsWith("__") });
}

/**
 * The impersonation cookie (lib/impersonation): signed, httpOnly, SameSite=Lax, and Path=/user, so
 * that only the portal — its pages, actions and data routes, and End Impersonation — ever sees it; the
 * admin pages stay the admin's own.
 */
export function impersonationCookie(secure: boolean) {
  return {
    name: secure ? "__Secure-tollgate-impersonation" : "tollgate-impersonation",
    options: { httpOnly: true, sameSite: "lax", path: "/user", secure } satisfies CookieOptions,
  };
}

export function issueImpersonationCookie(jar: CookieJar, token: string, { secure, maxAge }: { secure: boolean; maxAge: number }) {
  const { name, options } = impersonationCookie(secure);
  jar.set(name, token, { ...options, maxAge: Math.max(0, Math.floor(maxAge)) });
}

export function clearImpersonationCookie(jar: CookieJar, secure: boolean) {
  const { name, options } = impersonationCookie(secure);
  jar.set(name, "", { ...options, maxAge: 0 });
}
