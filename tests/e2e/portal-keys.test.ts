import { mkdirSync, writeFileSync } from "node:fs";
import OpenAI from "openai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs, FIRST_PASSWORD, keyIdOf, OWN_PASSWORD, readyUser, signedInAdmin, usersActionAs } from "../support/admin";
import { startApp, type App } from "../support/app";
import { auditContext, expectNoHorizontalOverflow, expectNoSeriousAxeViolations, expectToastAfter, openPage, VIEWPORTS, withScreenshot, type Viewport } from "../support/audit";
import { launchChromium } from "../support/browser";
import { expectNoCspViolationsIn, expectPageHasCsp } from "../support/csp";
import { callAction, loginOrThrow, type Session } from "../support/http";
import { MOCK_REPLY_CHUNKS, startMockLlm, type MockLlm } from "../support/mock-llm";
import { unique } from "../support/names";
import { waitFor } from "../support/ports";

// /user/keys in real headless Chromium against the built app, at 390×844 and 1280×800: a user creates
// a key, copies the OpenAI snippet and runs its values with the official `openai` package against a
// mock upstream, sees the call as last used, renames, suspends (the gateway refuses), reactivates and
// deletes the key; a key an admin suspended says why and offers no Reactivate; the models listed are
// those GET /v1/models answers. All data through the product's actions and gateway.

let app: App;
let mock: MockLlm;
let browser: Browser;
let admin: Session;
let models: string[];
const contexts = new Map<string, Promise<BrowserContext>>();

/** A fresh context per test (each test has its own user), kept for the CSP check. */
function contextAs(name: string, viewport: Viewport, session: Session): Promise<BrowserContext> {
  const c = auditContext(browser, app.url, viewport, session).then(async (context) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: app.url });
    return context;
  });
  contexts.set(`${name}-${viewport.width}`, c);
  return c;
}

async function keysPage(context: BrowserContext, where: string): Promise<Page> {
  const page = await openPage(context, `${app.url}/user/keys`);
  await expectPageHasCsp(page, where);
  await page.getByRole("heading", { name: "API keys", level: 1 }).waitFor();
  return page;
}

/**
 * Runs `act` and waits for a toast saying `text` (earlier toasts may still be on screen, so the first
 * toast seen is not necessarily this one's).
 */
async function toastAfter(page: Page, where: string, text: string, act: () => Promise<void>) {
  await expectToastAfter(page, where, act);
  await page.locator("[data-sonner-toast]").filter({ hasText: text }).first().waitFor({ timeout: 5000 });
}

const client = (baseURL: string, apiKey: string) => new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const ask = (c: OpenAI, model: string) => c.chat.completions.create({ model, messages: [{ role: "user", content: "Hello" }] });
const statusOf = (p: Promise<unknown>) => p.then(() => 200, (e: { status?: number }) => e.status ?? 0);

/** A user through their forced password change, with no model grants at all. */
async function userWithoutGrants(): Promise<Session> {
  const username = unique("nogrants");
  await createUserAs(app, admin, username, "user", { modelGrants: [] });
  const first = await loginOrThrow(app.url, username, FIRST_PASSWORD);
  const r = await callAction(app.url, "/change-password", "changePasswordAction", { current: FIRST_PASSWORD, password: OWN_PASSWORD, confirm: OWN_PASSWORD }, { session: first });
  expect(r.state, r.body).toMatchObject({ ok: true });
  return loginOrThrow(app.url, username, OWN_PASSWORD);
}

beforeAll(async () => {
  mock = await startMockLlm();
  app = await startApp({ valkey: true, smtp: false });
  browser = await launchChromium();
  admin = await signedInAdmin(app);
  models = [unique("keys-model-a"), unique("keys-model-b")];
  await createEndpointAs(app, admin, { name: unique("keys-ep"), baseUrl: `${mock.url}/v1`, models });
});

afterEach(async ({ task }) => {
  await expectNoCspViolationsIn(contexts, task.name);
});

afterAll(async () => {
  await browser?.close();
  mkdirSync("test-results", { recursive: true });
  if (app) writeFileSync("test-results/portal-keys-app.log", app.logs());
  await app?.stop();
  await mock?.stop();
});

for (const viewport of VIEWPORTS) {
  const where = (what: string) => `/user/keys ${viewport.width}: ${what}`;

  describe(`/user/keys at ${viewport.width}×${viewport.height}`, () => {
    it("creates a key shown once, whose OpenAI snippet runs with the openai package; renames, suspends, reactivates and deletes it", async () => {
      const user = await readyUser(app, admin);
      const page = await keysPage(await contextAs("journey", viewport, user.session), where("open"));
      await withScreenshot(page, where("journey"), async () => {
        // Create.
        await page.getByRole("textbox", { name: "New key label" }).fill("laptop");
        await toastAfter(page, where("created"), "API key created", () => page.getByRole("button", { name: "Create key" }).click());
        const key = (await page.getByLabel("New API key", { exact: true }).innerText()).trim();
        expect(key).toMatch(/^tg-sk-[0-9a-f]{48}$/);
        const prefix = key.slice(0, 16);
        const row = page.locator(`tr[data-key-prefix="${prefix}"]`);
        await row.waitFor();
        expect(await row.innerText()).toContain("laptop");
        await expectNoHorizontalOverflow(page, where("key shown"));
        await expectNoSeriousAxeViolations(page, where("key shown"));

        // Copy the OpenAI (JavaScript) snippet and run its values with the official package.
        const connect = page.getByTestId("how-to-connect");
        await connect.getByText("OpenAI SDK (JavaScript)", { exact: true }).click();
        await connect.getByRole("button", { name: "Copy the OpenAI SDK (JavaScript) snippet" }).click();
        await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain(key);
        const snippet = await page.evaluate(() => navigator.clipboard.readText());
        const [, baseURL] = snippet.match(/baseURL: "([^"]+)"/)!;
        const [, apiKey] = snippet.match(/apiKey: "([^"]+)"/)!;
        const [, model] = snippet.match(/model: "([^"]+)"/)!;
        expect([baseURL, apiKey]).toEqual([`${app.url}/v1`, key]);
        const reply = await ask(client(baseURL, apiKey), model);
        expect(reply.choices[0].message.content).toBe(MOCK_REPLY_CHUNKS.join(""));

        // The models listed are exactly those GET /v1/models answers for the key.
        const listed = await client(baseURL, apiKey).models.list();
        expect(await connect.getByTestId("models").getByRole("listitem").allInnerTexts()).toEqual(listed.data.map((m) => m.id));
        expect(listed.data.map((m) => m.id).sort()).toEqual([...models].sort());

        // Shown once: after a reload the key is gone, the snippets have a placeholder, the call shows as last used.
        const id = await keyIdOf(app, key);
        await waitFor("last used written", async () => (await app.db.execute({ sql: "SELECT last_used_at FROM api_keys WHERE id = ?", args: [id] })).rows[0]?.last_used_at, 15_000, 200);
        await page.reload({ waitUntil: "networkidle" });
        expect(await page.content()).not.toContain(key);
        expect(await page.getByTestId("how-to-connect").innerText()).toContain("YOUR_API_KEY");
        expect(await row.locator("td").nth(3).innerText()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);

        // Rename.
        await row.getByRole("button", { name: `Rename key ${prefix}` }).click();
        const labelBox = row.getByRole("textbox", { name: `New label for key ${prefix}` });
        expect(await labelBox.evaluate((el) => el === document.activeElement)).toBe(true);
        await labelBox.fill("desk");
        await toastAfter(page, where("renamed"), "renamed", () => row.getByRole("button", { name: "Save" }).click());
        await expect.poll(() => row.locator("td").nth(1).innerText()).toBe("desk");

        // Suspend: the gateway refuses the key at the next call.
        await toastAfter(page, where("suspended"), "suspended", () => row.getByRole("button", { name: `Suspend key ${prefix}` }).click());
        await row.getByRole("button", { name: `Reactivate key ${prefix}` }).waitFor();
        expect(await statusOf(ask(client(baseURL, apiKey), model))).toBe(401);

        // Reactivate: accepted again.
        await toastAfter(page, where("reactivated"), "reactivated", () => row.getByRole("button", { name: `Reactivate key ${prefix}` }).click());
        await row.getByRole("button", { name: `Suspend key ${prefix}` }).waitFor();
        expect(await statusOf(ask(client(baseURL, apiKey), model))).toBe(200);
        await expectNoSeriousAxeViolations(page, where("after reactivate"));

        // Delete, after a confirmation.
        await row.getByRole("button", { name: `Delete key ${prefix}` }).click();
        expect(await row.getByRole("button", { name: "Confirm delete" }).evaluate((el) => el === document.activeElement)).toBe(true);
        expect(await app.db.execute({ sql: "SELECT 1 FROM api_keys WHERE id = ?", args: [id] }).then((r) => r.rows.length)).toBe(1);
        await toastAfter(page, where("deleted"), "deleted", () => row.getByRole("button", { name: "Confirm delete" }).click());
        await row.waitFor({ state: "detached" });
        expect(await app.db.execute({ sql: "SELECT 1 FROM api_keys WHERE id = ?", args: [id] }).then((r) => r.rows.length)).toBe(0);
        expect(await statusOf(ask(client(baseURL, apiKey), model))).toBe(401);
        // Focus moved on to the new-key field, not lost with the row.
        expect(await page.getByRole("textbox", { name: "New key label" }).evaluate((el) => el === document.activeElement)).toBe(true);
        await expectNoHorizontalOverflow(page, where("end"));
        await expectNoSeriousAxeViolations(page, where("end"));
      });
      await page.close();
    });

    it("says why a key an admin suspended cannot be reactivated here, and offers no Reactivate", async () => {
      const user = await readyUser(app, admin);
      const key = await createKeyAs(app, admin, user.id, "held");
      await usersActionAs(app, admin, "setKeyStatusAction", { keyId: await keyIdOf(app, key), status: "suspended" });
      const page = await keysPage(await contextAs("held", viewport, user.session), where("held"));
      await withScreenshot(page, where("held"), async () => {
        const row = page.locator(`tr[data-key-prefix="${key.slice(0, 16)}"]`);
        expect((await row.innerText()).replace(/\s+/g, " ")).toContain("Suspended by an administrator — ask them to reactivate it.");
        expect(await row.getByRole("button", { name: /Reactivate/ }).count()).toBe(0);
        expect(await row.getByRole("button", { name: /Delete key/ }).count()).toBe(1);
        await expectNoHorizontalOverflow(page, where("held"));
        await expectNoSeriousAxeViolations(page, where("held"));
      });
      await page.close();
    });

    it("tells a user without grants that there are no models yet", async () => {
      const page = await keysPage(await contextAs("nogrants", viewport, await userWithoutGrants()), where("no grants"));
      await withScreenshot(page, where("no grants"), async () => {
        expect(await page.getByTestId("no-models").innerText()).toBe("No models yet: ask an administrator for access.");
        // A sentence wholly on screen, not a table's header row in a scroll box that cuts it off.
        const empty = page.getByTestId("keys-empty");
        expect(await empty.innerText()).toBe("No API keys yet.");
        expect(await empty.evaluate((el) => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().right <= window.innerWidth)).toBe(true);
        expect(await page.getByTestId("keys-table").count()).toBe(0);
        await expectNoSeriousAxeViolations(page, where("no grants"));
      });
      await page.close();
    });
  });
}
