import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditContext,
  DESKTOP,
  expectActiveNavLink,
  expectDialogFits,
  expectDialogFocus,
  expectFocusBackOn,
  expectFreshDialog,
  expectHeaderControlsOnScreen,
  expectNoHorizontalOverflow,
  expectNoSeriousAxeViolations,
  expectToastAfter,
  PHONE,
  type Viewport,
} from "../support/audit";
import { launchChromium } from "../support/browser";
import { expectNoCspViolations, expectPageHasCsp } from "../support/csp";

// The checks of the shell audit (tests/support/audit.ts) against small hand-written pages, no app:
// each passes a page that does it right and fails one that does not, so that a green shell.test.ts
// means the pages are right rather than that a check looks at nothing.

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** `body` served at http://audit.test<path> (routed inside the browser) in an audit context (or in `context`). */
async function pageWith(body: string, viewport: Viewport = PHONE, path = "/users", opts: { headers?: Record<string, string>; context?: BrowserContext } = {}): Promise<Page> {
  const context = opts.context ?? (await auditContext(browser, "http://audit.test", viewport));
  const page = await context.newPage();
  await page.route("http://audit.test/**", (route) =>
    route.fulfill({
      contentType: "text/html",
      headers: opts.headers,
      body: `<!doctype html><html lang="en"><head><title>audit</title><meta name="viewport" content="width=device-width"><style>body{margin:0;font:16px sans-serif}</style></head><body>${body}</body></html>`,
    }),
  );
  await page.goto(`http://audit.test${path}`);
  return page;
}

const GOOD_PAGE = `<header style="display:flex;gap:8px"><nav><a href="/users" aria-current="page">Users</a> <a href="/endpoints">Endpoints</a></nav><button>Sign out</button></header>
<main><h1>Users</h1><div style="overflow-x:auto" tabindex="0"><table style="width:900px"><tr><th>User</th></tr><tr><td>alice</td></tr></table></div></main>`;

const BAD_PAGE = `<header style="display:flex;gap:8px;white-space:nowrap"><nav><a href="/users">Users</a></nav><span style="width:400px;flex:none">x</span><button>Sign out</button></header>
<main><div style="width:600px" data-testid="wide">wide</div><p style="color:#bbb">low contrast</p></main>`;

/** A modal dialog taller than the viewport, scrolling inside; `footer` holds its submit button. */
const dialogPage = (footer: string, extra = "") => `<main><button id="opener">Open</button></main>
<div role="dialog" aria-modal="true" aria-label="Edit" style="position:fixed;left:16px;right:16px;top:20px;max-height:90vh;overflow-y:auto;background:#fff">
<form style="display:flex;flex-direction:column"><label>Name <input name="name" aria-invalid="true" aria-describedby="e"></label><p id="e" role="alert">Enter a name</p>${extra}<div style="height:1200px">more fields</div>${footer}</form></div>`;

describe("the shell audit's checks", () => {
  it("pass a page that fits, marks its nav link and has no serious axe finding (a table scrolling in its own box is fine)", async () => {
    const page = await pageWith(GOOD_PAGE);
    await expectNoHorizontalOverflow(page, "good");
    await expectHeaderControlsOnScreen(page, "good");
    await expectActiveNavLink(page, "good", true);
    await expectNoSeriousAxeViolations(page, "good");
  });

  it("fail a page that scrolls sideways, pushes header controls off screen, marks no nav link and lacks contrast, naming the elements", async () => {
    const page = await pageWith(BAD_PAGE);
    await expect(expectNoHorizontalOverflow(page, "bad")).rejects.toThrow(/bad: scrollWidth 6\d\d > innerWidth 390[\s\S]*data-testid="wide"/);
    await expect(expectHeaderControlsOnScreen(page, "bad")).rejects.toThrow(/header: button.*"Sign out"/);
    await expect(expectActiveNavLink(page, "bad", true)).rejects.toThrow(/no header link to \/users has aria-current="page"/);
    await expect(expectNoSeriousAxeViolations(page, "bad")).rejects.toThrow(/color-contrast \(serious\)/);
  });

  it("pass a tall dialog whose submit button sits in a sticky footer; fail one where it takes scrolling, and one that scrolls sideways", async () => {
    await expectDialogFits(await pageWith(dialogPage(`<div style="position:sticky;bottom:0;background:#fff"><button type="submit">Save</button></div>`)), "sticky", "submit");
    await expect(expectDialogFits(await pageWith(dialogPage(`<button type="submit">Save</button>`)), "cut", "submit")).rejects.toThrow(/"Save".*cut off by the scroll box/);
    const wide = dialogPage(`<div style="position:sticky;bottom:0"><button type="submit">Save</button></div>`, `<div style="width:700px" data-testid="wide">wide</div>`);
    await expect(expectDialogFits(await pageWith(wide), "wide", "submit")).rejects.toThrow(/scrolls sideways[\s\S]*data-testid="wide"/);
  });

  it("see where focus is in a dialog, and whether it went back to the opener", async () => {
    const page = await pageWith(dialogPage(`<button type="submit">Save</button>`), DESKTOP);
    await page.locator("input[name=name]").focus();
    await expectDialogFocus(page, "open", "first-field");
    await expectDialogFocus(page, "invalid", "first-invalid");
    await expect(expectDialogFocus(page, "confirm", { button: "Save" })).rejects.toThrow(/focus is on dialog: input\[name="name"\]/);
    await expect(expectFreshDialog(page, "stale", ["Enter a name"])).rejects.toThrow(/still aria-invalid[\s\S]*still an alert[\s\S]*still shows "Enter a name"/);
    await page.evaluate(() => document.querySelector('[role="dialog"]')!.remove());
    await expect(expectFocusBackOn(page, "lost", page.getByRole("button", { name: "Open" }), "Open")).rejects.toThrow(/focus is on <body>/);
    await page.getByRole("button", { name: "Open" }).focus();
    await expectFocusBackOn(page, "back", page.getByRole("button", { name: "Open" }), "Open");
  });

  it("see a toast that comes and goes, and say what feedback there was when none came", async () => {
    const toast = `setTimeout(() => { const t = document.createElement('li'); t.setAttribute('data-sonner-toast', ''); t.textContent = 'Saved.'; document.body.append(t); setTimeout(() => t.remove(), 300); }, 200)`;
    const status = `document.getElementById('s').textContent = 'Saved.'`;
    const page = await pageWith(`<button onclick="${toast}">Toast</button><button onclick="${status}">Status</button><p role="status" id="s"></p>`, DESKTOP);
    expect(await expectToastAfter(page, "toast", () => page.getByRole("button", { name: "Toast" }).click())).toBe("Saved.");
    await expect.poll(() => page.locator("[data-sonner-toast]").count()).toBe(0);
    await expect(expectToastAfter(page, "status", () => page.getByRole("button", { name: "Status" }).click(), 1000)).rejects.toThrow(/no toast[\s\S]*shown instead: body: p#s\[role="status"\] "Saved."/);
  });

  it("see every CSP refusal (events and console), a page without a policy or reusing a nonce, and a page not rendered under a nonce", async () => {
    // A policy like the app's: scripts by nonce only, inline styles allowed (the test pages have a <style>).
    const policy = (nonce: string) => ({ "content-security-policy": `default-src 'self'; script-src 'self' 'nonce-${nonce}' 'strict-dynamic'; style-src 'self' 'unsafe-inline'` });
    const good = await pageWith(`<script nonce="n1">document.title = "ran"</script>`, DESKTOP, "/good", { headers: policy("n1") });
    expect(await good.title()).toBe("ran");
    await expectPageHasCsp(good, "good");
    await expectNoCspViolations(good.context(), "good");

    const bad = await pageWith(`<script nonce="n2">try { eval("1") } catch {}</script><script>document.title = "injected"</script>`, DESKTOP, "/bad", { headers: policy("n2") });
    expect(await bad.title()).toBe("audit"); // the injected script did not run
    const refused = expectNoCspViolations(bad.context(), "bad");
    await expect(refused).rejects.toThrow(/bad: Content-Security-Policy trouble:[\s\S]*securitypolicyviolation: script-src-elem refused inline at http:\/\/audit.test\/bad/);
    await expect(refused).rejects.toThrow(/securitypolicyviolation: script-src refused eval/);
    await expect(refused).rejects.toThrow(/console error: Executing inline script violates the following Content Security Policy directive/);
    // Reported once: the next check starts clean.
    await expectNoCspViolations(bad.context(), "bad, checked again");

    const none = await pageWith(`<script>document.title = "no policy"</script>`, DESKTOP, "/none");
    await expect(expectPageHasCsp(none, "none")).rejects.toThrow(/none: no <script nonce>/);
    await expect(expectNoCspViolations(none.context(), "none")).rejects.toThrow(/http:\/\/audit.test\/none \(200\) came without a Content-Security-Policy with a script nonce: none/);

    const first = await pageWith(`<script nonce="same">1</script>`, DESKTOP, "/first", { headers: policy("same") });
    await pageWith(`<script nonce="same">2</script>`, DESKTOP, "/second", { headers: policy("same"), context: first.context() });
    await expect(expectNoCspViolations(first.context(), "reused")).rejects.toThrow(/audit.test\/second \(200\) reused the nonce of an earlier page: same/);
  });
});
