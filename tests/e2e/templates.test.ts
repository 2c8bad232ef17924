import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createUserAs, FIRST_PASSWORD, grantAs, OWN_PASSWORD } from "../support/admin";
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
import { callAction, loginOrThrow, type Session } from "../support/http";
import { browserSuite } from "../support/browser-suite";
import { unique } from "../support/names";
import { toastWith } from "../support/toast";

// Expert templates and CC profiles in real headless Chromium against the built app, at 390×844 and
// 1280×800: the admin's /templates (create with a bad name and an unknown target answered at their
// fields first, edit, export, an all-or-nothing import refused then a merge, delete counting the grant
// that goes), /cc-profiles and the active profile on the Users Permissions tab; an expert's own
// templates and profiles in the portal (a model they are not granted refused at its field) and the
// sidebar's active profile; a subscriber's read-only assigned templates; a `user` sent away. Data set up
// through the product's actions.

let app: App;
let browser: Browser;
let admin: Session;
/** One endpoint serving two models; experts below are granted only the first. */
let EP: string;
const GRANTED = "m-granted";
const OTHER = "m-other";

const suite = browserSuite("templates", { valkey: true, smtp: false });
beforeAll(async () => {
  ({ app, browser, admin } = suite);
  EP = unique("tpl-ep");
  // Never called: the pages only check that the target exists.
  await createEndpointAs(app, admin, { name: EP, baseUrl: "http://127.0.0.1:9/v1", models: [GRANTED, OTHER] });
});

function contextFor(viewport: Viewport, who: string, session: Session): Promise<BrowserContext> {
  const key = `${viewport.width}-${who}`;
  if (!suite.contexts.has(key)) suite.contexts.set(key, auditContext(browser, app.url, viewport, session));
  return suite.contexts.get(key)!;
}

async function open(viewport: Viewport, who: string, session: Session, path: string): Promise<Page> {
  const page = await openPage(await contextFor(viewport, who, session), app.url + path);
  await expectPageHasCsp(page, `${path} (${viewport.width})`);
  return page;
}

/** A user of `role` through their forced password change, granted only `models` (model@endpoint). */
async function signedIn(role: string, models: string[]): Promise<{ id: string; username: string; session: Session }> {
  const username = unique(role);
  const id = await createUserAs(app, admin, username, role, { modelGrants: models });
  const first = await loginOrThrow(app.url, username, FIRST_PASSWORD);
  const changed = await callAction(app.url, "/change-password", "changePasswordAction", { current: FIRST_PASSWORD, password: OWN_PASSWORD, confirm: OWN_PASSWORD }, { session: first });
  expect(changed.state, changed.body).toMatchObject({ ok: true });
  return { id, username, session: await loginOrThrow(app.url, username, OWN_PASSWORD) };
}

async function act(session: Session, page: string, name: string, payload: unknown) {
  const r = await callAction(app.url, page, name, payload, { session });
  expect(r.state, `${name}: ${r.body}`).toMatchObject({ ok: true });
  return r.state!.data as Record<string, unknown>;
}

const templateRows = async (name: string) =>
  (await app.db.execute({ sql: "SELECT id, name, description, is_active, owner_id, config FROM expert_templates WHERE name = ?", args: [name] })).rows.map((r) => ({ ...r }));
const profileRows = async (name: string) => (await app.db.execute({ sql: "SELECT id, name, owner_id FROM cc_profiles WHERE name = ?", args: [name] })).rows.map((r) => ({ ...r }));
const activeProfileOf = async (userId: string) => (await app.db.execute({ sql: "SELECT active_cc_profile_id AS p FROM users WHERE id = ?", args: [userId] })).rows[0].p;

const row = (page: Page, name: string) => page.locator(`tr[data-record="${name}"]`);
const text = async (l: Locator) => (await l.innerText()).replace(/\s+/g, " ");
const file = (items: unknown[], kind = "tollgate.expert-templates") => ({ name: "import.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify({ kind, version: 1, items })) });

/**
 * `act` is confirmed by a toast saying `said` (an earlier toast may still be on screen: the one that
 * counts is found by its text).
 */
async function expectToast(page: Page, where: string, act: () => Promise<void>, said: string) {
  await expectToastAfter(page, where, act);
  await expect.poll(() => toastWith(page, said).count(), { message: `${where}: no toast saying "${said}"` }).toBeGreaterThan(0);
}

/** The sidebar (a drawer on phones), opened if need be. */
async function sidebar(page: Page, viewport: Viewport): Promise<Locator> {
  if (viewport.width >= 768) return page.getByTestId("portal-sidebar");
  await page.getByRole("button", { name: "Portal menu & budget" }).click();
  const drawer = page.getByRole("dialog", { name: "Portal menu" });
  await drawer.waitFor();
  await settle(page);
  return drawer;
}

for (const viewport of VIEWPORTS) {
  const where = (what: string) => `templates ${viewport.width}: ${what}`;

  describe(`templates and CC profiles at ${viewport.width}×${viewport.height}`, () => {
    it("the admin creates a template (a bad name, then an unknown target, answered at their fields first), edits, exports, imports and deletes it", async () => {
      const name = unique("tpl");
      const added = unique("tpl-imported");
      // A template whose endpoint has gone since: the table says it is broken, and why.
      const gone = unique("gone-ep");
      const goneId = await createEndpointAs(app, admin, { name: gone, baseUrl: "http://127.0.0.1:9/v1", models: ["m-gone"] });
      const broken = unique("tpl-broken");
      await act(admin, "/templates", "createTemplateAction", { name: broken, target: `m-gone@${gone}` });
      // Its deletion, confirmed on /endpoints, says that the template aimed at it will be broken.
      const endpoints = await open(viewport, "admin", admin, "/endpoints");
      await endpoints.getByRole("button", { name: `Delete ${gone}`, exact: true }).click();
      const confirmEndpoint = endpoints.getByRole("dialog");
      expect((await confirmEndpoint.getByTestId("aimed-note").innerText()).replace(/\s+/g, " ")).toBe(
        "1 template or CC profile aimed at it will be broken: calls to it are refused until it is pointed at another model.",
      );
      await expectNoSeriousAxeViolations(endpoints, where("endpoint delete with a template aimed at it"));
      await confirmEndpoint.getByRole("button", { name: "Delete endpoint" }).click();
      await expect.poll(async () => (await app.db.execute({ sql: "SELECT id FROM model_endpoints WHERE id = ?", args: [goneId] })).rows.length).toBe(0);
      await endpoints.close();
      const page = await open(viewport, "admin", admin, "/templates");
      await withScreenshot(page, where("admin templates"), async () => {
        expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Expert templates");
        expect(await text(row(page, broken))).toContain(`Broken: Its target m-gone@${gone} no longer exists`);
        await expectNoHorizontalOverflow(page, where("/templates"));
        await expectNoSeriousAxeViolations(page, where("/templates"));
        if (viewport.width > 1000) {
          await page.emulateMedia({ colorScheme: "dark" });
          await expectNoSeriousAxeViolations(page, where("/templates dark"), { rules: ["color-contrast"] });
          await page.emulateMedia({ colorScheme: "light" });
        }

        // Create: a bad name first, then an unknown target; nothing saved until both are right.
        await page.getByRole("button", { name: "+ Create template" }).click();
        const dialog = page.getByRole("dialog", { name: "Create template" });
        await dialog.waitFor();
        await settle(page);
        await expectDialogFocus(page, where("create opened"), "first-field");
        await expectDialogFits(page, where("create"), "submit");
        await expectNoHorizontalOverflow(page, where("create dialog"));
        await expectNoSeriousAxeViolations(page, where("create dialog"));
        // The suggestions are the models that exist.
        const suggested = await dialog.locator("datalist option").evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
        expect(suggested).toEqual(expect.arrayContaining([`${GRANTED}@${EP}`, `${OTHER}@${EP}`]));

        await dialog.getByLabel("Name", { exact: true }).fill("has space");
        await dialog.getByLabel("Target", { exact: true }).fill(`${GRANTED}@${EP}`);
        await dialog.getByLabel("Description", { exact: true }).fill("Reviews code");
        const submit = dialog.getByRole("button", { name: "Create template", exact: true });
        await submit.click();
        await expect.poll(() => dialog.getByLabel("Name", { exact: true }).getAttribute("aria-invalid")).toBe("true");
        expect(await dialog.innerText()).toContain("Use only letters, digits, . _ and -");
        await expectDialogFocus(page, where("bad name"), "first-invalid");
        expect(await templateRows("has space")).toEqual([]);

        await dialog.getByLabel("Name", { exact: true }).fill(name);
        await dialog.getByLabel("Target", { exact: true }).fill(`${GRANTED}@no-such-endpoint`);
        await submit.click();
        await expect.poll(() => dialog.getByLabel("Target", { exact: true }).getAttribute("aria-invalid")).toBe("true");
        expect(await dialog.getByLabel("Name", { exact: true }).getAttribute("aria-invalid")).toBeNull();
        expect(await dialog.innerText()).toContain("There is no endpoint named no-such-endpoint");
        await expectDialogFocus(page, where("unknown target"), "first-invalid");
        expect(await templateRows(name)).toEqual([]);
        await expectNoSeriousAxeViolations(page, where("create refused"));

        await dialog.getByLabel("Target", { exact: true }).fill(`${GRANTED}@${EP}`);
        await dialog.getByLabel("Cost factor", { exact: true }).fill("1.5");
        await expectToast(page, where("created"), () => submit.click(), `Template ${name} created.`);
        await expect.poll(() => row(page, name).count()).toBe(1);
        const shown = await text(row(page, name));
        for (const part of ["Reviews code", "Admin", `${GRANTED}@${EP}`, "Native", "× 1.5", "Active"]) expect(shown).toContain(part);
        const [stored] = await templateRows(name);
        expect(stored).toMatchObject({ description: "Reviews code", is_active: 1, owner_id: null });
        expect(JSON.parse(String(stored.config))).toEqual({ target: `${GRANTED}@${EP}`, mode: "native" });

        // A user holds a grant on it (the delete confirmation counts it).
        const holder = await createUserAs(app, admin, unique("holder"), "subscriber", { modelGrants: [] });
        await grantAs(app, admin, holder, "expert_template", [String(stored.id)]);

        // Edit: switched off and given a prompt.
        await page.reload({ waitUntil: "networkidle" });
        expect((await row(page, name).getByTestId("grants").innerText()).trim()).toBe("1");
        await page.getByRole("button", { name: `Edit ${name}`, exact: true }).click();
        const edit = page.getByRole("dialog", { name: `Edit ${name}` });
        await edit.waitFor();
        await settle(page);
        expect(await edit.getByLabel("Target", { exact: true }).inputValue()).toBe(`${GRANTED}@${EP}`);
        await expectDialogFits(page, where("edit"), "submit");
        await expectNoSeriousAxeViolations(page, where("edit dialog"));
        await edit.getByRole("checkbox", { name: "Active" }).uncheck();
        await edit.getByLabel("System prompt", { exact: true }).fill("You review code.");
        await edit.getByLabel("Temperature", { exact: true }).fill("0.2");
        await expectToast(page, where("saved"), () => edit.getByRole("button", { name: "Save", exact: true }).click(), `Template ${name} saved.`);
        await expect.poll(async () => text(row(page, name).getByTestId("status"))).toContain("Inactive");
        const [after] = await templateRows(name);
        expect(after.is_active).toBe(0);
        expect(JSON.parse(String(after.config))).toEqual({ target: `${GRANTED}@${EP}`, mode: "native", systemPrompt: "You review code.", temperature: 0.2 });

        // Export: the page's link, fetched with the session.
        expect(await page.getByRole("link", { name: "Export" }).getAttribute("href")).toBe("/templates/export");
        const download = await fetch(`${app.url}/templates/export`, { headers: { cookie: admin.cookie, origin: app.url } });
        expect(download.status).toBe(200);
        expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="expert-templates-all-/);
        const exported = (await download.json()) as { kind: string; version: number; items: { name: string; costFactor: number; active: boolean; config: unknown }[] };
        expect(exported).toMatchObject({ kind: "tollgate.expert-templates", version: 1 });
        expect(exported.items.find((i) => i.name === name)).toEqual({
          name,
          description: "Reviews code",
          costFactor: 1.5,
          active: false,
          config: { target: `${GRANTED}@${EP}`, mode: "native", systemPrompt: "You review code.", temperature: 0.2 },
        });

        // Import: one malformed item refuses the whole file, at the file field.
        await page.getByRole("button", { name: "Import", exact: true }).click();
        const importing = page.getByRole("dialog", { name: "Import templates" });
        await importing.waitFor();
        await settle(page);
        await expectDialogFocus(page, where("import opened"), "first-field");
        await expectDialogFits(page, where("import"), "submit");
        await expectNoSeriousAxeViolations(page, where("import dialog"));
        const fileField = importing.getByLabel("JSON file", { exact: true });
        await fileField.setInputFiles(file([{ name: added, config: { target: `${GRANTED}@${EP}` } }, { name: "bad name", config: { target: `${GRANTED}@${EP}` } }]));
        await page.waitForTimeout(200); // the file read into the form
        await importing.getByRole("button", { name: "Import", exact: true }).click();
        await expect.poll(() => fileField.getAttribute("aria-invalid")).toBe("true");
        const refusal = await text(importing);
        expect(refusal).toContain("Nothing was imported.");
        expect(refusal).toContain("item 2, name");
        await expectDialogFocus(page, where("import refused"), "first-invalid");
        await expectNoSeriousAxeViolations(page, where("import refused"));
        expect(await templateRows(added)).toEqual([]);

        // A file too large for one post: refused in the dialog, with nothing sent.
        await fileField.setInputFiles({ name: "big.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify({ pad: "x".repeat(95_000) })) });
        await page.waitForTimeout(200);
        await importing.getByRole("button", { name: "Import", exact: true }).click();
        await expect.poll(() => text(importing)).toContain("The file must be at most 90 KB");
        expect(await templateRows(added)).toEqual([]);

        // A good file in merge mode: the existing name skipped, the new one added.
        await fileField.setInputFiles(file([{ name, config: { target: `${OTHER}@${EP}` } }, { name: added, description: "From a file", config: { target: `${GRANTED}@${EP}` } }]));
        await page.waitForTimeout(200);
        expect(await importing.getByRole("radio", { name: /^Merge/ }).isChecked()).toBe(true);
        await expectToast(page, where("imported"), () => importing.getByRole("button", { name: "Import", exact: true }).click(), `Template import done: 1 added, 1 skipped (${name}), 0 replaced.`);
        await expect.poll(() => row(page, added).count()).toBe(1);
        expect(await templateRows(added)).toHaveLength(1);
        // The skipped one kept its own target.
        expect(JSON.parse(String((await templateRows(name))[0].config)).target).toBe(`${GRANTED}@${EP}`);

        // Delete, after a confirmation naming the grant that goes with it.
        await page.getByRole("button", { name: `Delete ${name}`, exact: true }).click();
        const confirm = page.getByRole("dialog", { name: `Delete ${name}?` });
        await confirm.waitFor();
        await settle(page);
        await expectDialogFocus(page, where("delete opened"), { button: "Cancel" });
        expect(await text(confirm.getByTestId("grants-note"))).toContain("1 permission grant naming it is removed too");
        await expectDialogFits(page, where("delete"), { name: "Delete template" });
        await expectNoSeriousAxeViolations(page, where("delete confirmation"));
        await expectToast(page, where("deleted"), () => confirm.getByRole("button", { name: "Delete template", exact: true }).click(), `Template ${name} deleted.`);
        await expect.poll(() => row(page, name).count()).toBe(0);
        expect(await templateRows(name)).toEqual([]);
        const grants = await app.db.execute({ sql: "SELECT count(*) AS n FROM permissions WHERE user_id = ? AND resource_type = 'expert_template'", args: [holder] });
        expect(Number(grants.rows[0].n)).toBe(0);
        await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("main-heading");
        await expectNoHorizontalOverflow(page, where("/templates after"));
      });
      await page.close();
    });

    it("the admin creates a CC profile, sets an expert's active profile on the Permissions tab, and the delete-user confirmation counts what the expert owns", async () => {
      const name = unique("ccp");
      const expert = await signedIn("expert", [`${GRANTED}@${EP}`]);
      await act(expert.session, "/user/templates", "createMyTemplateAction", { name: unique("own-tpl"), target: `${GRANTED}@${EP}` });
      const page = await open(viewport, "admin", admin, "/cc-profiles");
      await withScreenshot(page, where("admin profiles"), async () => {
        expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("CC profiles");
        await expectNoSeriousAxeViolations(page, where("/cc-profiles"));
        await page.getByRole("button", { name: "+ Create CC profile" }).click();
        const dialog = page.getByRole("dialog", { name: "Create CC profile" });
        await dialog.waitFor();
        await settle(page);
        await expectDialogFits(page, where("create profile"), "submit");
        await expectNoSeriousAxeViolations(page, where("create profile dialog"));
        expect(await dialog.getByRole("checkbox", { name: "Stream thinking" }).isChecked()).toBe(true);
        await dialog.getByLabel("Name", { exact: true }).fill(name);
        await dialog.getByLabel("Tool model", { exact: true }).fill(`${GRANTED}@${EP}`);
        await dialog.getByLabel("Reasoning max tokens", { exact: true }).fill("100");
        const submit = dialog.getByRole("button", { name: "Create CC profile", exact: true });
        await submit.click();
        await expect.poll(() => dialog.getByLabel("Reasoning max tokens", { exact: true }).getAttribute("aria-invalid")).toBe("true");
        expect(await dialog.innerText()).toContain("must be at least 1024");
        expect(await profileRows(name)).toEqual([]);
        await dialog.getByLabel("Reasoning max tokens", { exact: true }).fill("2048");
        await expectToast(page, where("profile created"), () => submit.click(), `CC profile ${name} created.`);
        await expect.poll(() => row(page, name).count()).toBe(1);
        expect(await text(row(page, name))).toContain("Enabled");
        const [profile] = await profileRows(name);
        await grantAs(app, admin, expert.id, "cc_profile", [String(profile.id)]);

        // The Permissions tab: the expert's active profile, among the ones they may use.
        await page.goto(`${app.url}/users?edit=${expert.id}`, { waitUntil: "networkidle" });
        const edit = page.getByRole("dialog", { name: `Edit ${expert.username}` });
        await edit.getByRole("tab", { name: "Permissions" }).click();
        const panel = edit.getByRole("tabpanel", { name: "Permissions" });
        await panel.waitFor();
        await settle(page);
        const select = panel.getByLabel("Active CC profile", { exact: true });
        expect(await select.inputValue()).toBe("");
        await select.selectOption({ label: name });
        await expectToast(page, where("active set"), () => panel.getByTestId("active-profile").getByRole("button", { name: "Save" }).click(), `Active CC profile of ${expert.username} saved.`);
        await expect.poll(() => activeProfileOf(expert.id)).toBe(profile.id);
        await expectNoHorizontalOverflow(page, where("permissions tab"));
        await expectNoSeriousAxeViolations(page, where("permissions tab"));

        // Not offered for a subscriber (CC profiles are for experts and admins).
        const subscriber = unique("sub");
        const subscriberId = await createUserAs(app, admin, subscriber, "subscriber", { modelGrants: [] });
        await page.goto(`${app.url}/users?edit=${subscriberId}`, { waitUntil: "networkidle" });
        const other = page.getByRole("dialog", { name: `Edit ${subscriber}` });
        await other.getByRole("tab", { name: "Permissions" }).click();
        await other.getByRole("tabpanel", { name: "Permissions" }).waitFor();
        expect(await other.getByTestId("active-profile").count()).toBe(0);

        // The delete confirmation of the expert says what goes with them.
        await page.goto(`${app.url}/users?q=${expert.username}`, { waitUntil: "networkidle" });
        await page.getByRole("button", { name: `Delete ${expert.username}`, exact: true }).click();
        const confirm = page.getByRole("dialog", { name: `Delete ${expert.username}?` });
        await confirm.waitFor();
        expect(await text(confirm.getByTestId("owned-note"))).toContain("Deleted with them: 1 expert template they own");
        await confirm.getByRole("button", { name: "Cancel" }).click();
      });
      await page.close();
    });

    it("an expert makes their own template (a model they are not granted refused at its field) and profile, makes the profile active, and the sidebar shows it", async () => {
      const expert = await signedIn("expert", [`${GRANTED}@${EP}`]);
      const tpl = unique("my-tpl");
      const prof = unique("my-ccp");
      const page = await open(viewport, expert.username, expert.session, "/user/templates");
      await withScreenshot(page, where("expert"), async () => {
        expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("My templates");
        const menu = viewport.width >= 768 ? page.getByTestId("portal-sidebar") : null;
        if (menu) expect(await menu.getByRole("link", { name: "My Templates", exact: true }).getAttribute("aria-current")).toBe("page");
        await expectNoHorizontalOverflow(page, where("/user/templates"));
        await expectNoSeriousAxeViolations(page, where("/user/templates"));

        await page.getByRole("button", { name: "+ Create template" }).click();
        const dialog = page.getByRole("dialog", { name: "Create template" });
        await dialog.waitFor();
        await settle(page);
        // Only the granted model is suggested.
        expect(await dialog.locator("datalist option").evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value))).toEqual([`${GRANTED}@${EP}`]);
        await dialog.getByLabel("Name", { exact: true }).fill(tpl);
        await dialog.getByLabel("Target", { exact: true }).fill(`${OTHER}@${EP}`);
        const submit = dialog.getByRole("button", { name: "Create template", exact: true });
        await submit.click();
        await expect.poll(() => dialog.getByLabel("Target", { exact: true }).getAttribute("aria-invalid")).toBe("true");
        expect(await dialog.innerText()).toContain(`has no grant on ${OTHER}@${EP}`);
        expect(await templateRows(tpl)).toEqual([]);
        await expectNoSeriousAxeViolations(page, where("expert create refused"));
        await dialog.getByLabel("Target", { exact: true }).fill(`${GRANTED}@${EP}`);
        await expectToast(page, where("expert created"), () => submit.click(), `Template ${tpl} created.`);
        await expect.poll(() => row(page, tpl).count()).toBe(1);
        expect((await templateRows(tpl))[0].owner_id).toBe(expert.id);

        await page.goto(`${app.url}/user/cc-profiles`, { waitUntil: "networkidle" });
        await settle(page);
        expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("CC profiles");
        expect(await text(page.locator("main"))).toContain("Claude Code's claude-* model calls on /v1/messages go to the profile's tool model");
        const before = await sidebar(page, viewport);
        expect(await text(before.getByTestId("portal-active-profile"))).toContain("No active CC profile");
        if (viewport.width < 768) await page.keyboard.press("Escape");
        await expectNoSeriousAxeViolations(page, where("/user/cc-profiles"));

        await page.getByRole("button", { name: "+ Create CC profile" }).click();
        const create = page.getByRole("dialog", { name: "Create CC profile" });
        await create.waitFor();
        await settle(page);
        await create.getByLabel("Name", { exact: true }).fill(prof);
        await create.getByLabel("Tool model", { exact: true }).fill(`${GRANTED}@${EP}`);
        await expectToast(page, where("profile created"), () => create.getByRole("button", { name: "Create CC profile", exact: true }).click(), `CC profile ${prof} created.`);
        await expect.poll(() => row(page, prof).count()).toBe(1);
        const [profile] = await profileRows(prof);
        expect(profile.owner_id).toBe(expert.id);

        const select = page.getByLabel("Active CC profile", { exact: true });
        await expect.poll(() => select.locator("option").allInnerTexts()).toContain(prof);
        await select.selectOption({ label: prof });
        await expectToast(page, where("active saved"), () => page.getByRole("button", { name: "Save", exact: true }).click(), "Your active CC profile is saved.");
        await expect.poll(() => activeProfileOf(expert.id)).toBe(profile.id);
        // The sidebar says so without a reload.
        const panel = await sidebar(page, viewport);
        const badge = panel.getByTestId("portal-active-profile");
        await expect.poll(() => badge.getAttribute("data-state")).toBe("enabled");
        expect(await text(badge)).toContain(prof);
        expect(await badge.locator("span.rounded-full").getAttribute("class")).toContain("bg-green-100");
        expect(await text(panel.getByTestId("portal-assigned"))).toContain("None yet");
        await expectNoHorizontalOverflow(page, where("sidebar"));
        await expectNoSeriousAxeViolations(page, where("sidebar with profile"));
        if (viewport.width > 1000) {
          await page.emulateMedia({ colorScheme: "dark" });
          await expectNoSeriousAxeViolations(page, where("/user/cc-profiles dark"), { rules: ["color-contrast"] });
          await page.emulateMedia({ colorScheme: "light" });
        }
        if (viewport.width < 768) await page.keyboard.press("Escape");

        // Disabled in its edit dialog: still the active one, said in amber with "disabled".
        await page.getByRole("button", { name: `Edit ${prof}`, exact: true }).click();
        const edit = page.getByRole("dialog", { name: `Edit ${prof}` });
        await edit.waitFor();
        await settle(page);
        await expectDialogFits(page, where("edit profile"), "submit");
        await expectNoSeriousAxeViolations(page, where("edit profile dialog"));
        await edit.getByRole("checkbox", { name: "Enabled" }).uncheck();
        await expectToast(page, where("profile disabled"), () => edit.getByRole("button", { name: "Save", exact: true }).click(), `CC profile ${prof} saved.`);
        await expect.poll(async () => text(row(page, prof).getByTestId("status"))).toContain("Disabled");
        const later = (await sidebar(page, viewport)).getByTestId("portal-active-profile");
        await expect.poll(() => later.getAttribute("data-state")).toBe("disabled");
        expect(await text(later)).toContain(`${prof} disabled`);
        expect(await later.locator("span.rounded-full").getAttribute("class")).toContain("bg-amber-100");
        expect(await activeProfileOf(expert.id)).toBe(profile.id);
      });
      await page.close();
    });

    it("a subscriber sees their assigned template read-only; a user is sent away from both pages", async () => {
      const name = unique("assigned");
      const id = String((await act(admin, "/templates", "createTemplateAction", { name, description: "Answers in French", target: `${GRANTED}@${EP}`, mode: "native" })).id);
      const subscriber = await signedIn("subscriber", [`${GRANTED}@${EP}`]);
      await grantAs(app, admin, subscriber.id, "expert_template", [id]);
      const page = await open(viewport, subscriber.username, subscriber.session, "/user/templates");
      await withScreenshot(page, where("subscriber"), async () => {
        expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Assigned templates");
        const card = page.locator(`[data-assigned="${name}"]`);
        const shown = await text(card);
        for (const part of ["Answers in French", `${GRANTED}@${EP}`, "Native", `"model": "${name}"`]) expect(shown).toContain(part);
        expect(await page.getByRole("button", { name: "+ Create template" }).count()).toBe(0);
        expect(await page.getByRole("button", { name: /^(Edit|Delete) / }).count()).toBe(0);
        await expectNoHorizontalOverflow(page, where("assigned"));
        await expectNoSeriousAxeViolations(page, where("assigned"));
        const panel = await sidebar(page, viewport);
        expect(await panel.getByRole("link", { name: "Assigned Templates", exact: true }).count()).toBe(1);
        expect(await panel.getByRole("link", { name: "CC Profiles", exact: true }).count()).toBe(0);
        expect(await text(panel.getByTestId("portal-assigned"))).toContain(name);
        expect(await panel.getByTestId("portal-active-profile").count()).toBe(0);
        if (viewport.width < 768) await page.keyboard.press("Escape");
        // CC profiles are for experts and admins.
        await page.goto(`${app.url}/user/cc-profiles`, { waitUntil: "networkidle" });
        expect(new URL(page.url()).pathname).toBe("/user/dashboard");
      });
      await page.close();

      const user = await signedIn("user", [`${GRANTED}@${EP}`]);
      const other = await open(viewport, user.username, user.session, "/user/templates");
      await withScreenshot(other, where("user"), async () => {
        expect(new URL(other.url()).pathname).toBe("/user/dashboard");
        const panel = await sidebar(other, viewport);
        expect(await panel.getByRole("link", { name: /Templates|CC Profiles/ }).count()).toBe(0);
        expect(await panel.getByTestId("portal-templates").count()).toBe(0);
        if (viewport.width < 768) await other.keyboard.press("Escape");
        await other.goto(`${app.url}/user/cc-profiles`, { waitUntil: "networkidle" });
        expect(new URL(other.url()).pathname).toBe("/user/dashboard");
      });
      await other.close();
    });
  });
}
