import { mkdirSync, writeFileSync } from "node:fs";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createUserAs, signedInAdmin } from "../support/admin";
import { startApp, type App } from "../support/app";
import {
  auditContext,
  expectDialogFits,
  expectDialogFocus,
  expectNoHorizontalOverflow,
  expectNoSeriousAxeViolations,
  expectToastAfter,
  openPage,
  settle,
  VIEWPORTS,
  withScreenshot,
  type Viewport,
} from "../support/audit";
import { launchChromium } from "../support/browser";
import { expectNoCspViolationsIn, expectPageHasCsp } from "../support/csp";
import { callAction, type Session } from "../support/http";
import { unique } from "../support/names";

// Bulk permissions on /users in real headless Chromium against the built app, at 390×844 (rows as
// cards, each with its checkbox) and 1280×800 (by keyboard): three users selected (an admin among
// them), `*@endpoint` granted to all three and revoked again, each checked in the permissions table;
// a grant whose endpoint went away meanwhile is refused at the resources' field. Data set up through
// the product's actions.

let app: App;
let browser: Browser;
let admin: Session;
let endpoint: string;
const contexts = new Map<string, Promise<BrowserContext>>();

function contextFor(viewport: Viewport): Promise<BrowserContext> {
  const key = `${viewport.width}`;
  if (!contexts.has(key)) contexts.set(key, auditContext(browser, app.url, viewport, admin));
  return contexts.get(key)!;
}

/** Three users sharing a search term (two users and an admin), none with any grant. */
async function threeUsers(): Promise<{ term: string; users: { id: string; username: string }[] }> {
  const term = unique("bulk");
  const users = [];
  for (const [suffix, role] of [
    ["a", "user"],
    ["b", "expert"],
    ["c", "admin"],
  ] as const) {
    const username = `${term}-${suffix}`;
    users.push({ id: await createUserAs(app, admin, username, role, { modelGrants: [] }), username });
  }
  return { term, users };
}

/** The users list narrowed to the three, loaded and settled. */
async function openList(viewport: Viewport, term: string): Promise<Page> {
  const page = await openPage(await contextFor(viewport), `${app.url}/users?q=${term}&sort=username&dir=asc`);
  await expectPageHasCsp(page, `/users (${viewport.width})`);
  await expect.poll(() => page.locator("tbody tr[data-username]").count()).toBe(3);
  return page;
}

const grantsOf = async (ids: string[]) =>
  (
    await app.db.execute({
      sql: `SELECT u.username, p.resource_type, p.resource_id FROM permissions p JOIN users u ON u.id = p.user_id
            WHERE p.user_id IN (SELECT value FROM json_each(?)) ORDER BY u.username`,
      args: [JSON.stringify(ids)],
    })
  ).rows.map((r) => `${r.username} ${r.resource_type} ${r.resource_id}`);

const selectedCount = (page: Page) => page.getByTestId("selected-count");
const rowBox = (page: Page, username: string) => page.getByRole("checkbox", { name: `Select ${username}`, exact: true });
const selectAll = (page: Page) => page.getByRole("checkbox", { name: "Select all users on this page", exact: true });
const flat = async (l: Locator) => (await l.innerText()).replace(/\s+/g, " ").trim();

beforeAll(async () => {
  app = await startApp({ valkey: true, smtp: false });
  browser = await launchChromium();
  admin = await signedInAdmin(app);
  endpoint = unique("bulk-ep");
  await createEndpointAs(app, admin, { name: endpoint, baseUrl: "https://api.example.test/v1", models: "model-a\nmodel-b" });
});

afterEach(async ({ task }) => {
  await expectNoCspViolationsIn(contexts, task.name);
});

afterAll(async () => {
  await browser?.close();
  mkdirSync("test-results", { recursive: true });
  if (app) writeFileSync("test-results/users-bulk-permissions-app.log", app.logs());
  await app?.stop();
});

for (const viewport of VIEWPORTS) {
  const phone = viewport.width < 768;
  const where = (what: string) => `bulk permissions ${viewport.width}: ${what}`;

  describe(`bulk permissions on /users at ${viewport.width}×${viewport.height}`, () => {
    it(`grants *@endpoint to three selected users and revokes it again${phone ? " (checkboxes in the cards)" : " (by keyboard)"}`, async () => {
      const { term, users } = await threeUsers();
      const ids = users.map((u) => u.id);
      const page = await openList(viewport, term);
      await withScreenshot(page, where("grant and revoke"), async () => {
        // Nothing selected: no bar on a wide screen; on a phone only its "select all".
        expect(await selectedCount(page).count()).toBe(0);

        const select = async () => {
          if (phone) {
            for (const u of users) {
              const box = rowBox(page, u.username);
              await box.click();
              // The checkbox sits inside its user's card.
              const [b, card] = await Promise.all([box.boundingBox(), page.locator(`tr[data-username="${u.username}"]`).boundingBox()]);
              expect(b!.x >= card!.x && b!.x + b!.width <= card!.x + card!.width && b!.y >= card!.y && b!.y + b!.height <= card!.y + card!.height, `${u.username}'s checkbox in its card`).toBe(true);
            }
          } else {
            await selectAll(page).focus();
            await page.keyboard.press("Space");
          }
          await expect.poll(() => selectedCount(page).textContent()).toBe("3 selected");
          for (const u of users) expect(await rowBox(page, u.username).isChecked()).toBe(true);
          expect(await selectAll(page).isChecked()).toBe(true);
          await expectNoHorizontalOverflow(page, where("rows selected"));
        };
        const openDialog = async () => {
          const opener = page.getByRole("button", { name: "Grant or revoke permissions…" });
          if (phone) await opener.click();
          else {
            await opener.focus();
            await page.keyboard.press("Enter");
          }
          const dialog = page.getByRole("dialog", { name: "Permissions for 3 users" });
          await dialog.waitFor();
          await settle(page);
          await expectDialogFocus(page, where("dialog opened"), "first-field");
          return dialog;
        };

        await select();
        let dialog = await openDialog();
        expect(await dialog.getByRole("radio", { name: "Grant" }).isChecked()).toBe(true);
        expect(await dialog.getByRole("combobox", { name: "Resource type" }).inputValue()).toBe("model_endpoint");
        expect(await flat(dialog.getByTestId("admins-note"))).toBe(
          `Admins may use everything without any grant. 1 selected user is an admin (${users[2].username}): they need none, and a grant changes nothing for them.`,
        );
        // Nothing chosen yet: the server answers at the resources' field, and focus goes there.
        await dialog.getByRole("button", { name: "Grant to 3 users", exact: true }).click();
        await expect.poll(() => dialog.getByText("Choose at least one resource").isVisible()).toBe(true);
        await expectDialogFocus(page, where("nothing chosen"), "first-invalid");
        expect(await grantsOf(ids)).toEqual([]);
        await expectDialogFits(page, where("grant dialog"), "submit");
        await expectNoHorizontalOverflow(page, where("grant dialog"));
        await expectNoSeriousAxeViolations(page, where("grant dialog"));

        const choice = dialog.getByRole("checkbox", { name: `Every model on ${endpoint}` });
        if (phone) await choice.check();
        else {
          await choice.focus();
          await page.keyboard.press("Space");
        }
        expect(await choice.isChecked()).toBe(true);
        expect(await flat(dialog.getByTestId("bulk-summary"))).toBe(
          `Grant Every model on ${endpoint} to 3 users: ${users[0].username}, ${users[1].username} and ${users[2].username}.`,
        );
        const submit = dialog.getByRole("button", { name: "Grant to 3 users", exact: true });
        const granted = await expectToastAfter(page, where("granted"), async () => {
          if (phone) await submit.click();
          else {
            await submit.focus();
            await page.keyboard.press("Enter");
          }
        });
        expect(granted).toContain(`Granted Every model on ${endpoint} to 3 users: 3 new grants.`);
        await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
        // The selection is cleared, and focus waits on "select all" for the next round.
        await expect.poll(() => selectedCount(page).count()).toBe(0);
        for (const u of users) expect(await rowBox(page, u.username).isChecked()).toBe(false);
        await expect.poll(() => selectAll(page).evaluate((el) => el === document.activeElement)).toBe(true);
        expect(await grantsOf(ids)).toEqual(users.map((u) => `${u.username} model_endpoint *@${endpoint}`));
        const audit = await app.db.execute({ sql: "SELECT count(*) AS n FROM audit_log WHERE action = 'permission.grant' AND target_id IN (SELECT value FROM json_each(?))", args: [JSON.stringify(ids)] });
        expect(audit.rows[0].n).toBe(3);

        // The grant's toast goes first, so that the next one is the revoke's.
        await page.locator("[data-sonner-toast]").getByRole("button", { name: "Close toast" }).click();
        await expect.poll(() => page.locator("[data-sonner-toast]").count()).toBe(0);

        await select();
        dialog = await openDialog();
        await dialog.getByRole("radio", { name: "Revoke" }).check();
        await dialog.getByRole("checkbox", { name: `Every model on ${endpoint}` }).check();
        expect(await flat(dialog.getByTestId("bulk-summary"))).toBe(
          `Revoke Every model on ${endpoint} from 3 users: ${users[0].username}, ${users[1].username} and ${users[2].username}.`,
        );
        await expectDialogFits(page, where("revoke dialog"), "submit");
        await settle(page);
        await expectNoSeriousAxeViolations(page, where("revoke dialog"));
        const revoked = await expectToastAfter(page, where("revoked"), () => dialog.getByRole("button", { name: "Revoke from 3 users", exact: true }).click());
        expect(revoked).toContain(`Revoked Every model on ${endpoint} from 3 users: 3 grants removed.`);
        await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
        await expect.poll(() => selectedCount(page).count()).toBe(0);
        expect(await grantsOf(ids)).toEqual([]);
        await settle(page);
        await expectNoSeriousAxeViolations(page, where("after the revoke"));
      });
      await page.close();
    });

    it("answers at the resources' field when what was chosen no longer exists, granting nothing", async () => {
      const { term, users } = await threeUsers();
      const gone = unique("gone-ep");
      const goneId = await createEndpointAs(app, admin, { name: gone, baseUrl: "https://api.example.test/v1", models: "model-x" });
      const page = await openList(viewport, term);
      await withScreenshot(page, where("stale choice"), async () => {
        for (const u of users) await rowBox(page, u.username).check();
        await page.getByRole("button", { name: "Grant or revoke permissions…" }).click();
        const dialog = page.getByRole("dialog", { name: "Permissions for 3 users" });
        await dialog.waitFor();
        await dialog.getByRole("checkbox", { name: `model-x on ${gone}` }).check();
        // Another admin deletes the endpoint while the dialog is open.
        const deleted = await callAction(app.url, "/endpoints", "deleteEndpointAction", { id: goneId }, { session: admin });
        expect(deleted.state, deleted.body).toMatchObject({ ok: true });
        await dialog.getByRole("button", { name: "Grant to 3 users", exact: true }).click();
        // At the field (and, as every refusal, in the form's alert).
        await expect.poll(() => dialog.locator("[data-field-error]").allInnerTexts()).toEqual([expect.stringContaining(`Unknown model endpoint: 'model-x@${gone}'`)]);
        await expectDialogFocus(page, where("stale choice refused"), "first-invalid");
        expect(await grantsOf(users.map((u) => u.id))).toEqual([]);
        await expectNoSeriousAxeViolations(page, where("stale choice refused"));
      });
      await page.close();
    });
  });
}

describe("the bulk action over HTTP", () => {
  it("refuses unknown resources at the ids field and writes nothing", async () => {
    const { users } = await threeUsers();
    const before = (await app.db.execute("SELECT count(*) AS n FROM audit_log")).rows[0].n;
    const r = await callAction(app.url, "/users", "bulkPermissionsAction", { userIds: users.map((u) => u.id), op: "grant", type: "skill", ids: ["no-such-skill"] }, { session: admin });
    expect(r.status).toBe(200);
    expect(r.state).toMatchObject({ ok: false, fieldErrors: { ids: [expect.stringContaining("Unknown skill: 'no-such-skill'")] } });
    expect(await grantsOf(users.map((u) => u.id))).toEqual([]);
    expect((await app.db.execute("SELECT count(*) AS n FROM audit_log")).rows[0].n).toBe(before);
  });
});

