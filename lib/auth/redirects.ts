// Where a sign-in (?next=, next-auth's callbackUrl) may send the browser afterwards: only somewhere on
// this site. The target is resolved against APP_URL the way a browser would (a backslash counts as a
// slash, tabs and line breaks are dropped), so `/\evil.example`, `/\t/evil.example` and
// `//evil.example` all resolve to another origin and are refused.

/** The same-origin path (with query and fragment) of `target`, or undefined when it leaves the site. */
export function sameSitePath(target: unknown, appUrl: string): string | undefined {
  if (typeof target !== "string" || target === "") return undefined;
  let url: URL;
  try {
    url = new URL(target, appUrl);
  } catch {
    return undefined;
  }
  if (url.origin !== new URL(appUrl).origin) return undefined;
  return url.pathname + url.search + url.hash;
}

/** The portal's first page: where users land after signing in, where /user leads, and where an admin page sends a non-admin. */
export const PORTAL_HOME = "/user/dashboard";
