import type { Browser, BrowserContext, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { createUserAs, grantAs } from "../support/admin";
import type { App } from "../support/app";
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
import { expectPageHasCsp } from "../support/csp";
import { callAction, type Session } from "../support/http";
import { browserSuite } from "../support/browser-suite";
import { unique } from "../support/names";

// The skills and MCP tools pages (/skills, /mcp-tools) in real headless Chromium against the built app,
// at 390×844 and 1280×800: adding an entry (a bad name answered at its field first), renaming one that
// a user holds a grant on (the grant follows the new name in the database), and deleting one after a
// confirmation that counts the grants going with it. Data set up through the product's actions.

let app: App;
let browser: Browser;
let admin: Session;

type Kind = "skill" | "mcp_tool";
const PAGE: Record<Kind, string> = { skill: "/skills", mcp_tool: "/mcp-tools" };
const LABEL: Record<Kind, string> = { skill: "skill", mcp_tool: "MCP tool" };
const TABLE: Record<Kind, string> = { skill: "skills", mcp_tool: "mcp_tools" };

function contextFor(viewport: Viewport): Promise<BrowserContext> {
  const key = `${viewport.width}`;
  if (!suite.contexts.has(key)) suite.contexts.set(key, auditContext(browser, app.url, viewport, admin));
  return suite.contexts.get(key)!;
}

async function open(viewport: Viewport, path: string): Promise<Page> {
  const page = await openPage(await contextFor(viewport), app.url + path);
  await expectPageHasCsp(page, `${path} (${viewport.width})`);
  return page;
}

/** Adds an entry through the page's action, as the dialog does, and returns its id. */
async function createEntryAs(kind: Kind, name: string, description = ""): Promise<string> {
  const r = await callAction(app.url, PAGE[kind], "createCatalogEntryAction", { kind, name, description }, { session: admin });
  expect(r.state, r.body).toMatchObject({ ok: true, data: { name } });
  return (r.state!.data as { id: string }).id;
}

const entryRows = async (kind: Kind, name: string) =>
  (await app.db.execute({ sql: `SELECT name, description FROM ${TABLE[kind]} WHERE name = ?`, args: [name] })).rows.map((r) => ({ ...r }));
const grantsOf = async (userId: string, kind: Kind) =>
  (await app.db.execute({ sql: "SELECT resource_id FROM permissions WHERE user_id = ? AND resource_type = ? ORDER BY resource_id", args: [userId, kind] })).rows.map((r) => r.resource_id);

const row = (page: Page, name: string) => page.locator(`tr[data-entry="${name}"]`);

const suite = browserSuite("catalog", { valkey: true, smtp: false });
beforeAll(async () => {
  ({ app, browser, admin } = suite);
});

for (const viewport of VIEWPORTS) {
  const where = (what: string) => `catalog ${viewport.width}: ${what}`;

  describe(`the skills and MCP tools pages at ${viewport.width}×${viewport.height}`, () => {
    for (const [kind, bad, error] of [
      ["skill", "has space", "Start with a letter or digit; then letters, digits and . _ : / - only"],
      ["mcp_tool", "-leading-dash", "Start with a letter or digit; then letters, digits and . _ : / - only"],
    ] as const) {
      it(`adds ${kind === "skill" ? "a skill" : "an MCP tool"}, answering a bad name at its field first`, async () => {
        const name = unique(kind === "skill" ? "skill" : "tool");
        const page = await open(viewport, PAGE[kind]);
        await withScreenshot(page, where(`add ${kind}`), async () => {
          expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(kind === "skill" ? "Skills" : "MCP tools");
          await page.getByRole("button", { name: `+ Add ${LABEL[kind]}` }).click();
          const dialog = page.getByRole("dialog", { name: `Add ${LABEL[kind]}` });
          await dialog.waitFor();
          await settle(page);
          await expectDialogFocus(page, where(`add ${kind} opened`), "first-field");
          await expectDialogFits(page, where(`add ${kind}`), "submit");
          await expectNoHorizontalOverflow(page, where(`add ${kind} dialog`));

          await dialog.getByLabel("Name").fill(bad);
          await dialog.getByLabel("Description").fill("Reads the weather for a city");
          await dialog.getByRole("button", { name: `Add ${LABEL[kind]}`, exact: true }).click();
          await expect.poll(() => dialog.getByLabel("Name").getAttribute("aria-invalid")).toBe("true");
          expect(await dialog.innerText()).toContain(error);
          await expectDialogFocus(page, where(`add ${kind} refused`), "first-invalid");
          expect(await entryRows(kind, bad.trim())).toEqual([]);
          await expectNoSeriousAxeViolations(page, where(`add ${kind} refused`));

          await dialog.getByLabel("Name").fill(`  ${name} `); // trimmed, as stored
          const toast = await expectToastAfter(page, where(`${kind} added`), () => dialog.getByRole("button", { name: `Add ${LABEL[kind]}`, exact: true }).click());
          expect(toast).toContain(`${kind === "skill" ? "Skill" : "MCP tool"} ${name} added.`);
          await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
          await expect.poll(() => row(page, name).count()).toBe(1);
          const shown = (await row(page, name).innerText()).replace(/\s+/g, " ");
          expect(shown).toContain("Reads the weather for a city");
          expect((await row(page, name).getByTestId("grants").innerText()).trim()).toBe("0");
          expect(await entryRows(kind, name)).toEqual([{ name, description: "Reads the weather for a city" }]);
          await expectNoHorizontalOverflow(page, where(`${kind} list`));
          await settle(page); // the toast fully in (axe reads colours mid-transition otherwise)
          await expectNoSeriousAxeViolations(page, where(`${kind} list`));
        });
        await page.close();
      });
    }

    it("renames a skill a user is granted: the dialog says the grant follows, and it does", async () => {
      const name = unique("skill");
      const renamed = unique("renamed");
      await createEntryAs("skill", name, "Old name");
      const user = await createUserAs(app, admin, unique("holder"), "user", { modelGrants: [] });
      await grantAs(app, admin, user, "skill", [name]);
      const page = await open(viewport, "/skills");
      await withScreenshot(page, where("rename"), async () => {
        expect((await row(page, name).getByTestId("grants").innerText()).trim()).toBe("1");
        await page.getByRole("button", { name: `Edit ${name}`, exact: true }).click();
        const dialog = page.getByRole("dialog", { name: `Edit ${name}` });
        await dialog.waitFor();
        await settle(page);
        expect(await dialog.getByLabel("Name").inputValue()).toBe(name);
        expect(await dialog.getByLabel("Description").inputValue()).toBe("Old name");
        expect((await dialog.getByTestId("grants-note").innerText()).replace(/\s+/g, " ")).toContain("Renaming carries its 1 permission grant along");
        await expectDialogFits(page, where("edit dialog"), "submit");
        await expectNoSeriousAxeViolations(page, where("edit dialog"));

        await dialog.getByLabel("Name").fill(renamed);
        const toast = await expectToastAfter(page, where("renamed"), () => dialog.getByRole("button", { name: "Save", exact: true }).click());
        expect(toast).toContain(`Skill ${renamed} saved.`);
        await expect.poll(() => row(page, renamed).count()).toBe(1);
        expect(await row(page, name).count()).toBe(0);
        expect((await row(page, renamed).getByTestId("grants").innerText()).trim()).toBe("1");
        expect(await grantsOf(user, "skill")).toEqual([renamed]);
        const audit = await app.db.execute({ sql: "SELECT action FROM audit_log WHERE target_id = ? AND action = 'permission.rename'", args: [user] });
        expect(audit.rows).toHaveLength(1);
      });
      await page.close();
    });

    it("deletes an MCP tool after a confirmation that counts the grants going with it", async () => {
      const name = unique("tool");
      const kept = unique("tool-kept");
      await createEntryAs("mcp_tool", name);
      await createEntryAs("mcp_tool", kept);
      const users = [await createUserAs(app, admin, unique("holder"), "user", { modelGrants: [] }), await createUserAs(app, admin, unique("holder"), "user", { modelGrants: [] })];
      for (const u of users) await grantAs(app, admin, u, "mcp_tool", [name, kept]);
      const page = await open(viewport, "/mcp-tools");
      await withScreenshot(page, where("delete"), async () => {
        expect((await row(page, name).getByTestId("grants").innerText()).trim()).toBe("2");
        await page.getByRole("button", { name: `Delete ${name}`, exact: true }).click();
        const confirm = page.getByRole("dialog", { name: `Delete ${name}?` });
        await confirm.waitFor();
        await settle(page);
        await expectDialogFocus(page, where("delete opened"), { button: "Cancel" });
        expect((await confirm.getByTestId("grants-note").innerText()).replace(/\s+/g, " ")).toContain("2 permission grants naming it are removed too");
        await expectDialogFits(page, where("delete confirmation"), { name: "Delete MCP tool" });
        await expectNoSeriousAxeViolations(page, where("delete confirmation"));

        const toast = await expectToastAfter(page, where("deleted"), () => confirm.getByRole("button", { name: "Delete MCP tool", exact: true }).click());
        expect(toast).toContain(`MCP tool ${name} deleted.`);
        await expect.poll(() => row(page, name).count()).toBe(0);
        expect(await entryRows("mcp_tool", name)).toEqual([]);
        // Its grants went with it; the users' other grants stayed.
        for (const u of users) expect(await grantsOf(u, "mcp_tool")).toEqual([kept]);
        // Focus went to the page's heading, the row that opened the dialog being gone.
        await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("main-heading");
      });
      await page.close();
    });
  });
}
