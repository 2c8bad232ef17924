import { getScriptNonceFromHeader } from "next/dist/server/app-render/get-script-nonce-from-header";
import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, newNonce } from "@/lib/security/csp";
import { gatewayHeaders, siteHeaders } from "@/lib/security/headers";

// The policy and the fixed headers as strings; that the server really sends them, on which answers,
// is tests/integration/security-headers.test.ts, and that Chromium runs the app under them without a
// violation, the e2e tests.

const directives = (policy: string) => Object.fromEntries(policy.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1).join(" ")]));

describe("the Content-Security-Policy", () => {
  it("allows scripts by this response's nonce only, styles inline, everything else from this origin, and no framing", () => {
    const nonce = newNonce();
    expect(directives(contentSecurityPolicy(nonce, { dev: false }))).toEqual({
      "default-src": "'self'",
      "script-src": `'self' 'nonce-${nonce}' 'strict-dynamic'`,
      "style-src": "'self' 'unsafe-inline'",
      "img-src": "'self' data: blob:",
      "font-src": "'self'",
      "connect-src": "'self'",
      "frame-ancestors": "'none'",
      "object-src": "'none'",
      "base-uri": "'self'",
      "form-action": "'self'",
    });
  });

  it("allows eval in development only, where React needs it", () => {
    expect(directives(contentSecurityPolicy("abc", { dev: true }))["script-src"]).toBe("'self' 'nonce-abc' 'strict-dynamic' 'unsafe-eval'");
    expect(contentSecurityPolicy("abc", { dev: false })).not.toContain("unsafe-eval");
  });

  it("makes a nonce that is new each time and that Next reads back from the policy (and so puts on its scripts)", () => {
    const nonces = Array.from({ length: 1000 }, newNonce);
    expect(new Set(nonces).size).toBe(1000);
    for (const nonce of nonces.slice(0, 50)) {
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/); // 16 random bytes
      expect(getScriptNonceFromHeader(contentSecurityPolicy(nonce, { dev: false }))).toBe(nonce);
    }
  });
});

describe("the fixed security headers", () => {
  it("pages and the rest of the site: nosniff, referrer policy, no powerful features, no framing; HSTS only over https", () => {
    const plain = {
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "strict-origin-when-cross-origin",
      "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
      "X-Frame-Options": "DENY",
    };
    expect(siteHeaders({ https: false })).toEqual(plain);
    expect(siteHeaders({ https: true })).toEqual({ ...plain, "Strict-Transport-Security": "max-age=63072000; includeSubDomains" });
  });

  it("the gateway: nosniff and no referrer; HSTS only over https", () => {
    expect(gatewayHeaders({ https: false })).toEqual({ "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer" });
    expect(gatewayHeaders({ https: true })).toEqual({ "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Strict-Transport-Security": "max-age=63072000; includeSubDomains" });
  });
});
