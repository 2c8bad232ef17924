import { mkdirSync, writeFileSync } from "node:fs";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs, grantAs, signedInAdmin, usersActionAs } from "../support/admin";
import { startApp, type App } from "../support/app";
import {
  auditContext,
  DESKTOP,
  DESKTOP_DARK,
  expectDialogFits,
  expectNoHorizontalOverflow,
  expectNoSeriousAxeViolations,
  openPage,
  PHONE,
  settle,
  VIEWPORTS,
  withScreenshot,
  type Viewport,
} from "../support/audit";
import { launchChromium } from "../support/browser";
import { expectNoCspViolationsIn, expectPageHasCsp } from "../support/csp";
import { callAction, type Session } from "../support/http";
import { startMockLlm, type MockLlm } from "../support/mock-llm";
import { unique } from "../support/names";
import { storySteps } from "../support/steps";
import { toastWith } from "../support/toast";

// The Permissions tab of the edit dialog in real headless Chromium against the built app, at 390×844
// and 1280×800: a new user (no grants) gets model endpoints, skills, MCP tools and modes through each
// card's dropdown (one of them worked by keyboard alone), each add confirmed by a toast and seen in the
// table and in the database; a grant held already is ignored; a resource deleted after the page loaded
// is refused at its card; grants are revoked in bulk and one by one after confirmations, the dialog
// staying on the Permissions tab; the user's key follows at its next gateway call (403, then 200, then
// 403 again). All data through the product's actions; SQL reads, to assert (and writes one kind of
// row that no module can make, below).

let app: App;
let mock: MockLlm;
let browser: Browser;
let admin: Session;
const EP = unique("perm-ep");
const EP_B = unique("perm-epb");
const SKILLS = [unique("skill"), unique("skill")];
const TOOLS = [unique("tool"), unique("tool")];
const contexts = new Map<string, Promise<BrowserContext>>();

function contextFor(viewport: Viewport): Promise<BrowserContext> {
  const key = `${viewport.width}-${viewport.colorScheme ?? "light"}`;
  if (!contexts.has(key)) contexts.set(key, auditContext(browser, app.url, viewport, admin));
  return contexts.get(key)!;
}

/** The status of one chat completion with the user's key (the mock upstream answers what gets through). */
async function call(key: string, model: string): Promise<number> {
  const res = await fetch(`${app.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });
  await res.text();
  return res.status;
}

/** The user's grants in the database, as `type:id`, sorted. */
async function grantsOf(userId: string): Promise<string[]> {
  const { rows } = await app.db.execute({ sql: "SELECT resource_type, resource_id FROM permissions WHERE user_id = ?", args: [userId] });
  return rows.map((r) => `${r.resource_type}:${r.resource_id}`).sort();
}

/** The edit dialog of a user, opened on its Permissions tab. */
async function permissionsTab(viewport: Viewport, userId: string, username: string) {
  const page = await openPage(await contextFor(viewport), `${app.url}/users?edit=${userId}`);
  await expectPageHasCsp(page, `/users?edit (${viewport.width})`);
  const dialog = page.getByRole("dialog", { name: `Edit ${username}` });
  await dialog.getByRole("tab", { name: "Permissions" }).click();
  const panel = dialog.getByRole("tabpanel", { name: "Permissions" });
  await panel.waitFor();
  await settle(page);
  return { page, dialog, panel };
}

/** What the table shows, as `type:id`, sorted (the rows carry it as data-grant). */
const shownGrants = async (panel: Locator) => ((await panel.locator("[data-grant]").evaluateAll((els) => els.map((el) => el.getAttribute("data-grant")))) as string[]).sort();

const isFocused = (l: Locator) => l.evaluate((el) => el === document.activeElement);

/** A box (a nested confirmation, which the shell's one-dialog check does not measure) lies inside the viewport. */
async function expectOnScreen(page: Page, l: Locator, what: string) {
  const box = (await l.boundingBox())!;
  const { width, height } = page.viewportSize()!;
  const inside = box.x >= -0.5 && box.y >= -0.5 && box.x + box.width <= width + 0.5 && box.y + box.height <= height + 0.5;
  expect(inside, `${what} at ${JSON.stringify(box)} is not inside ${width}×${height}`).toBe(true);
}

/** Ticks options of a card's dropdown (opening it) and presses its Add button; answers the toast's text. */
async function add(page: Page, card: Locator, noun: string, labels: string[], toast: string) {
  const button = card.getByRole("button", { name: new RegExp(`^Choose ${noun}…`) });
  if ((await button.getAttribute("aria-expanded")) !== "true") await button.click();
  for (const label of labels) await card.getByRole("checkbox", { name: label }).check();
  expect(await button.innerText()).toContain(`${labels.length} chosen`);
  await card.getByRole("button", { name: `Add ${noun}`, exact: true }).click();
  await toastWith(page, toast).first().waitFor({ timeout: 5000 });
  // After adding, focus is back on the dropdown's button, closed and emptied.
  await expect.poll(() => isFocused(button)).toBe(true);
  expect(await button.getAttribute("aria-expanded")).toBe("false");
  expect(await button.innerText()).not.toContain("chosen");
}

beforeAll(async () => {
  mock = await startMockLlm();
  app = await startApp({ valkey: true, smtp: false });
  browser = await launchChromium();
  admin = await signedInAdmin(app);
  await createEndpointAs(app, admin, { name: EP, baseUrl: `${mock.url}/v1`, models: ["m-one", "m-two"] });
  await createEndpointAs(app, admin, { name: EP_B, baseUrl: `${mock.url}/v1`, models: ["m-b"] });
  for (const [kind, names] of [
    ["skill", SKILLS],
    ["mcp_tool", TOOLS],
  ] as const) {
    for (const name of names) {
      const r = await callAction(app.url, "/skills", "createCatalogEntryAction", { kind, name, description: `${kind} for the Permissions tab` }, { session: admin });
      expect(r.state, r.body).toMatchObject({ ok: true });
    }
  }
});

afterEach(async ({ task }) => {
  await expectNoCspViolationsIn(contexts, task.name);
});

afterAll(async () => {
  await browser?.close();
  mkdirSync("test-results", { recursive: true });
  if (app) writeFileSync("test-results/permissions-tab-app.log", app.logs());
  await app?.stop();
  await mock?.stop();
});

for (const viewport of VIEWPORTS) {
  const where = (what: string) => `Permissions tab ${viewport.width}: ${what}`;

  describe(`the Permissions tab at ${viewport.width}×${viewport.height}`, () => {
    it("grants through each type's dropdown, ignores a duplicate, refuses a vanished resource at its card, revokes in bulk and singly after confirmations, and the key follows", async () => {
      const username = unique("perm");
      const userId = await createUserAs(app, admin, username, "user", { modelGrants: [] });
      const key = await createKeyAs(app, admin, userId);
      // An endpoint that goes away while the tab is open.
      const gone = unique("perm-gone");
      const goneId = await createEndpointAs(app, admin, { name: gone, baseUrl: `${mock.url}/v1`, models: ["m-gone"] });

      let page: Page | undefined;
      const step = storySteps(`permissions-${viewport.width}`, () => ({ admin: page }));
      let dialog!: Locator;
      let panel!: Locator;
      const card = (name: string) => panel.getByRole("region", { name, exact: true });

      await step("a new user's key is refused by the gateway", async () => {
        expect(await grantsOf(userId)).toEqual([]);
        expect(await call(key, `m-one@${EP}`)).toBe(403);
      });

      await step("the tab says the user has no permissions, and the cards offer what exists", async () => {
        ({ page, dialog, panel } = await permissionsTab(viewport, userId, username));
        expect(await panel.getByTestId("permissions-table").innerText()).toContain("No permissions: this user can call no model.");
        expect(await panel.getByRole("heading", { name: "Active permissions (0)" }).count()).toBe(1);
        // One card per type, in the tab's order; the two types with nothing to grant say so.
        const cards = await panel.locator("[data-testid^=grant-]").evaluateAll((els) => els.map((el) => el.querySelector("h4")?.textContent));
        expect(cards).toEqual(["Model endpoints", "Skills", "MCP tools", "Modes", "Expert templates", "CC profiles"]);
        expect(await card("Expert templates").innerText()).toContain("No expert templates exist yet.");
        expect(await card("CC profiles").innerText()).toContain("No CC profiles exist yet.");
        // Model endpoints: *, then per endpoint (its group) every model of it and each model.
        const models = card("Model endpoints");
        await models.getByRole("button", { name: /^Choose model endpoints…/ }).click();
        for (const g of [EP, EP_B, gone]) expect(await models.getByRole("group", { name: g, exact: true }).count(), g).toBe(1);
        const epGroup = models.getByRole("group", { name: EP, exact: true });
        expect(await epGroup.getByRole("checkbox").count()).toBe(3);
        for (const label of [`Every model on ${EP}`, `m-one on ${EP}`, `m-two on ${EP}`]) expect(await epGroup.getByRole("checkbox", { name: label }).count(), label).toBe(1);
        expect(await models.getByRole("checkbox", { name: "Every model on every endpoint" }).count()).toBe(1);
        await settle(page);
        await expectNoHorizontalOverflow(page, where("empty, dropdown open"));
        await expectDialogFits(page, where("empty"), "none");
        await expectNoSeriousAxeViolations(page, where("empty, dropdown open"));
      });

      await step("a resource deleted after the page loaded is refused at its card, and nothing is written", async () => {
        const removed = await callAction(app.url, "/endpoints", "deleteEndpointAction", { id: goneId }, { session: admin });
        expect(removed.state, removed.body).toMatchObject({ ok: true });
        const models = card("Model endpoints");
        const button = models.getByRole("button", { name: /^Choose model endpoints…/ });
        await models.getByRole("checkbox", { name: `Every model on ${gone}` }).check();
        await models.getByRole("button", { name: "Add model endpoints", exact: true }).click();
        const error = models.locator("[data-field-error]");
        await error.waitFor();
        expect(await error.innerText()).toContain(`Unknown model endpoint: '*@${gone}'`);
        expect(await error.innerText()).toContain("Nothing was granted.");
        // The error is tied to the dropdown's button, which has focus so that it is read out.
        expect(await button.getAttribute("aria-describedby")).toBe(await error.getAttribute("id"));
        await expect.poll(() => isFocused(button)).toBe(true);
        expect(await grantsOf(userId)).toEqual([]);
        await expectNoSeriousAxeViolations(page!, where("refused"));
        await models.getByRole("checkbox", { name: `Every model on ${gone}` }).uncheck();
      });

      await step("adds two model endpoints with a toast; the rows show badge and name; the key may call the granted model at once", async () => {
        await add(page!, card("Model endpoints"), "model endpoints", [`m-one on ${EP}`, `Every model on ${EP_B}`], `2 model endpoints granted to ${username}.`);
        expect(await grantsOf(userId)).toEqual([`model_endpoint:*@${EP_B}`, `model_endpoint:m-one@${EP}`]);
        await expect.poll(() => shownGrants(panel)).toEqual(await grantsOf(userId));
        const row = panel.locator(`[data-grant="model_endpoint:m-one@${EP}"]`);
        expect(await row.locator("td").nth(1).innerText()).toBe("Model endpoint");
        expect(await row.locator("td").nth(2).innerText()).toMatch(new RegExp(`^m-one@${EP}\\s+m-one on ${EP}$`));
        expect(await panel.locator(`[data-grant="model_endpoint:*@${EP_B}"]`).innerText()).toContain(`Every model on ${EP_B}`);
        // The refusal's error went with the successful add, and the gone endpoint with the page's new data.
        expect(await card("Model endpoints").locator("[data-field-error]").count()).toBe(0);
        await expect.poll(() => card("Model endpoints").getByRole("group", { name: gone, exact: true }).count()).toBe(0);
        expect(await call(key, `m-one@${EP}`)).toBe(200);
        expect(await call(key, `m-b@${EP_B}`)).toBe(200);
        expect(await call(key, `m-two@${EP}`)).toBe(403);
      });

      await step("adds skills, MCP tools and modes (the modes by keyboard alone); granted options show as granted", async () => {
        await add(page!, card("Skills"), "skills", SKILLS, `2 skills granted to ${username}.`);
        await add(page!, card("MCP tools"), "MCP tools", ["Every MCP tool", TOOLS[0]], `2 MCP tools granted to ${username}.`);

        // The keyboard: Enter opens the list, Tab and Space tick, Escape closes it (not the dialog) and
        // returns to the button.
        const modes = card("Modes");
        const button = modes.getByRole("button", { name: /^Choose modes…/ });
        await button.focus();
        await page!.keyboard.press("Enter");
        expect(await button.getAttribute("aria-expanded")).toBe("true");
        await page!.keyboard.press("Tab");
        expect(await isFocused(modes.getByRole("checkbox", { name: "Native" }))).toBe(true);
        await page!.keyboard.press("Space");
        await page!.keyboard.press("Tab");
        await page!.keyboard.press("Space");
        await page!.keyboard.press("Escape");
        expect(await button.getAttribute("aria-expanded")).toBe("false");
        expect(await isFocused(button)).toBe(true);
        expect(await dialog.isVisible()).toBe(true);
        expect(await button.innerText()).toContain("2 chosen");
        await page!.keyboard.press("Tab");
        expect(await isFocused(modes.getByRole("button", { name: "Add modes", exact: true }))).toBe(true);
        await page!.keyboard.press("Enter");
        await toastWith(page!, `2 modes granted to ${username}.`).first().waitFor({ timeout: 5000 });
        await expect.poll(() => isFocused(button)).toBe(true);

        const expected = [
          `mcp_tool:*`,
          `mcp_tool:${TOOLS[0]}`,
          `model_endpoint:*@${EP_B}`,
          `model_endpoint:m-one@${EP}`,
          "moe_mode:moe_reasoning",
          "moe_mode:native",
          ...SKILLS.map((s) => `skill:${s}`),
        ].sort();
        expect(await grantsOf(userId)).toEqual(expected);
        await expect.poll(() => shownGrants(panel)).toEqual(expected);
        expect(await panel.getByRole("heading", { name: "Active permissions (8)" }).count()).toBe(1);
        // The badges: each type's name, one colour per type.
        const badges = await panel.locator("[data-grant]").evaluateAll((rows) =>
          rows.map((r) => {
            const badge = r.querySelectorAll("td")[1].querySelector("span")!;
            return { type: r.getAttribute("data-grant")!.split(":")[0], text: badge.textContent, colour: getComputedStyle(badge).backgroundColor };
          }),
        );
        const names: Record<string, string> = { model_endpoint: "Model endpoint", skill: "Skill", mcp_tool: "MCP tool", moe_mode: "Mode" };
        for (const b of badges) expect(b.text, b.type).toBe(names[b.type]);
        const colours = new Map(badges.map((b) => [b.type, b.colour]));
        expect(new Set(colours.values()).size).toBe(4);
        for (const b of badges) expect(b.colour, b.type).toBe(colours.get(b.type));
        // Resolved names beside the ids.
        expect(await panel.locator('[data-grant="mcp_tool:*"]').innerText()).toContain("Every MCP tool");
        expect(await panel.locator('[data-grant="moe_mode:moe_reasoning"]').innerText()).toContain("MoE reasoning");

        // What the user holds is shown as granted and cannot be chosen again.
        const skills = card("Skills");
        await skills.getByRole("button", { name: /^Choose skills…/ }).click();
        for (const s of SKILLS) expect(await skills.getByRole("checkbox", { name: s }).isDisabled(), s).toBe(true);
        expect(await skills.getByRole("checkbox", { name: "Every skill" }).isDisabled()).toBe(false);
        expect(await skills.getByRole("group", { name: "Choose skills" }).innerText()).toContain("Granted");
        await settle(page!);
        await expectNoHorizontalOverflow(page!, where("granted, dropdown open"));
        await expectDialogFits(page!, where("granted"), "none");
        await expectNoSeriousAxeViolations(page!, where("granted, dropdown open"));
        await skills.getByRole("button", { name: /^Choose skills…/ }).click();
      });

      await step("a grant held already is ignored", async () => {
        const before = await grantsOf(userId);
        // The tab's own action, as its Add button posts it (grantAs may go another way).
        const r = await usersActionAs(app, admin, "grantAction", { userId, type: "skill", ids: [SKILLS[0], SKILLS[0]] });
        expect(r.state).toMatchObject({ ok: true, data: { added: 0 } });
        expect(await grantsOf(userId)).toEqual(before);
        const audits = await app.db.execute({ sql: "SELECT count(*) AS n FROM audit_log WHERE action = 'permission.grant' AND target_id = ?", args: [userId] });
        // One audit row per add that added something (model endpoints, skills, MCP tools, modes), none for this.
        expect(Number(audits.rows[0].n)).toBe(4);
      });

      await step("bulk revoke: a confirmation that says how many; the dialog stays on the Permissions tab", async () => {
        const picked = [`skill:${SKILLS[0]}`, `skill:${SKILLS[1]}`, "mcp_tool:*"];
        for (const g of picked) await panel.locator(`[data-grant="${g}"]`).getByRole("checkbox").check();
        await panel.getByRole("button", { name: "Revoke selected (3)" }).click();
        const confirm = page!.getByRole("dialog", { name: "Revoke 3 permissions?" });
        await confirm.waitFor();
        await settle(page!);
        const said = await confirm.innerText();
        for (const s of SKILLS) expect(said).toContain(`Skill ${s}`);
        expect(said).toContain("MCP tool *");
        expect(said).toContain(username);
        // It opens on Cancel, the safe choice, and fits the screen with its button in view.
        expect(await isFocused(confirm.getByRole("button", { name: "Cancel" }))).toBe(true);
        await expectOnScreen(page!, confirm, where("bulk confirmation"));
        await expectOnScreen(page!, confirm.getByRole("button", { name: "Revoke 3 permissions" }), where("bulk confirm button"));
        await expectNoHorizontalOverflow(page!, where("bulk confirmation"));
        await expectNoSeriousAxeViolations(page!, where("bulk confirmation"));
        await confirm.getByRole("button", { name: "Revoke 3 permissions" }).click();
        await toastWith(page!, `3 permissions revoked from ${username}.`).first().waitFor({ timeout: 5000 });
        await confirm.waitFor({ state: "detached" });
        const left = (await grantsOf(userId)).filter((g) => !picked.includes(g));
        expect(await grantsOf(userId)).toEqual(left);
        expect(left).toHaveLength(5);
        await expect.poll(() => shownGrants(panel)).toEqual(left);
        // Still the edit dialog, on the Permissions tab, after the page's data came back.
        expect(await dialog.getByRole("tab", { name: "Permissions" }).getAttribute("aria-selected")).toBe("true");
        expect(await panel.isVisible()).toBe(true);
        await expect.poll(() => isFocused(panel.getByRole("heading", { name: "Active permissions (5)" }))).toBe(true);
        expect(await panel.getByRole("button", { name: /^Revoke selected/ }).isDisabled()).toBe(true);
        expect(await panel.getByRole("status").innerText()).toBe(`3 permissions revoked from ${username}.`);
      });

      await step("single revoke: cancelling keeps the grant; confirming removes it, and the key is refused again", async () => {
        const row = panel.locator(`[data-grant="model_endpoint:m-one@${EP}"]`);
        const revoke = row.getByRole("button", { name: `Revoke Model endpoint m-one@${EP}`, exact: true });
        await revoke.click();
        let confirm = page!.getByRole("dialog", { name: "Revoke permission?" });
        await confirm.waitFor();
        expect(await confirm.innerText()).toContain(`${username} loses Model endpoint m-one@${EP} (m-one on ${EP}).`);
        await confirm.getByRole("button", { name: "Cancel" }).click();
        await confirm.waitFor({ state: "detached" });
        await expect.poll(() => isFocused(revoke)).toBe(true);
        expect(await grantsOf(userId)).toContain(`model_endpoint:m-one@${EP}`);

        await revoke.click();
        confirm = page!.getByRole("dialog", { name: "Revoke permission?" });
        await settle(page!);
        await expectOnScreen(page!, confirm.getByRole("button", { name: "Revoke permission" }), where("single confirm button"));
        await confirm.getByRole("button", { name: "Revoke permission" }).click();
        await toastWith(page!, `Model endpoint m-one@${EP} revoked from ${username}.`).first().waitFor({ timeout: 5000 });
        await row.waitFor({ state: "detached" });
        expect(await grantsOf(userId)).not.toContain(`model_endpoint:m-one@${EP}`);
        expect(await dialog.getByRole("tab", { name: "Permissions" }).getAttribute("aria-selected")).toBe("true");
        await expect.poll(() => isFocused(panel.getByRole("heading", { name: "Active permissions (4)" }))).toBe(true);
        expect(await call(key, `m-one@${EP}`)).toBe(403);
        expect(await call(key, `m-b@${EP_B}`)).toBe(200);
      });

      await step("select all, revoke all: the empty state", async () => {
        await panel.getByRole("checkbox", { name: "Select all" }).check();
        await panel.getByRole("button", { name: "Revoke selected (4)" }).click();
        const confirm = page!.getByRole("dialog", { name: "Revoke 4 permissions?" });
        await confirm.getByRole("button", { name: "Revoke 4 permissions" }).click();
        await toastWith(page!, `4 permissions revoked from ${username}.`).first().waitFor({ timeout: 5000 });
        await expect.poll(() => panel.getByTestId("permissions-table").innerText()).toContain("No permissions: this user can call no model.");
        expect(await grantsOf(userId)).toEqual([]);
        expect(await panel.getByRole("checkbox", { name: "Select all" }).count()).toBe(0);
        expect(await call(key, `m-b@${EP_B}`)).toBe(403);
        await expectNoHorizontalOverflow(page!, where("emptied"));
        await expectNoSeriousAxeViolations(page!, where("emptied"));
      });
      await page?.close();
    });
  });
}

describe("grants of every type, in both schemes", () => {
  it("shows each type's badge, marks a grant whose resource no longer exists, fits a phone, and passes axe light and dark", async () => {
    const username = unique("perm-all");
    const userId = await createUserAs(app, admin, username, "user", { modelGrants: ["*"] });
    for (const [type, ids] of [
      ["skill", ["*"]],
      ["mcp_tool", [TOOLS[1]]],
      ["moe_mode", ["moe_orchestrated"]],
    ] as const) {
      await grantAs(app, admin, userId, type, [...ids]);
    }
    // Expert templates and CC profiles have no module that makes them yet, so no grant of one can be
    // made through the product; and grants follow their endpoints, skills and tools, so none of those
    // dangles either. A grant whose resource is gone can only come from outside (an older database, a
    // restore): written here with SQL, the one way to have it.
    for (const type of ["expert_template", "cc_profile"]) {
      await app.db.execute({ sql: "INSERT INTO permissions (user_id, resource_type, resource_id, created_at) VALUES (?, ?, 'tpl-gone', ?)", args: [userId, type, new Date().toISOString()] });
    }
    for (const viewport of [PHONE, DESKTOP, DESKTOP_DARK]) {
      const { page, panel } = await permissionsTab(viewport, userId, username);
      const where = `Permissions tab ${viewport.width} ${viewport.colorScheme ?? "light"}: every type`;
      await withScreenshot(page, where, async () => {
        expect(await shownGrants(panel)).toEqual(await grantsOf(userId));
        const badges = await panel.locator("[data-grant] td:nth-child(2) span").allInnerTexts();
        expect(badges).toEqual(["Model endpoint", "Skill", "MCP tool", "Mode", "Expert template", "CC profile"]);
        for (const type of ["expert_template", "cc_profile"]) {
          const row = panel.locator(`[data-grant="${type}:tpl-gone"]`);
          expect(await row.innerText(), type).toContain("No longer exists");
        }
        expect(await panel.locator('[data-grant="skill:*"]').innerText()).toContain("Every skill");
        expect(await panel.getByText("No longer exists").count()).toBe(2);
        if (viewport.colorScheme !== "dark") await expectNoHorizontalOverflow(page, where);
        await expectNoSeriousAxeViolations(page, where);
      });
      await page.close();
    }
  });

  it("says that an admin needs no permissions", async () => {
    const username = unique("perm-adm");
    const userId = await createUserAs(app, admin, username, "admin");
    const { page, panel } = await permissionsTab(DESKTOP, userId, username);
    await withScreenshot(page, "Permissions tab: an admin", async () => {
      expect(await grantsOf(userId)).toEqual([]);
      expect(await panel.getByTestId("permissions-table").innerText()).toContain("No permissions: admins need none, they may use everything.");
      expect(await panel.innerText()).toContain("Admins may use everything without permissions.");
    });
    await page.close();
  });
});
