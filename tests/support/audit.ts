import { AxeBuilder } from "@axe-core/playwright";
import { mkdirSync } from "node:fs";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { expect } from "vitest";
import { AUDIT_SCRIPT } from "./audit-browser";
import { watchedContext } from "./browser";
import type { Session } from "./http";

// The checks of the shell audit (tests/e2e/shell.test.ts), each one function that throws an Error
// naming the page or dialog and the viewport (`where`, e.g. "/users 390") and the offending elements.
// The measuring runs in the page (./audit-browser.ts); this side words the failures.

export type Viewport = { width: number; height: number; colorScheme?: "light" | "dark" };
export const PHONE: Viewport = { width: 390, height: 844 };
export const DESKTOP: Viewport = { width: 1280, height: 800 };
export const VIEWPORTS = [PHONE, DESKTOP];
/** The desktop in the dark scheme (the app follows prefers-color-scheme): contrast is checked there too. */
export const DESKTOP_DARK: Viewport = { ...DESKTOP, colorScheme: "dark" };

function fail(where: string, what: string, details: string[] = []): never {
  throw new Error(`${where}: ${what}${details.length ? `\n  - ${details.join("\n  - ")}` : ""}`);
}

const audit = <T>(page: Page, call: string): Promise<T> => page.evaluate<T>(`window.__audit.${call}`);

/**
 * A browser context at the given viewport (no mobile emulation: a 390 px wide window, device scale 1,
 * so that innerWidth is exactly the width), signed in with `session` if given, with the audit
 * script in every page it opens, watched for CSP violations (./csp.ts).
 */
export async function auditContext(browser: Browser, url: string, viewport: Viewport, session?: Session): Promise<BrowserContext> {
  const context = await watchedContext(browser, { viewport: { width: viewport.width, height: viewport.height }, colorScheme: viewport.colorScheme ?? "light", deviceScaleFactor: 1 });
  await context.addInitScript(AUDIT_SCRIPT);
  if (session) {
    const cut = session.cookie.indexOf("=");
    await context.addCookies([{ name: session.cookie.slice(0, cut), value: session.cookie.slice(cut + 1), url }]);
  }
  return context;
}

/** Opens a page and waits until it has loaded and gone quiet (the client components hydrated). */
export async function openPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url, { waitUntil: "networkidle" });
  await settle(page);
  return page;
}

/** Lets finite animations (a dialog zooming in) finish and the layout settle before measuring. */
export async function settle(page: Page): Promise<void> {
  await audit(page, "settle()");
}

/** Runs a check; when it fails, leaves a full-page screenshot as test-results/shell-<label>.png. */
export async function withScreenshot(page: Page | undefined, label: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    mkdirSync("test-results", { recursive: true });
    const file = `shell-${label}`.replace(/\W+/g, "-").replace(/-+$/, "").slice(0, 120);
    await page?.screenshot({ path: `test-results/${file}.png`, fullPage: true }).catch(() => undefined);
    throw e;
  }
}

/** 1. Nothing makes the page scroll sideways: scrollWidth <= innerWidth; else, what sticks out. */
export async function expectNoHorizontalOverflow(page: Page, where: string): Promise<void> {
  const r = await audit<{ scrollWidth: number; innerWidth: number; offenders: string[] }>(page, "overflow()");
  if (r.scrollWidth <= r.innerWidth) return;
  fail(where, `scrollWidth ${r.scrollWidth} > innerWidth ${r.innerWidth}; sticking out past the right edge (outermost first):`, r.offenders.length ? r.offenders.slice(0, 10) : ["(no element found: a margin or a pseudo-element?)"]);
}

/** 2. Every visible link and button in <header> lies within [0, innerWidth]. (No header: nothing to check.) */
export async function expectHeaderControlsOnScreen(page: Page, where: string): Promise<void> {
  const r = await audit<{ headers: number; controls: number; off: string[]; innerWidth: number }>(page, "headerControls()");
  if (r.off.length) fail(where, `${r.off.length} of ${r.controls} header controls not within [0, ${r.innerWidth}]:`, r.off);
}

export type DialogButton = "submit" | "none" | { name: string };

/**
 * 3. The open dialog fits the viewport, and its submit button (or the named confirm button) lies
 * fully inside the viewport, is not cut off by a scroll box (the dialog's own included: a button one
 * has to scroll to is not "visible without scrolling") and is not covered by anything.
 */
export async function expectDialogFits(page: Page, where: string, button: DialogButton): Promise<void> {
  const arg = JSON.stringify(typeof button === "string" ? button : button.name);
  const r = await audit<{ problems: string[]; button: string | null }>(page, `dialogFit(${arg})`);
  if (r.problems.length) fail(where, "the dialog or its submit button does not fit on screen:", r.problems);
}

/**
 * 4. axe-core finds no violation of impact "serious" or "critical". `rules` narrows the run to those
 * rules: a page already checked in full in the light scheme needs only `color-contrast` in the dark one,
 * where nothing but colours differs.
 */
export async function expectNoSeriousAxeViolations(page: Page, where: string, opts: { rules?: string[] } = {}): Promise<void> {
  // Toasts in motion fade through every shade of grey: one on its way out (data-removed) and an older
  // one folding behind a newer (its content goes to opacity 0) are not there to be read, so they are left
  // out; an arriving one is waited for (settle), like every finite animation.
  await settle(page);
  let axe = new AxeBuilder({ page })
    .exclude('[data-sonner-toast][data-removed="true"]')
    .exclude('[data-sonner-toast][data-front="false"][data-expanded="false"]')
    // Only violations are read: axe skips writing up the passes and the undecided.
    .options({ resultTypes: ["violations"] });
  if (opts.rules) axe = axe.withRules(opts.rules);
  const results = await axe.analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (!bad.length) return;
  fail(
    where,
    `axe-core: ${bad.length} serious/critical violation${bad.length === 1 ? "" : "s"}:`,
    bad.map((v) => {
      // The nodes grouped by what axe says of them (for color-contrast: each colour pair and size).
      const groups = new Map<string, typeof v.nodes>();
      for (const n of v.nodes) {
        const why = [...n.any, ...n.all, ...n.none].map((c) => c.message).find(Boolean) ?? v.description;
        groups.set(why, [...(groups.get(why) ?? []), n]);
      }
      const lines = [...groups].slice(0, 4).map(([why, nodes]) => {
        const targets = nodes.slice(0, 3).map((n) => n.target.join(" "));
        const html = nodes[0].html.replace(/\s+/g, " ").slice(0, 100);
        return `      · ${nodes.length} × ${targets.join(" | ")}${nodes.length > 3 ? " | …" : ""} (e.g. ${html}): ${why}`;
      });
      if (groups.size > 4) lines.push(`      · … and ${groups.size - 4} more kinds`);
      return `${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} node${v.nodes.length === 1 ? "" : "s"}:\n${lines.join("\n")}`;
    }),
  );
}

type FocusState = { ok: boolean; active: string; target: string | null; dialogs: number };

/**
 * 5. Focus inside the open dialog is on `expected` within a moment: "first-field" (the first visible,
 * enabled input, select or textarea), "first-invalid" (the first field marked aria-invalid="true"),
 * or the button with that exact text.
 */
export async function expectDialogFocus(page: Page, where: string, expected: "first-field" | "first-invalid" | { button: string }): Promise<void> {
  const arg = JSON.stringify(typeof expected === "string" ? expected : expected.button);
  const label = expected === "first-field" ? "its first form field" : expected === "first-invalid" ? 'the first field marked aria-invalid="true"' : `its "${(expected as { button: string }).button}" button`;
  let last: FocusState | undefined;
  const deadline = Date.now() + 1000;
  do {
    last = await audit<FocusState>(page, `focus(${arg})`);
    if (last.ok) return;
    await page.waitForTimeout(50);
  } while (Date.now() < deadline);
  if (!last.target) fail(where, `expected focus on ${label}, but the dialog has none (${last.dialogs} open dialogs); focus is on ${last.active}`);
  fail(where, `focus is on ${last.active}, expected on ${label}: ${last.target}`);
}

/** 5. After a dialog closed, focus is back on the element that opened it (found again by its role and name). */
export async function expectFocusBackOn(page: Page, where: string, opener: Locator, openerName: string): Promise<void> {
  await expect.poll(() => page.getByRole("dialog").count(), { message: `${where}: the dialog did not close`, timeout: 5000 }).toBe(0);
  const deadline = Date.now() + 2000;
  let on = false;
  do {
    on = (await opener.count()) === 1 && (await opener.evaluate((el) => el === document.activeElement));
    if (on) return;
    await page.waitForTimeout(50);
  } while (Date.now() < deadline);
  const active = await audit<string>(page, "describe(document.activeElement)");
  fail(where, `after closing, focus is on ${active}, expected back on the opener ${openerName}`);
}

/** 5. A dialog opened again shows none of what a failed submit left: invalid marks, alerts, error texts, typed values. */
export async function expectFreshDialog(page: Page, where: string, errorTexts: string[]): Promise<void> {
  const r = await audit<{ dialog: boolean; invalid: string[]; alerts: string[]; texts: string[]; values: string[] }>(page, `stale(${JSON.stringify(errorTexts)})`);
  if (!r.dialog) fail(where, "no dialog open");
  const problems = [
    ...r.invalid.map((d) => `still aria-invalid: ${d}`),
    ...r.alerts.map((d) => `still an alert: ${d}`),
    ...r.texts.map((t) => `still shows "${t}"`),
    ...r.values.map((d) => `still filled in: ${d}`),
  ];
  if (problems.length) fail(where, "the reopened dialog shows stale state from the failed submit:", problems);
}

/**
 * 6. `act` (a completed action) makes a toast appear: an element [data-sonner-toast] with text. The
 * watch starts before the action, so a toast that comes and goes is seen. It polls from here rather
 * than with page.waitForFunction, which compiles its predicate with `new Function` inside the page:
 * the app's CSP refuses that, and the refusal would count as the page's own violation.
 */
export async function expectToastAfter(page: Page, where: string, act: () => Promise<void>, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const seen = (async () => {
    do {
      const toasts = await audit<string[]>(page, "toasts()").catch(() => []); // e.g. mid-navigation
      if (toasts.length) return toasts.join(" | ");
      await new Promise((resolve) => setTimeout(resolve, 50));
    } while (Date.now() < deadline);
    return null;
  })();
  await act();
  const text = await seen;
  if (text !== null) return text;
  const other = await audit<string[]>(page, "otherFeedback()").catch(() => []);
  fail(where, `no toast ([data-sonner-toast] with text) within ${timeoutMs} ms of the action`, other.length ? other.map((o) => `shown instead: ${o}`) : ["and no other feedback (role=status/alert, aria-live) either"]);
}

type NavState = { header: boolean; path: string; links: { path: string; current: string | null; visible: boolean; name: string }[] };

/**
 * 7. The header's link to the current page carries aria-current="page", and no link elsewhere does.
 * `required`: there must be such a link (pages that are in the nav); otherwise only checked if present.
 */
export async function expectActiveNavLink(page: Page, where: string, required: boolean): Promise<void> {
  const r = await audit<NavState>(page, "nav()");
  if (!r.header) fail(where, "no <header>");
  const here = r.links.filter((l) => l.path === r.path);
  const problems: string[] = [];
  if (required && !here.some((l) => l.visible)) problems.push(`no visible header link to ${r.path} (links: ${r.links.map((l) => l.name).join("; ") || "none"})`);
  if (here.length && !here.some((l) => l.current === "page")) problems.push(`no header link to ${r.path} has aria-current="page": ${here.map((l) => `${l.name} (aria-current=${l.current ?? "absent"})`).join("; ")}`);
  for (const l of r.links.filter((x) => x.path !== r.path && x.current === "page")) problems.push(`a link elsewhere claims aria-current="page": ${l.name}`);
  if (problems.length) fail(where, "the active nav link is not marked:", problems);
}

/** 7. The page has a header with a visible link to `path` (a way back). */
export async function expectHeaderLinkTo(page: Page, where: string, path: string): Promise<void> {
  const r = await audit<NavState>(page, "nav()");
  if (!r.header) fail(where, `no <header>, so no way back to ${path}`);
  if (!r.links.some((l) => l.path === path && l.visible)) fail(where, `the header has no visible link to ${path}; its links: ${r.links.map((l) => l.name).join("; ") || "none"}`);
}
