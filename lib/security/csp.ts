// The Content-Security-Policy of the pages, with a nonce fresh for every response. Made in
// middleware.ts (edge runtime: Web Crypto only, no node: imports here) and handed to Next on the
// request's own Content-Security-Policy header, from which Next takes the nonce and puts it on every
// script it renders (its runtime, the page's chunks, the inline flight data). With 'strict-dynamic' the
// scripts those load are trusted in turn, so nothing else needs listing; an injected <script> without
// the nonce does not run.

/** 16 random bytes, base64: unguessable, and in the alphabet Next's nonce parser accepts. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

export function contentSecurityPolicy(nonce: string, { dev }: { dev: boolean }): string {
  return [
    "default-src 'self'",
    // React uses eval in development only (to rebuild server error stacks in the browser); never in production.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // Radix (react-remove-scroll) and sonner inject <style> tags at run time, and React renders style
    // props (Radix's, Next's error pages') as style attributes: neither can carry a nonce. (A nonce
    // here would also switch 'unsafe-inline' off, so there is none.) Styles run no code; scripts stay strict.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    // Server actions, React's navigations and next-auth's sign-in all fetch from this origin only.
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join("; ");
}
