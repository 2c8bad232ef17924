import "server-only";

/**
 * Route handlers that act on a session cookie accept only same-origin requests. Server actions get
 * Next's own Origin check; route handlers do not, so this is theirs. A browser always sends
 * Sec-Fetch-Site (or at least Origin on a POST); a request that sends neither is not a browser's
 * cross-site request and carries no ambient cookie risk.
 */
export function isSameOrigin(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return false;
  const origin = request.headers.get("origin");
  if (!origin) return true;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
