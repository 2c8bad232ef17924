import type { BrowserContext, Page, Response } from "playwright-core";

// Watches a browser context for Content-Security-Policy trouble while the browser tests click through
// the app under its real policy (never `bypassCSP`): every `securitypolicyviolation` event in any of
// its pages (reported from an init script through a binding, so that nothing is lost when a page
// navigates away), every console message about the policy (Chromium logs each refusal), and the policy
// of every HTML document it loads, which must carry a nonce never seen before in the context.

type Doc = { url: string; status: number; html: boolean; csp: string | null };
type Watch = { violations: string[]; docs: Promise<Doc | null>[]; nonces: Set<string> };

const watches = new WeakMap<BrowserContext, Watch>();

const LISTENER = `(() => {
  if (window.__cspWatching) return;
  window.__cspWatching = true;
  document.addEventListener("securitypolicyviolation", (e) => {
    const where = (e.sourceFile || location.href) + (e.lineNumber ? ":" + e.lineNumber : "");
    window.__cspViolation?.(e.effectiveDirective + " refused " + (e.blockedURI || "(inline)") + " at " + where + (e.sample ? " [" + e.sample + "]" : ""));
  }, true);
})();`;

async function docOf(res: Response): Promise<Doc | null> {
  try {
    const headers = await res.allHeaders();
    return { url: res.url(), status: res.status(), html: (headers["content-type"] ?? "").startsWith("text/html"), csp: headers["content-security-policy"] ?? null };
  } catch {
    return null; // the page closed before its headers could be read: nothing to judge
  }
}

/** Starts watching `context` (its pages opened from now on, and the ones already open). */
export async function watchCsp(context: BrowserContext): Promise<void> {
  const watch: Watch = { violations: [], docs: [], nonces: new Set() };
  watches.set(context, watch);
  await context.exposeBinding("__cspViolation", (_source, text: string) => void watch.violations.push(`securitypolicyviolation: ${text}`));
  await context.addInitScript(LISTENER);
  context.on("console", (msg) => {
    if (/content[- ]security[- ]policy/i.test(msg.text())) watch.violations.push(`console ${msg.type()}: ${msg.text()} (${msg.location().url})`);
  });
  context.on("response", (res) => {
    if (res.request().resourceType() === "document") watch.docs.push(docOf(res));
  });
}

/**
 * Nothing was refused in `context` since the last call, and every HTML page it loaded in that time
 * came with a policy whose script nonce no earlier page of the context had. Throws naming `where`.
 */
export async function expectNoCspViolations(context: BrowserContext, where: string): Promise<void> {
  await lateReports();
  await checkNow(context, where);
}

/**
 * expectNoCspViolations for every browser context of a test file (an afterEach), after one shared
 * moment for late reports rather than one per context.
 */
export async function expectNoCspViolationsIn(contexts: Iterable<[string | number, BrowserContext | Promise<BrowserContext>]>, where: string): Promise<void> {
  await lateReports();
  for (const [key, context] of contexts) await checkNow(await context, `${where} (browser context ${key})`);
}

/** A refusal is reported asynchronously (binding, console): give the last ones a moment to arrive. */
const lateReports = () => new Promise((resolve) => setTimeout(resolve, 100));

async function checkNow(context: BrowserContext, where: string): Promise<void> {
  const watch = watches.get(context);
  if (!watch) throw new Error(`${where}: this browser context is not watched for CSP violations (watchCsp)`);
  const docs = (await Promise.all(watch.docs.splice(0))).filter((d): d is Doc => d !== null && d.html);
  const problems = watch.violations.splice(0);
  for (const doc of docs) {
    const nonce = doc.csp && /script-src [^;]*'nonce-([^']+)'/.exec(doc.csp)?.[1];
    if (!nonce) problems.push(`${doc.url} (${doc.status}) came without a Content-Security-Policy with a script nonce: ${doc.csp ?? "none"}`);
    else if (watch.nonces.has(nonce)) problems.push(`${doc.url} (${doc.status}) reused the nonce of an earlier page: ${nonce}`);
    else watch.nonces.add(nonce);
  }
  if (problems.length) throw new Error(`${where}: Content-Security-Policy trouble:\n  - ${problems.join("\n  - ")}`);
}

/** The page runs under a nonce policy: Next put the nonce on its scripts (browsers hide its value, not the attribute). */
export async function expectPageHasCsp(page: Page, where: string): Promise<void> {
  const nonced = await page.evaluate(() => document.querySelectorAll("script[nonce]").length);
  if (!nonced) throw new Error(`${where}: no <script nonce> in the page: it was not rendered under the nonce policy`);
}
