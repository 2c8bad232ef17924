import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs, signedInAdmin } from "../support/admin";
import { startApp, type App } from "../support/app";
import { auditContext, expectNoHorizontalOverflow, expectNoSeriousAxeViolations, openPage, settle, VIEWPORTS, withScreenshot, type Viewport } from "../support/audit";
import { launchChromium } from "../support/browser";
import { expectNoCspViolationsIn, expectPageHasCsp } from "../support/csp";
import type { Session } from "../support/http";
import { MOCK_REPLY_CHUNKS, startMockLlm, type MockLlm } from "../support/mock-llm";
import { unique } from "../support/names";
import { waitFor } from "../support/ports";

// The Usage tab of the edit dialog in real headless Chromium against the built app, at 390×844 and
// 1280×800: a user whose 23 real gateway calls (to the local mock upstream) are in the ledger sees the
// Budget tab's figures on the cards, a 30-day chart that adds up to them, the latest calls a page of 20
// at a time, and download links that answer. All data through the product's actions and gateway.

let app: App;
let mock: MockLlm;
let browser: Browser;
let admin: Session;
let spender: string;
const CALLS = 23;
const LABEL = "@SUM(1)";
const contexts = new Map<number, Promise<BrowserContext>>();
const contextFor = (v: Viewport) => {
  if (!contexts.has(v.width)) contexts.set(v.width, auditContext(browser, app.url, v, admin));
  return contexts.get(v.width)!;
};
const text = async (p: Promise<string>) => (await p).replace(/\s+/g, " ");

beforeAll(async () => {
  mock = await startMockLlm();
  app = await startApp({ valkey: true, smtp: false });
  browser = await launchChromium();
  admin = await signedInAdmin(app);
  const model = unique("usage-model");
  await createEndpointAs(app, admin, { name: unique("usage-ep"), baseUrl: `${mock.url}/v1`, models: [model], eurPerMInput: 2, eurPerMOutput: 4 });
  spender = await createUserAs(app, admin, unique("spender"));
  const key = await createKeyAs(app, admin, spender, LABEL);
  for (let i = 0; i < CALLS; i++) {
    const res = await fetch(`${app.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "x".repeat(100 + i) }] }),
    });
    expect(res.status, await res.text()).toBe(200);
  }
  await waitFor("the calls' ledger rows", async () => (await app.db.execute({ sql: "SELECT count(*) AS n FROM usage_events WHERE user_id = ?", args: [spender] })).rows[0].n === CALLS, 5000, 50);
});

afterEach(async ({ task }) => {
  await expectNoCspViolationsIn(contexts, task.name);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await mock?.stop();
});

const USED = Array.from({ length: CALLS }, (_, i) => 100 + i + MOCK_REPLY_CHUNKS.length).reduce((a, b) => a + b, 0);

for (const viewport of VIEWPORTS) {
  const where = (what: string) => `Usage tab ${viewport.width}: ${what}`;

  describe(`the Usage tab at ${viewport.width}×${viewport.height}`, () => {
    it("shows the Budget tab's figures, a 30-day chart that adds up to them, the latest calls paged, and working downloads", async () => {
      const page: Page = await openPage(await contextFor(viewport), `${app.url}/users?edit=${spender}`);
      await expectPageHasCsp(page, where("page"));
      const dialog = page.getByRole("dialog");
      await withScreenshot(page, where("usage"), async () => {
        // The Budget tab's figures first (an inactive tab's content is not in the page).
        const budget = await Promise.all(["daily", "monthly", "total"].map((k) => text(dialog.getByTestId(`budget-${k}`).innerText())));
        for (const card of budget) expect(card).toContain(`${USED.toLocaleString("en-US")} / ∞`);
        const eurShown = budget.map((b) => b.match(/Cost ≈ (€[\d.,]+)/)?.[1]);
        expect(eurShown[0]).toBeTruthy();

        await dialog.getByRole("tab", { name: "Usage" }).click();
        const panel = dialog.getByRole("tabpanel", { name: "Usage" });
        await panel.waitFor();
        const cards = await text(panel.getByTestId("usage-cards").innerText());
        expect(cards.match(new RegExp(`${USED.toLocaleString("en-US")} tokens`, "g"))).toHaveLength(3);
        for (const e of eurShown) expect(cards).toContain(`≈ ${e}`);

        // The chart: 30 bars, today's holding every call.
        const bars = panel.getByTestId("chart-tokens").locator("rect");
        expect(await bars.count()).toBe(30);
        const values = (await bars.evaluateAll((els) => els.map((el) => Number(el.getAttribute("data-value"))))) as number[];
        expect(values.reduce((a, b) => a + b, 0)).toBe(USED);
        expect(values.at(-1)).toBe(USED);
        expect(await panel.getByTestId("chart-eur").locator("rect").count()).toBe(30);
        expect(await panel.getByRole("img", { name: /Tokens per day/ }).count()).toBe(1);

        // The latest calls: the newest first, 20 on the first page.
        const rows = panel.getByTestId("usage-call");
        expect(await rows.count()).toBe(20);
        const newest = await text(rows.first().innerText());
        expect(newest).toContain(LABEL);
        expect(newest).toContain(`${100 + CALLS - 1} / ${MOCK_REPLY_CHUNKS.length} / 0`);
        expect(newest).toContain("ok");
        expect(await text(panel.getByTestId("calls-page").innerText())).toBe("Page 1 of 2");
        await expectNoHorizontalOverflow(page, where("usage"));
        await expectNoSeriousAxeViolations(page, where("usage"));

        // The downloads answer, with the browser's session.
        for (const format of ["json", "csv"]) {
          const href = await panel.getByTestId(`download-${format}`).getAttribute("href");
          const res = await page.request.get(app.url + href!);
          expect(res.status(), format).toBe(200);
          expect(res.headers()["content-disposition"], format).toMatch(new RegExp(`^attachment; filename="usage-.*\\.${format}"$`));
        }
        const exported = (await (await page.request.get(app.url + (await panel.getByTestId("download-json").getAttribute("href"))!)).json()) as unknown[];
        expect(exported).toHaveLength(CALLS);

        // Older calls: the second page, still on the Usage tab.
        await panel.getByRole("link", { name: "Older calls" }).click();
        await expect.poll(() => panel.getByTestId("calls-page").innerText()).toBe("Page 2 of 2");
        expect(page.url()).toMatch(/[?&]tab=usage&calls=2$/);
        expect(await rows.count()).toBe(CALLS - 20);
        expect(await text(rows.last().innerText())).toContain(`100 / ${MOCK_REPLY_CHUNKS.length} / 0`);
        await settle(page);
        await expectNoHorizontalOverflow(page, where("page 2"));
        await expectNoSeriousAxeViolations(page, where("page 2"));
        await panel.getByRole("link", { name: "Newer calls" }).click();
        await expect.poll(() => panel.getByTestId("calls-page").innerText()).toBe("Page 1 of 2");
      });
      await page.close();
    });
  });
}
