// The security headers that do not change per response, set at run time (next.config's headers()
// are fixed when the app is built, and HSTS depends on APP_URL, read at start). The CSP is not here:
// it carries a per-response nonce and comes from middleware.ts (lib/security/csp.ts).

/** Two years, subdomains included: sent only when the app is served over https (APP_URL). */
const HSTS = "max-age=63072000; includeSubDomains";

/**
 * Everything the server answers through Next: pages, server actions, route handlers, error pages,
 * static files. scripts/start.ts sets these on the response before Next handles the request.
 */
export function siteHeaders({ https }: { https: boolean }): Record<string, string> {
  return {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    // The legacy twin of the CSP's frame-ancestors 'none', for browsers that predate it.
    "X-Frame-Options": "DENY",
    ...(https ? { "Strict-Transport-Security": HSTS } : {}),
  };
}

/**
 * The gateway's JSON and event-stream answers (lib/gateway/node.ts): no page is ever framed or
 * rendered from them, so only what applies to an API: no MIME sniffing, no referrer, HSTS.
 */
export function gatewayHeaders({ https }: { https: boolean }): Record<string, string> {
  return {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    ...(https ? { "Strict-Transport-Security": HSTS } : {}),
  };
}
