import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, keyIdOf, readyUser, signedInAdmin, usersActionAs, type ReadyUser } from "../support/admin";
import { startApp, type App } from "../support/app";
import { auditContext, DESKTOP_DARK, expectNoHorizontalOverflow, expectNoSeriousAxeViolations, openPage, PHONE, settle, VIEWPORTS, withScreenshot, type Viewport } from "../support/audit";
import { launchChromium } from "../support/browser";
import { expectNoCspViolationsIn, expectPageHasCsp } from "../support/csp";
import { MOCK_REPLY_CHUNKS, startMockLlm, type MockLlm } from "../support/mock-llm";
import { unique } from "../support/names";
import { waitFor } from "../support/ports";

// /user/usage in real headless Chromium against the built app, at 390×844 and 1280×800: a user at
// UTC+05:45, come from the dashboard's link, whose real gateway calls (to the local mock upstream: 23
// with one key and one model, one with another key and model, one that fails upstream) and one call of
// 40 days ago are in the ledger sees their calls newest first with times at their offset, filters them
// by model, key, status and period with the page's GET form, pages through them, downloads the
// period's CSV, and sees the empty state whole on a phone; axe finds nothing serious on those views.

let app: App;
let mock: MockLlm;
let browser: Browser;
let spender: ReadyUser;
let laptopId: string;
let laptopPrefix: string;
let ciId: string;
const MODEL_A = unique("usage-a");
const MODEL_B = unique("usage-b");
const OFFSET = 5.75;
const OK_CALLS = 23;
/** In the last 30 days: the OK_CALLS on the laptop key, one on the ci key, one failed upstream (laptop). */
const RECENT = OK_CALLS + 2;
const contexts = new Map<string, Promise<BrowserContext>>();
const contextFor = (v: Viewport) => {
  const name = `${v.width}-${v.colorScheme ?? "light"}`;
  if (!contexts.has(name)) contexts.set(name, auditContext(browser, app.url, v, spender.session));
  return contexts.get(name)!;
};
const flat = async (p: Promise<string>) => (await p).replace(/\s+/g, " ").trim();

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** An instant as a clock at UTC+05:45 shows it, "1 Dec 2026, 03:15" (written here, not taken from lib/timezone). */
function at545(iso: string): string {
  const d = new Date(Date.parse(iso) + OFFSET * 3_600_000);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

async function chat(key: string, model: string, content: string, status = 200) {
  const res = await fetch(`${app.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content }] }),
  });
  expect(res.status, await res.text()).toBe(status);
}

beforeAll(async () => {
  mock = await startMockLlm();
  app = await startApp({ valkey: true, smtp: false });
  browser = await launchChromium();
  const admin = await signedInAdmin(app);
  await createEndpointAs(app, admin, { name: unique("usage-ep"), baseUrl: `${mock.url}/v1`, models: [MODEL_A, MODEL_B, "mock-error"], eurPerMInput: 2, eurPerMOutput: 4 });
  spender = await readyUser(app, admin, { username: unique("spender") });
  await usersActionAs(app, admin, "setTimezoneAction", { id: spender.id, timezoneOffsetHours: OFFSET });
  const laptop = await createKeyAs(app, admin, spender.id, "laptop");
  const ci = await createKeyAs(app, admin, spender.id, "ci");
  [laptopId, ciId, laptopPrefix] = [await keyIdOf(app, laptop), await keyIdOf(app, ci), laptop.slice(0, 16)];
  for (let i = 0; i < OK_CALLS; i++) await chat(laptop, MODEL_A, "x".repeat(100 + i));
  await chat(ci, MODEL_B, "from ci");
  await chat(laptop, "mock-error", "fails", 502);
  // A call of 40 days ago cannot be made now: written as the gateway writes a call, through lib/usage,
  // into the app's database file.
  process.env.DATABASE_URL = `file:${app.dbFile}`;
  const { recordUsage } = await import("@/lib/usage");
  await recordUsage({
    requestId: randomUUID(),
    userId: spender.id,
    keyId: laptopId,
    endpoint: "old-ep",
    model: MODEL_A,
    inputTokens: 4242,
    outputTokens: 5,
    costEur: 0.01,
    status: "ok",
    latencyMs: 12,
    createdAt: new Date(Date.now() - 40 * 86_400_000).toISOString(),
  });
  (await import("@/db")).closeDb();
  await waitFor("the calls' ledger rows", async () => (await app.db.execute({ sql: "SELECT count(*) AS n FROM usage_events WHERE user_id = ?", args: [spender.id] })).rows[0].n === RECENT + 1, 5000, 50);
});

afterEach(async ({ task }) => {
  await expectNoCspViolationsIn(contexts, task.name);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await mock?.stop();
});

for (const viewport of VIEWPORTS) {
  const where = (what: string) => `/user/usage ${viewport.width}: ${what}`;

  describe(`/user/usage at ${viewport.width}×${viewport.height}`, () => {
    it("lists the calls newest first at the user's offset, filters them, pages, downloads the CSV, and passes axe", async () => {
      // The way in from the dashboard.
      const page: Page = await openPage(await contextFor(viewport), `${app.url}/user/dashboard`);
      await page.getByRole("link", { name: "See every call" }).click();
      await page.waitForURL(/\/user\/usage$/);
      await page.waitForLoadState("networkidle");
      await settle(page);
      await expectPageHasCsp(page, where("page"));
      const rows = page.getByTestId("usage-call");
      const count = () => flat(page.getByTestId("calls-count").innerText());
      const apply = async (filters: Record<string, string>) => {
        for (const [label, value] of Object.entries(filters)) await page.getByLabel(label, { exact: true }).selectOption(value);
        // A plain GET form: the browser loads the page at the form's URL.
        const before = page.url();
        await page.getByRole("button", { name: "Apply filters" }).click();
        await page.waitForURL((u) => u.href !== before);
        await page.waitForLoadState("networkidle");
        await settle(page);
      };

      await withScreenshot(page, where("all"), async () => {
        await page.getByRole("heading", { name: "Usage", level: 1 }).waitFor();
        expect(await flat(page.getByRole("heading", { name: "Usage", level: 1 }).locator("xpath=..").innerText())).toContain("Times in UTC+05:45");
        // The last 30 days (the default): the recent calls, not the one of 40 days ago; 20 a page.
        expect(await count()).toBe(`Calls 1–20 of ${RECENT}.`);
        expect(await rows.count()).toBe(20);
        expect(await flat(page.getByTestId("calls-page").innerText())).toBe("Page 1 of 2");
        // The newest first: the failed call, then the ci key's; each time at UTC+05:45.
        const newest = await flat(rows.first().innerText());
        expect(newest).toContain("upstream_500");
        expect(newest).toContain(laptopPrefix);
        expect(await flat(rows.nth(1).innerText())).toContain(MODEL_B);
        expect(await flat(rows.nth(1).innerText())).toContain("ci");
        const third = await flat(rows.nth(2).innerText());
        expect(third).toContain(`${100 + OK_CALLS - 1} / ${MOCK_REPLY_CHUNKS.length} / 0`);
        for (const i of [0, 5, 19]) {
          const time = rows.nth(i).locator("time");
          expect(await time.innerText()).toBe(at545((await time.getAttribute("datetime"))!));
        }
        // Every filter has its label.
        for (const label of ["Period", "Key", "Model", "Status"]) expect(await page.getByLabel(label, { exact: true }).count(), label).toBe(1);
        await expectNoHorizontalOverflow(page, where("all"));
        await expectNoSeriousAxeViolations(page, where("all"));
      });

      await withScreenshot(page, where("paging"), async () => {
        await page.getByRole("link", { name: "Older calls" }).click();
        await expect.poll(() => flat(page.getByTestId("calls-page").innerText())).toBe("Page 2 of 2");
        expect(page.url()).toMatch(/\/user\/usage\?page=2$/);
        expect(await count()).toBe(`Calls 21–${RECENT} of ${RECENT}.`);
        expect(await rows.count()).toBe(RECENT - 20);
        expect(await flat(rows.last().innerText())).toContain(`100 / ${MOCK_REPLY_CHUNKS.length} / 0`);
        await settle(page);
        await expectNoHorizontalOverflow(page, where("page 2"));
        await page.getByRole("link", { name: "Newer calls" }).click();
        await expect.poll(() => flat(page.getByTestId("calls-page").innerText())).toBe("Page 1 of 2");
      });

      await withScreenshot(page, where("filters"), async () => {
        await apply({ Model: MODEL_B });
        expect(page.url()).toMatch(new RegExp(`[?&]model=${MODEL_B}(&|$)`));
        expect(await rows.count()).toBe(1);
        expect(await count()).toBe("Calls 1–1 of 1 matching.");
        expect(await flat(rows.first().innerText())).toContain("ci");
        // The form shows what is applied.
        expect(await page.getByLabel("Model", { exact: true }).inputValue()).toBe(MODEL_B);

        await apply({ Model: "", Key: laptopId });
        expect(await count()).toBe(`Calls 1–20 of ${OK_CALLS + 1} matching.`);
        await apply({ Status: "error" });
        expect(await rows.count()).toBe(1);
        expect(await flat(rows.first().innerText())).toContain("upstream_500");
        expect(await flat(rows.first().innerText())).toContain("mock-error");
        await expectNoSeriousAxeViolations(page, where("filtered"));

        await apply({ Key: ciId, Status: "ok" });
        expect(await rows.count()).toBe(1);
        expect(await flat(rows.first().innerText())).toContain(MODEL_B);

        // The period: 90 days hold the call of 40 days ago, 7 days do not.
        await page.getByRole("link", { name: "Clear filters" }).click();
        await page.waitForURL(/\/user\/usage$/);
        await apply({ Period: "90" });
        expect(await count()).toBe(`Calls 1–20 of ${RECENT + 1}.`);
        await page.getByRole("link", { name: "Older calls" }).click();
        await expect.poll(() => flat(page.getByTestId("calls-page").innerText())).toBe("Page 2 of 2");
        const oldest = await flat(rows.last().innerText());
        expect(oldest).toContain("4,242 / 5 / 0");
        expect(oldest).toContain("old-ep");
        await apply({ Period: "7" });
        expect(page.url()).toMatch(/[?&]days=7(&|$)/);
        expect(page.url()).not.toMatch(/page=/);
        expect(await count()).toBe(`Calls 1–20 of ${RECENT}.`);
      });

      await withScreenshot(page, where("download"), async () => {
        // The period's CSV, downloaded as the browser downloads it.
        const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-csv").click()]);
        expect(download.suggestedFilename()).toMatch(new RegExp(`^usage-${spender.username}-\\d{4}-\\d{2}-\\d{2}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
        const [header, ...records] = readFileSync((await download.path())!, "utf8").split("\r\n").filter(Boolean).map((l) => l.split(","));
        expect(records).toHaveLength(RECENT);
        expect(new Set(records.map((r) => r[header.indexOf("user_id")]))).toEqual(new Set([spender.id]));
        const models = records.map((r) => r[header.indexOf("model")]);
        expect(models.filter((m) => m === MODEL_A)).toHaveLength(OK_CALLS);
        expect(models).toContain(MODEL_B);
        expect(records.map((r) => r[header.indexOf("status")])).toContain("upstream_500");
        expect(await page.getByTestId("download-json").getAttribute("href")).toBe("/user/usage/export?days=7&format=json");
      });

      await withScreenshot(page, where("empty"), async () => {
        await apply({ Key: "deleted" });
        expect(await rows.count()).toBe(0);
        const empty = page.getByText("No calls match these filters.", { exact: true });
        expect(await empty.count()).toBe(1);
        expect(await empty.isVisible()).toBe(true);
        // Whole on screen, not cut by a sideways scroll box.
        const box = (await empty.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
        const clipped = await empty.evaluate((el) => {
          const r = el.getBoundingClientRect();
          for (let p = el.parentElement; p; p = p.parentElement) {
            const c = p.getBoundingClientRect();
            if (getComputedStyle(p).overflowX !== "visible" && (r.left < c.left - 1 || r.right > c.right + 1)) return true;
          }
          return false;
        });
        expect(clipped).toBe(false);
        if (viewport === PHONE) expect(await page.getByRole("columnheader", { name: "Time" }).isVisible()).toBe(false);
        await expectNoHorizontalOverflow(page, where("empty"));
        await expectNoSeriousAxeViolations(page, where("empty"));
      });
      await page.close();
    });
  });
}

describe("/user/usage in the dark scheme", () => {
  it("passes axe (contrast included) with a failed call and filters applied", async () => {
    const page = await openPage(await contextFor(DESKTOP_DARK), `${app.url}/user/usage?status=error&days=90`);
    await withScreenshot(page, "/user/usage dark", async () => {
      expect(await page.getByTestId("usage-call").count()).toBe(1);
      await expectNoSeriousAxeViolations(page, "/user/usage 1280 dark");
    });
    await page.close();
  });
});
