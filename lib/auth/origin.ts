// Edge-safe (no server-only): middleware applies it to server actions too.

/**
 * Route handlers and server actions that act on a session cookie accept only same-origin requests.
 * (Next checks a server action's Origin itself, but answers a foreign one with a 500; middleware
 * refuses it first with a 403.) A browser always sends
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
