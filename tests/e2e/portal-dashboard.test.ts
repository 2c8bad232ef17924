import { mkdirSync, writeFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, keyIdOf, OWN_PASSWORD, readyUser, signedInAdmin, usersActionAs, type ReadyUser } from "../support/admin";
import { startApp, type App } from "../support/app";
import {
  auditContext,
  DESKTOP,
  expectFocusBackOn,
  expectHeaderControlsOnScreen,
  expectNoHorizontalOverflow,
  expectNoSeriousAxeViolations,
  expectToastAfter,
  openPage,
  PHONE,
  VIEWPORTS,
  withScreenshot,
  type Viewport,
} from "../support/audit";
import { launchChromium } from "../support/browser";
import { expectNoCspViolationsIn, expectPageHasCsp } from "../support/csp";
import type { Session } from "../support/http";
import { startMockLlm, MOCK_REPLY_CHUNKS, type MockLlm } from "../support/mock-llm";
import { unique } from "../support/names";
import { waitFor } from "../support/ports";

// The portal's frame and dashboard in real headless Chromium against the built app, at 390×844 and
// 1280×800: a user with limits and a real gateway call (to the local mock upstream) sees on the
// dashboard's cards and in the sidebar's bars the figures of the ledger and the Budget tab (the same
// progress-bar values), each window's colour level, the at-this-rate forecast, the 14-day chart and
// their active keys; on a phone the sidebar is a drawer that traps focus and closes on Escape; each
// role sees its menu, which lists only pages that exist; sign-in lands admins on /users and everyone
// else on /user/dashboard. All data through the product's actions and gateway.

let app: App;
let mock: MockLlm;
let browser: Browser;
let admin: Session;
let spender: ReadyUser;
let activeKey: string;
let suspendedKey: string;
const contexts = new Map<string, Promise<BrowserContext>>();

// One call of USED tokens (the mock counts a character of input as a token and answers 5), then
// limits that put the three windows in the three levels.
const USED = 950;
const LIMITS = { dailyLimit: "1000", monthlyLimit: "1200", totalLimit: "2000" };
const EXPECTED = [
  { kind: "daily", title: "Today", bar: "Daily budget used", side: "Today: budget used", limit: 1000, remaining: 50, level: "high", percent: "95 %" },
  { kind: "monthly", title: "This month", bar: "Monthly budget used", side: "This month: budget used", limit: 1200, remaining: 250, level: "warn", percent: "79.2 %" },
  { kind: "total", title: "Total", bar: "Total budget used", side: "Total: budget used", limit: 2000, remaining: 1050, level: "ok", percent: "47.5 %" },
] as const;

const flat = (s: string) => s.replace(/\s+/g, " ");

function contextFor(viewport: Viewport, who: string, session?: Session): Promise<BrowserContext> {
  const key = `${who}-${viewport.width}`;
  if (!contexts.has(key)) contexts.set(key, auditContext(browser, app.url, viewport, session));
  return contexts.get(key)!;
}

async function dashboard(viewport: Viewport, who = "spender", session: Session = spender.session): Promise<Page> {
  const page = await openPage(await contextFor(viewport, who, session), `${app.url}/user/dashboard`);
  await expectPageHasCsp(page, `/user/dashboard (${who}, ${viewport.width})`);
  await page.getByRole("heading", { level: 1 }).waitFor();
  return page;
}

beforeAll(async () => {
  mock = await startMockLlm();
  app = await startApp({ valkey: true, smtp: false });
  browser = await launchChromium();
  admin = await signedInAdmin(app);
  const model = unique("portal-model");
  await createEndpointAs(app, admin, { name: unique("portal-ep"), baseUrl: `${mock.url}/v1`, models: [model], eurPerMInput: 2, eurPerMOutput: 4 });
  spender = await readyUser(app, admin, { username: unique("spender") });
  activeKey = await createKeyAs(app, admin, spender.id, "laptop");
  suspendedKey = await createKeyAs(app, admin, spender.id, "old phone");
  await usersActionAs(app, admin, "setKeyStatusAction", { keyId: await keyIdOf(app, suspendedKey), status: "suspended" });
  const call = await fetch(`${app.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${activeKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "x".repeat(USED - MOCK_REPLY_CHUNKS.length) }] }),
  });
  expect(call.status, await call.text()).toBe(200);
  await waitFor("the call's ledger row", async () => (await app.db.execute({ sql: "SELECT count(*) AS n FROM usage_events WHERE user_id = ?", args: [spender.id] })).rows[0].n === 1, 5000, 50);
  // The limits come after the spending, so that the call never depends on what the gateway admits.
  await usersActionAs(app, admin, "updateUserAction", { id: spender.id, email: `${spender.username}@example.test`, displayName: "Penny Spender", ...LIMITS, budgetType: "subscription" });
});

afterEach(async ({ task }) => {
  await expectNoCspViolationsIn(contexts, task.name);
});

afterAll(async () => {
  await browser?.close();
  mkdirSync("test-results", { recursive: true });
  if (app) writeFileSync("test-results/portal-dashboard-app.log", app.logs());
  await app?.stop();
  await mock?.stop();
});

/** When, at the rate of the last 24 hours (USED tokens), each limited window runs out, and which runs out first before its reset (UTC user). */
function expectedForecast(now: number): string {
  const perMs = USED / (24 * 3_600_000);
  const d = new Date(now);
  const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
  const month = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  const runs = EXPECTED.map((e) => ({ kind: e.kind, at: now + e.remaining / perMs, resets: e.kind === "daily" ? midnight : e.kind === "monthly" ? month : Infinity }));
  return runs.filter((r) => r.at < r.resets).sort((a, b) => a.at - b.at)[0]?.kind ?? "none";
}

for (const viewport of VIEWPORTS) {
  const where = (what: string) => `portal ${viewport.width}: ${what}`;

  describe(`the portal dashboard at ${viewport.width}×${viewport.height}`, () => {
    it("shows each window's card with the ledger's figures, the Budget tab's values and the right colour level", async () => {
      const [ledger] = (await app.db.execute({ sql: "SELECT sum(input_tokens + output_tokens) AS t FROM usage_events WHERE user_id = ?", args: [spender.id] })).rows;
      expect(Number(ledger.t)).toBe(USED);
      // The admin's Budget tab of the same user: the cards must say what it says.
      const tab = await openPage(await contextFor(viewport, "admin", admin), `${app.url}/users?edit=${spender.id}`);
      await tab.getByRole("dialog").getByRole("tabpanel", { name: "Budget" }).waitFor();
      const tabBars = await tab.getByRole("dialog").getByRole("progressbar").evaluateAll((els) => els.map((el) => el.getAttribute("aria-valuetext")));
      await tab.close();

      const page = await dashboard(viewport);
      await withScreenshot(page, where("cards"), async () => {
        const main = page.getByRole("main");
        expect(await main.getByRole("heading", { level: 1 }).innerText()).toBe("Hello, Penny Spender");
        const bars = main.getByTestId("budget-meters").getByRole("progressbar");
        expect(await bars.evaluateAll((els) => els.map((el) => el.getAttribute("aria-valuetext")))).toEqual(tabBars);
        for (const e of EXPECTED) {
          const bar = main.getByRole("progressbar", { name: e.bar, exact: true });
          expect(await bar.getAttribute("aria-valuenow"), e.kind).toBe(String(USED));
          expect(await bar.getAttribute("aria-valuemax"), e.kind).toBe(String(e.limit));
          const card = main.getByTestId(`budget-${e.kind}`);
          expect(await card.getAttribute("data-level"), e.kind).toBe(e.level);
          const shown = flat(await card.innerText());
          expect(shown, e.kind).toContain(`950 / ${e.limit.toLocaleString("en-US")} tokens`);
          expect(shown, e.kind).toContain(e.percent);
          expect(shown, e.kind).toContain(`Remaining ${e.remaining.toLocaleString("en-US")} tokens`);
          expect(shown, e.kind).toContain("≈ €0.0019"); // 945 input tokens at 2 €/M and 5 output tokens at 4 €/M
          if (e.kind === "total") expect(shown).toContain("Resets Never");
          else expect(shown, e.kind).toMatch(/Resets \d{1,2} [A-Z][a-z]{2} \d{4}, 00:00 \(UTC\+00:00\), in (\d+ d( \d+ h)?|\d+ h( \d+ min)?|\d+ min)/);
        }
        const fills = await bars.evaluateAll((els) => els.map((el) => getComputedStyle(el.firstElementChild!).backgroundColor));
        expect(new Set(fills).size).toBe(3);

        // At the rate of the last 24 hours (950 tokens), the tightest window that runs out before its reset.
        const forecast = main.getByTestId("forecast");
        const expected = expectedForecast(Date.now());
        expect(await forecast.getAttribute("data-kind")).toBe(expected === "none" ? "not-at-this-rate" : "runs-out");
        if (expected !== "none") expect(await forecast.getAttribute("data-window")).toBe(expected);
        const said = flat(await forecast.innerText());
        expect(said).toMatch(expected === "none" ? /not at this rate/ : /At the current rate, .* budget runs out on \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d \(UTC\+00:00\), in /);
        expect(said).toContain("The rate is your average over the last 24 hours: 950 tokens, about 40 an hour.");

        await expectNoHorizontalOverflow(page, where("cards"));
        await expectHeaderControlsOnScreen(page, where("cards"));
        await expectNoSeriousAxeViolations(page, where("cards"));
      });
      await page.close();
    });

    it("shows 14 days of usage with today's tokens, and only the active keys with their label and last use", async () => {
      const page = await dashboard(viewport);
      await withScreenshot(page, where("chart and keys"), async () => {
        const chart = page.getByTestId("chart-tokens");
        const values = await chart.locator("rect").evaluateAll((els) => els.map((el) => Number(el.getAttribute("data-value"))));
        expect(values).toHaveLength(14);
        expect(values.at(-1)).toBe(USED);
        expect(values.slice(0, -1).every((v) => v === 0)).toBe(true);
        expect(await page.getByTestId("chart-eur").locator("rect").count()).toBe(14);

        const keys = page.getByTestId("dashboard-key");
        expect(await keys.count()).toBe(1);
        const row = flat(await keys.innerText());
        expect(row).toContain(`${activeKey.slice(0, 16)}… laptop`);
        expect(row).toMatch(/Last used \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d \(UTC\+00:00\)|Never used/);
        expect(flat(await page.getByTestId("dashboard-keys").innerText())).not.toContain(suspendedKey.slice(0, 16));
        await expectNoHorizontalOverflow(page, where("chart and keys"));
      });
      await page.close();
    });
  });
}

for (const viewport of VIEWPORTS) {
  const where = (what: string) => `billing ${viewport.width}: ${what}`;

  describe(`the billing page at ${viewport.width}×${viewport.height}`, () => {
    it("shows each window as enforced, the last 30 days by endpoint and model and the lifetime totals from the ledger, and the alert settings", async () => {
      const [event] = (await app.db.execute({ sql: "SELECT endpoint, model, input_tokens, output_tokens FROM usage_events WHERE user_id = ?", args: [spender.id] })).rows;
      const page = await openPage(await contextFor(viewport, "spender", spender.session), `${app.url}/user/billing`);
      await withScreenshot(page, where("page"), async () => {
        expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Billing");
        expect(await page.getByTestId("budget-type").innerText()).toMatch(/^Subscription/);
        for (const e of EXPECTED) {
          const row = page.getByTestId(`billing-${e.kind}`);
          expect(await row.getAttribute("data-level"), e.kind).toBe(e.level);
          const shown = flat(await row.innerText());
          expect(shown, e.kind).toContain(`950 tokens (${e.percent})`);
          expect(shown, e.kind).toContain(`${e.limit.toLocaleString("en-US")} tokens`);
          expect(shown, e.kind).toContain(`${e.remaining.toLocaleString("en-US")} tokens`);
          expect(shown, e.kind).toContain(e.kind === "total" ? "Never" : "(UTC+00:00), in ");
          expect(shown, e.kind).toContain("≈ €0.0019");
        }
        const models = page.getByTestId("billing-model");
        expect(await models.count()).toBe(1);
        const model = flat(await models.innerText());
        for (const part of [String(event.endpoint), String(event.model), "945", "5", "€0.0019"]) expect(model).toContain(part);
        expect(Number(event.input_tokens) + Number(event.output_tokens)).toBe(USED);
        const lifetime = flat(await page.getByTestId("billing-lifetime").innerText());
        expect(lifetime).toMatch(/Calls 1 Input tokens 945 Output tokens 5 Cost €0\.0019/);
        const alerts = page.getByRole("region", { name: "Budget alerts" });
        expect(await alerts.getByRole("checkbox", { name: "Alert by e-mail" }).isChecked()).toBe(false);
        await expectNoHorizontalOverflow(page, where("page"));
        await expectHeaderControlsOnScreen(page, where("page"));
        await expectNoSeriousAxeViolations(page, where("page"));
      });
      await page.close();
    });

    it("lets the user set their own alerts: a bad threshold is answered at its field and changes nothing; a good one is saved, audited under their name", async () => {
      const owner = await readyUser(app, admin, { username: unique("alerter") });
      const read = async () => (await app.db.execute({ sql: "SELECT alert_enabled, alert_threshold_pct, alert_email FROM users WHERE id = ?", args: [owner.id] })).rows[0];
      const before = await read();
      const page = await openPage(await contextFor(viewport, `alerter-${owner.id}`, owner.session), `${app.url}/user/billing`);
      await withScreenshot(page, where("own alerts"), async () => {
        const form = page.getByRole("region", { name: "Budget alerts" });
        const threshold = form.getByRole("textbox", { name: "Threshold (%)" });
        await threshold.fill("0");
        await form.getByRole("button", { name: "Save alerts" }).click();
        await expect.poll(() => threshold.getAttribute("aria-invalid")).toBe("true");
        expect(await form.innerText()).toContain("Enter a whole percentage from 1 to 100");
        expect(await read()).toEqual(before);

        await form.getByRole("checkbox", { name: "Alert by e-mail" }).setChecked(true);
        await threshold.fill("75");
        const toast = await expectToastAfter(page, where("own alerts saved"), () => form.getByRole("button", { name: "Save alerts" }).click());
        expect(toast).toContain("Alerts saved.");
        expect(await read()).toMatchObject({ alert_enabled: 1, alert_threshold_pct: 75, alert_email: null });
        const [audit] = (
          await app.db.execute({ sql: "SELECT actor_name, action FROM audit_log WHERE target_id = ? AND action = 'user.alerts' ORDER BY id DESC LIMIT 1", args: [owner.id] })
        ).rows;
        expect(audit).toMatchObject({ actor_name: owner.username, action: "user.alerts" });
        await expectNoSeriousAxeViolations(page, where("own alerts saved"));
      });
      await page.close();
    });
  });
}

describe("the portal sidebar at 1280×800", () => {
  it("holds the menu, the current page marked, and the budget bars with the cards' values and levels", async () => {
    const page = await dashboard(DESKTOP);
    await withScreenshot(page, "portal sidebar", async () => {
      const side = page.getByTestId("portal-sidebar");
      expect(await side.isVisible()).toBe(true);
      expect(await page.getByRole("button", { name: "Portal menu & budget" }).isVisible()).toBe(false);
      const dash = side.getByRole("navigation", { name: "Portal" }).getByRole("link", { name: "Dashboard" });
      expect(await dash.getAttribute("aria-current")).toBe("page");
      for (const e of EXPECTED) {
        const bar = side.getByRole("progressbar", { name: e.side, exact: true });
        expect(await bar.getAttribute("aria-valuetext"), e.kind).toBe(`950 of ${e.limit.toLocaleString("en-US")} tokens (${e.percent})`);
        expect(await side.getByTestId(`portal-budget-${e.kind}`).getAttribute("data-level"), e.kind).toBe(e.level);
      }
    });
    await page.close();
  });
});

describe("the portal drawer at 390×844", () => {
  it("opens from its button as a dialog holding the menu and bars, keeps focus inside, closes on Escape with focus back, and on a link", async () => {
    const page = await dashboard(PHONE);
    await withScreenshot(page, "portal drawer", async () => {
      expect(await page.getByTestId("portal-sidebar").isVisible()).toBe(false);
      const opener = page.getByRole("button", { name: "Portal menu & budget" });
      await opener.click();
      const dialog = page.getByRole("dialog", { name: "Portal menu" });
      await dialog.waitFor();
      expect(await dialog.getByRole("link", { name: "Dashboard" }).getAttribute("aria-current")).toBe("page");
      expect(await dialog.getByRole("progressbar", { name: "Today: budget used", exact: true }).getAttribute("aria-valuetext")).toBe("950 of 1,000 tokens (95 %)");
      const focusInside = () => dialog.evaluate((el) => el.contains(document.activeElement));
      expect(await focusInside()).toBe(true);
      for (let i = 0; i < 6; i++) {
        await page.keyboard.press("Tab");
        expect(await focusInside(), `after ${i + 1} Tab`).toBe(true);
      }
      await expectNoHorizontalOverflow(page, "portal drawer open");
      await expectNoSeriousAxeViolations(page, "portal drawer open");
      await page.keyboard.press("Escape");
      await expectFocusBackOn(page, "portal drawer closed by Escape", opener, "Portal menu & budget");

      await opener.click();
      await dialog.waitFor();
      await dialog.getByRole("link", { name: "Dashboard" }).click();
      await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
    });
    await page.close();
  });
});

describe("the role menus", () => {
  for (const role of ["user", "subscriber", "expert", "admin"] as const) {
    it(`${role === "admin" || role === "expert" ? "an" : "a"} ${role} sees the portal pages that exist${role === "admin" ? " and a way back to the admin pages" : ""}, each of which answers`, async () => {
      const who = role === "admin" ? { session: admin } : await readyUser(app, admin, { role });
      const page = await dashboard(DESKTOP, role, who.session);
      await withScreenshot(page, `portal menu ${role}`, async () => {
        const nav = page.getByTestId("portal-sidebar").getByRole("navigation", { name: "Portal" });
        const links = await nav.getByRole("link").evaluateAll((els) => els.map((el) => [el.textContent?.replace("←", "").trim(), new URL((el as HTMLAnchorElement).href).pathname]));
        expect(links).toEqual([
          ["Dashboard", "/user/dashboard"],
          ["Billing", "/user/billing"],
          ["Usage", "/user/usage"],
          ["API Keys", "/user/keys"],
          ...(role === "subscriber" ? [["Assigned Templates", "/user/templates"]] : []),
          ...(role === "expert" || role === "admin"
            ? [
                ["My Templates", "/user/templates"],
                ["CC Profiles", "/user/cc-profiles"],
              ]
            : []),
          ["Profile", "/user/profile"],
          ...(role === "admin" ? [["Admin pages", "/users"]] : []),
        ]);
        for (const [, path] of links) {
          const res = await fetch(app.url + path, { headers: { cookie: who.session.cookie }, redirect: "manual" });
          expect(res.status, `${path} for a ${role}`).toBe(200);
        }
        await expectNoSeriousAxeViolations(page, `portal menu ${role}`);
      });
      await page.close();
    });
  }
});

describe("signing in", () => {
  const signIn = async (username: string, password: string, path = "/login") => {
    const context = await contextFor(DESKTOP, `anon-${username}`);
    const page = await context.newPage();
    await page.goto(app.url + path);
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password", { exact: true }).fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    return page;
  };

  it("lands an admin on /users and a user on /user/dashboard, from /login and from /user/login", async () => {
    const a = await signIn("admin", "Adm1n-new-password");
    await a.waitForURL(/\/users$/);
    await a.close();
    const u = await signIn(spender.username, OWN_PASSWORD, "/user/login");
    await u.waitForURL(/\/user\/dashboard$/);
    expect(await u.getByRole("heading", { level: 1 }).innerText()).toBe("Hello, Penny Spender");
    await u.close();
  });

  it("sends a signed-in user from /user and from an admin page to /user/dashboard", async () => {
    for (const path of ["/user", "/users"]) {
      const res = await fetch(app.url + path, { headers: { cookie: spender.session.cookie }, redirect: "manual" });
      expect(res.status, path).toBe(307);
      expect(new URL(res.headers.get("location")!, app.url).pathname, path).toBe("/user/dashboard");
    }
  });
});
