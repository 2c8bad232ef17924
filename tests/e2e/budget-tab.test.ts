import { mkdirSync, writeFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs, signedInAdmin, usersActionAs } from "../support/admin";
import { startApp, type App } from "../support/app";
import {
  auditContext,
  DESKTOP_DARK,
  expectDialogFits,
  expectNoHorizontalOverflow,
  expectNoSeriousAxeViolations,
  expectToastAfter,
  openPage,
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

// The Budget tab of the edit dialog in real headless Chromium against the built app: a user with
// limits set and usage from a real gateway call (to the local mock upstream) sees each window's bar
// with the right values and colour level; a user without limits sees ∞; the timezone select saves and
// says from when the change applies. At 390×844 and 1280×800 (and axe in the dark scheme too). All data
// through the product's actions and gateway.

let app: App;
let mock: MockLlm;
let browser: Browser;
let admin: Session;
let spender: string;
let unlimited: string;
const contexts = new Map<string, Promise<BrowserContext>>();

// One call of USED tokens (the mock counts a character of input as a token and answers 5), then
// limits that put the three windows in the three levels.
const USED = 950;
const LIMITS = { dailyLimit: "1000", monthlyLimit: "1200", totalLimit: "2000" }; // 95 % high, 79.2 % warn, 47.5 % ok
const EXPECTED = [
  { kind: "daily", name: "Daily budget used", max: 1000, level: "high", percent: "95 %", remaining: "50 tokens" },
  { kind: "monthly", name: "Monthly budget used", max: 1200, level: "warn", percent: "79.2 %", remaining: "250 tokens" },
  { kind: "total", name: "Total budget used", max: 2000, level: "ok", percent: "47.5 %", remaining: "1,050 tokens" },
] as const;

function contextFor(viewport: Viewport): Promise<BrowserContext> {
  const key = `${viewport.width}-${viewport.colorScheme ?? "light"}`;
  if (!contexts.has(key)) contexts.set(key, auditContext(browser, app.url, viewport, admin));
  return contexts.get(key)!;
}

/** The edit dialog of a user, open on its Budget tab (the first). */
async function budgetTab(viewport: Viewport, userId: string): Promise<Page> {
  const page = await openPage(await contextFor(viewport), `${app.url}/users?edit=${userId}`);
  await expectPageHasCsp(page, `/users?edit (${viewport.width})`);
  await page.getByRole("dialog").getByRole("tabpanel", { name: "Budget" }).waitFor();
  return page;
}

beforeAll(async () => {
  mock = await startMockLlm();
  app = await startApp({ valkey: true, smtp: false });
  browser = await launchChromium();
  admin = await signedInAdmin(app);
  const model = unique("budget-model");
  await createEndpointAs(app, admin, { name: unique("budget-ep"), baseUrl: `${mock.url}/v1`, models: [model], eurPerMInput: 2, eurPerMOutput: 4 });
  const spenderName = unique("spender");
  spender = await createUserAs(app, admin, spenderName);
  const key = await createKeyAs(app, admin, spender);
  const call = await fetch(`${app.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "x".repeat(USED - MOCK_REPLY_CHUNKS.length) }] }),
  });
  expect(call.status, await call.text()).toBe(200);
  // The ledger row is written as the call finishes, which may be just after its answer.
  await waitFor("the call's ledger row", async () => (await app.db.execute({ sql: "SELECT count(*) AS n FROM usage_events WHERE user_id = ?", args: [spender] })).rows[0].n === 1, 5000, 50);
  // The limits come after the spending, so that the call never depends on what the gateway admits.
  await usersActionAs(app, admin, "updateUserAction", { id: spender, email: `${spenderName}@example.test`, displayName: "", ...LIMITS, budgetType: "subscription" });
  unlimited = await createUserAs(app, admin, unique("unlimited"));
});

afterEach(async ({ task }) => {
  await expectNoCspViolationsIn(contexts, task.name);
});

afterAll(async () => {
  await browser?.close();
  mkdirSync("test-results", { recursive: true });
  if (app) writeFileSync("test-results/budget-tab-app.log", app.logs());
  await app?.stop();
  await mock?.stop();
});

for (const viewport of VIEWPORTS) {
  const where = (what: string) => `Budget tab ${viewport.width}: ${what}`;

  describe(`the Budget tab at ${viewport.width}×${viewport.height}`, () => {
    it("shows each window's bar with its values, level, remaining tokens, reset and cost", async () => {
      const page = await budgetTab(viewport, spender);
      await withScreenshot(page, where("meters"), async () => {
        const dialog = page.getByRole("dialog");
        const bars = dialog.getByRole("progressbar");
        expect(await bars.count()).toBe(3);
        for (const e of EXPECTED) {
          const bar = dialog.getByRole("progressbar", { name: e.name, exact: true });
          expect(await bar.getAttribute("aria-valuenow"), e.kind).toBe(String(USED));
          expect(await bar.getAttribute("aria-valuemin"), e.kind).toBe("0");
          expect(await bar.getAttribute("aria-valuemax"), e.kind).toBe(String(e.max));
          expect(await bar.getAttribute("aria-valuetext"), e.kind).toBe(`950 of ${e.max.toLocaleString("en-US")} tokens (${e.percent})`);
          const card = dialog.getByTestId(`budget-${e.kind}`);
          expect(await card.getAttribute("data-level"), e.kind).toBe(e.level);
          const shown = (await card.innerText()).replace(/\s+/g, " ");
          expect(shown, e.kind).toContain(`950 / ${e.max.toLocaleString("en-US")} tokens`);
          expect(shown, e.kind).toContain(e.percent);
          expect(shown, e.kind).toContain(`Remaining ${e.remaining}`);
          // 945 input tokens at 2 €/M and 5 output tokens at 4 €/M.
          expect(shown, e.kind).toContain("≈ €0.0019");
        }
        // Each level in its own colour: the bar's fill is the level's semantic colour.
        const fills = await dialog.getByRole("progressbar").evaluateAll((els) => els.map((el) => getComputedStyle(el.firstElementChild!).backgroundColor));
        expect(new Set(fills).size).toBe(3);
        const daily = (await dialog.getByTestId("budget-daily").innerText()).replace(/\s+/g, " ");
        expect(daily).toMatch(/Resets \d{1,2} [A-Z][a-z]{2} \d{4}, 00:00 \(UTC\+00:00\)/);
        expect(daily).toContain("Almost used up");
        expect((await dialog.getByTestId("budget-total").innerText()).replace(/\s+/g, " ")).toContain("Resets Never");
        await expectNoHorizontalOverflow(page, where("meters"));
        await expectDialogFits(page, where("meters"), "submit");
        await expectNoSeriousAxeViolations(page, where("meters"));
      });
      await page.close();
    });

    it("shows ∞ and no bar for a user without limits", async () => {
      const page = await budgetTab(viewport, unlimited);
      await withScreenshot(page, where("unlimited"), async () => {
        const dialog = page.getByRole("dialog");
        expect(await dialog.getByRole("progressbar").count()).toBe(0);
        for (const kind of ["daily", "monthly", "total"]) {
          const card = dialog.getByTestId(`budget-${kind}`);
          expect(await card.getAttribute("data-level")).toBe("ok");
          const shown = (await card.innerText()).replace(/\s+/g, " ");
          expect(shown, kind).toMatch(/^\S.* 0 \/ ∞ (unlimited )?tokens/); // "unlimited" is the screen reader's word for ∞
          expect(shown, kind).toMatch(/Remaining ∞ (unlimited )?Resets/);
        }
        await expectNoSeriousAxeViolations(page, where("unlimited"));
      });
      await page.close();
    });

    it("saves the timezone offset with a toast and says from when it applies", async () => {
      const id = await createUserAs(app, admin, unique("tz"));
      const page = await budgetTab(viewport, id);
      await withScreenshot(page, where("timezone"), async () => {
        const dialog = page.getByRole("dialog");
        const select = dialog.getByRole("combobox", { name: "Timezone (UTC offset)" });
        expect(await select.locator("option").count()).toBe(105);
        expect(await select.inputValue()).toBe("0");
        await select.selectOption({ label: "UTC+05:30" });
        const toast = await expectToastAfter(page, where("timezone saved"), () => dialog.getByRole("button", { name: "Save timezone", exact: true }).click());
        expect(toast).toMatch(/Timezone saved\. Applies from \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC, the start of the user's next day\./);
        expect(await dialog.getByRole("status").filter({ hasText: "Timezone saved." }).count()).toBe(1);
        // The page's data came back with the action: the pending change is said beside the select.
        await expect.poll(() => dialog.getByTestId("timezone-note").innerText()).toMatch(/^UTC\+05:30: Applies from .* UTC, the start of the user's next day\. Until then the budget days follow UTC\+00:00\.$/);
        expect((await dialog.getByTestId("budget-daily").innerText()).replace(/\s+/g, " ")).toContain("(UTC+05:30)");
        const [row] = (await app.db.execute({ sql: "SELECT timezone_offset_hours, tz_previous_offset_hours, tz_switch_at FROM users WHERE id = ?", args: [id] })).rows;
        expect(row).toMatchObject({ timezone_offset_hours: 5.5, tz_previous_offset_hours: 0 });
        // The first midnight at +05:30 after today (UTC) has ended: 18:30 UTC tomorrow.
        expect(String(row.tz_switch_at)).toMatch(/T18:30:00\.000Z$/);
        expect(await select.inputValue()).toBe("5.5");
        await expectNoSeriousAxeViolations(page, where("timezone"));
      });
      await page.close();
    });

    it("saves the alert settings with a toast; a bad threshold is answered at its field and changes nothing", async () => {
      const id = await createUserAs(app, admin, unique("alerts"));
      const page = await budgetTab(viewport, id);
      const read = async () => (await app.db.execute({ sql: "SELECT alert_enabled, alert_threshold_pct, alert_email FROM users WHERE id = ?", args: [id] })).rows[0];
      const before = await read();
      await withScreenshot(page, where("alerts"), async () => {
        const form = page.getByRole("dialog").getByRole("region", { name: "Budget alerts" });
        // SMTP is off in this app: the form says so rather than promising mail.
        expect(await form.getByTestId("alerts-note").innerText()).toContain("E-mail is not configured");
        const threshold = form.getByRole("textbox", { name: "Threshold (%)" });
        await threshold.fill("0");
        await form.getByRole("button", { name: "Save alerts" }).click();
        await expect.poll(() => threshold.getAttribute("aria-invalid")).toBe("true");
        expect(await form.innerText()).toContain("Enter a whole percentage from 1 to 100");
        expect(await read()).toEqual(before);
        await expectNoSeriousAxeViolations(page, where("alerts refused"));

        await form.getByRole("checkbox", { name: "Alert by e-mail" }).setChecked(true);
        await threshold.fill("65");
        await form.getByRole("textbox", { name: "Alert e-mail" }).fill("Budget-Watch@Example.test");
        const toast = await expectToastAfter(page, where("alerts saved"), () => form.getByRole("button", { name: "Save alerts" }).click());
        expect(toast).toContain("alerts saved.");
        // Stored as every e-mail is: lower-cased.
        expect(await read()).toMatchObject({ alert_enabled: 1, alert_threshold_pct: 65, alert_email: "budget-watch@example.test" });
        expect(await threshold.getAttribute("aria-invalid")).not.toBe("true");
      });
      await page.close();
    });
  });
}

describe("the Budget tab in the dark scheme", () => {
  it("has no serious or critical axe-core finding with all three levels shown", async () => {
    const page = await budgetTab(DESKTOP_DARK, spender);
    await withScreenshot(page, "Budget tab 1280 dark", () => expectNoSeriousAxeViolations(page, "Budget tab 1280 dark"));
    await page.close();
  });
});
