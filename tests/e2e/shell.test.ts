import { mkdirSync, writeFileSync } from "node:fs";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs, FIRST_PASSWORD, grantAs, readyUser, signedInAdmin, usersActionAs } from "../support/admin";
import { startApp, type App } from "../support/app";
import {
  auditContext,
  DESKTOP,
  expectActiveNavLink,
  expectDialogFits,
  expectDialogFocus,
  expectFocusBackOn,
  expectFreshDialog,
  expectHeaderControlsOnScreen,
  expectHeaderLinkTo,
  expectNoHorizontalOverflow,
  expectNoSeriousAxeViolations,
  expectToastAfter,
  openPage,
  settle,
  VIEWPORTS,
  withScreenshot,
  type DialogButton,
  type Viewport,
} from "../support/audit";
import { launchChromium } from "../support/browser";
import { expectNoCspViolationsIn, expectPageHasCsp } from "../support/csp";
import { callAction, loginOrThrow, type Session } from "../support/http";
import { unique } from "../support/names";

// The shell audit: every page and every dialog of the admin backend and the portal, in real headless
// Chromium against the built app, at 390×844 and 1280×800: no sideways scrolling, header controls on
// screen, dialogs that fit with their submit button in view, no serious or critical axe-core finding
// (at 1280 also in the dark scheme, its colour contrast);
// and at 1280: focus on opening, after a failed submit and after closing a dialog, a toast after each
// completed action, the active nav link marked. Each page or dialog × viewport × check is its own test,
// so that one failure hides no other; a failing one leaves a screenshot in test-results/shell-*.png.
// All data is set up through the product's actions (tests/support/admin.ts); one app, one browser.

let app: App;
let browser: Browser;
let admin: Session;
let portalUser: Session;
let forcedUser: Session;
const listed: { id: string; username: string }[] = [];
let edited: { id: string; username: string };
let endpointName: string;
let skillName: string;
const NOTHING = "zz-no-user-matches-this";

type Role = "anon" | "admin" | "user" | "forced";
const contexts = new Map<string, Promise<BrowserContext>>();

/** One browser context per role and viewport, made on first use and shared by the tests. */
function contextFor(role: Role, viewport: Viewport): Promise<BrowserContext> {
  const key = `${role}-${viewport.width}-${viewport.colorScheme ?? "light"}`;
  if (!contexts.has(key)) {
    const session = { anon: undefined, admin, user: portalUser, forced: forcedUser }[role];
    contexts.set(key, auditContext(browser, app.url, viewport, session));
  }
  return contexts.get(key)!;
}

/** A page of the app, opened and settled; it must have been rendered under the nonce policy. */
async function open(role: Role, viewport: Viewport, path: string): Promise<Page> {
  const page = await openPage(await contextFor(role, viewport), app.url + path);
  await expectPageHasCsp(page, `${path} (${role}, ${viewport.width})`);
  return page;
}

beforeAll(async () => {
  app = await startApp({ valkey: true, smtp: true });
  browser = await launchChromium();
  admin = await signedInAdmin(app);
  // A few users of different roles and states for the list, one of them with a long display name.
  for (const [prefix, role, displayName] of [
    ["ada", "user", "Ada Lovelace"],
    ["grace", "subscriber", "Grace Brewster Murray Hopper"],
    ["alan", "expert", null],
  ] as const) {
    const username = unique(prefix);
    listed.push({ id: await createUserAs(app, admin, username, role, displayName ? { displayName } : {}), username });
  }
  await usersActionAs(app, admin, "setActiveAction", { id: listed[2].id, active: false });
  // The user whose edit dialog is audited: limits set and an API key, so that every tab has content.
  const username = unique("edited");
  edited = { id: await createUserAs(app, admin, username, "user", { displayName: "Edith Editor", dailyLimit: "5000", monthlyLimit: "100000" }), username };
  await createKeyAs(app, admin, edited.id, "laptop");
  endpointName = unique("endpoint");
  await createEndpointAs(app, admin, {
    name: endpointName,
    baseUrl: "https://api.example.test/v1",
    apiKey: "sk-audit-upstream-key-123456",
    models: "model-a\nmodel-b\nmodel-c",
    eurPerMInput: "2.5",
    eurPerMOutput: "10",
  });
  // A skill held by a user (its edit and delete dialogs then speak of a grant) and an MCP tool.
  skillName = unique("skill");
  for (const [kind, name] of [
    ["skill", skillName],
    ["mcp_tool", unique("tool")],
  ]) {
    const r = await callAction(app.url, "/skills", "createCatalogEntryAction", { kind, name, description: "Used by the audit" }, { session: admin });
    expect(r.state, r.body).toMatchObject({ ok: true });
  }
  await grantAs(app, admin, listed[0].id, "skill", [skillName]);
  portalUser = (await readyUser(app, admin, { username: unique("portal") })).session;
  // Created by the admin and signed in once: the forced password change is still ahead of them.
  const forced = unique("forced");
  await createUserAs(app, admin, forced);
  forcedUser = await loginOrThrow(app.url, forced, FIRST_PASSWORD);
});

// Every page and dialog runs under the app's real CSP: after each test, no browser context has seen a
// violation since the test before, and every page it loaded came with a policy and a nonce of its own.
afterEach(async ({ task }) => {
  await expectNoCspViolationsIn(contexts, task.name);
});

afterAll(async () => {
  await browser?.close();
  // The server's output, for the failures that come from it.
  mkdirSync("test-results", { recursive: true });
  if (app) writeFileSync("test-results/shell-app.log", app.logs());
  await app?.stop();
});

// ---------------------------------------------------------------------------------------------------
// Layout and axe: every page and every dialog at both viewports.

type Target = {
  name: string;
  role: Role;
  path: () => string;
  /** Something done on the page before it is checked (e.g. rows selected). */
  prepare?: (page: Page) => Promise<void>;
  /** A dialog: how to open it on the page, and which button must be in view. */
  dialog?: { open: (page: Page) => Promise<void>; button: DialogButton };
};

const clickAndWait = async (page: Page, target: Locator) => {
  await target.click();
  await page.getByRole("dialog").waitFor();
};

/** The first listed user's row selected on /users (its search), which brings the bulk bar. */
const selectFirstListed = async (page: Page) => {
  await page.getByRole("checkbox", { name: `Select ${listed[0].username}`, exact: true }).check();
  await page.getByRole("button", { name: "Grant or revoke permissions…" }).waitFor();
};

const openBulk = async (page: Page) => {
  await selectFirstListed(page);
  await clickAndWait(page, page.getByRole("button", { name: "Grant or revoke permissions…" }));
};

const tab = (name: string) => async (page: Page) => {
  await page.getByRole("dialog").waitFor();
  await page.getByRole("dialog").getByRole("tab", { name }).click();
  await page.getByRole("dialog").getByRole("tabpanel").waitFor();
};

const TARGETS: Target[] = [
  { name: "/login", role: "anon", path: () => "/login" },
  { name: "/change-password (forced)", role: "forced", path: () => "/change-password" },
  { name: "/change-password (voluntary)", role: "admin", path: () => "/change-password" },
  { name: "/users", role: "admin", path: () => "/users" },
  { name: "/users (search finding nothing)", role: "admin", path: () => `/users?q=${NOTHING}` },
  { name: "/endpoints", role: "admin", path: () => "/endpoints" },
  { name: "/skills", role: "admin", path: () => "/skills" },
  { name: "/mcp-tools", role: "admin", path: () => "/mcp-tools" },
  { name: "/users (a row selected)", role: "admin", path: () => `/users?q=${listed[0].username}`, prepare: selectFirstListed },
  { name: "/user/dashboard (portal)", role: "user", path: () => "/user/dashboard" },
  { name: "/user/billing (portal)", role: "user", path: () => "/user/billing" },
  { name: "/user/keys (portal)", role: "user", path: () => "/user/keys" },
  { name: "/user/usage (portal)", role: "user", path: () => "/user/usage" },
  { name: "/user/profile (portal)", role: "user", path: () => "/user/profile" },
  { name: "/user/forgot-password", role: "anon", path: () => "/user/forgot-password" },
  { name: "/user/reset-password (a link that does not work)", role: "anon", path: () => "/user/reset-password?token=not-a-real-token" },
  { name: "/no-such-page", role: "admin", path: () => "/no-such-page" },
  { name: "Create User dialog", role: "admin", path: () => "/users", dialog: { open: (p) => clickAndWait(p, p.getByRole("button", { name: "+ Create User" })), button: "submit" } },
  ...(["Budget", "Permissions", "API Keys", "Usage"] as const).map(
    (name): Target => ({
      name: `Edit user dialog, ${name} tab`,
      role: "admin",
      path: () => `/users?edit=${edited.id}`,
      dialog: { open: tab(name), button: name === "Budget" || name === "API Keys" ? "submit" : "none" },
    }),
  ),
  {
    name: "Delete user confirmation",
    role: "admin",
    path: () => "/users",
    dialog: { open: (p) => clickAndWait(p, p.getByRole("button", { name: `Delete ${listed[0].username}`, exact: true })), button: { name: "Delete user" } },
  },
  { name: "Add endpoint dialog", role: "admin", path: () => "/endpoints", dialog: { open: (p) => clickAndWait(p, p.getByRole("button", { name: "+ Add endpoint" })), button: "submit" } },
  {
    name: "Edit endpoint dialog",
    role: "admin",
    path: () => "/endpoints",
    dialog: { open: (p) => clickAndWait(p, p.getByRole("button", { name: `Edit ${endpointName}`, exact: true })), button: "submit" },
  },
  {
    name: "Delete endpoint confirmation",
    role: "admin",
    path: () => "/endpoints",
    dialog: { open: (p) => clickAndWait(p, p.getByRole("button", { name: `Delete ${endpointName}`, exact: true })), button: { name: "Delete endpoint" } },
  },
  { name: "Add skill dialog", role: "admin", path: () => "/skills", dialog: { open: (p) => clickAndWait(p, p.getByRole("button", { name: "+ Add skill" })), button: "submit" } },
  {
    name: "Edit skill dialog",
    role: "admin",
    path: () => "/skills",
    dialog: { open: (p) => clickAndWait(p, p.getByRole("button", { name: `Edit ${skillName}`, exact: true })), button: "submit" },
  },
  {
    name: "Delete skill confirmation",
    role: "admin",
    path: () => "/skills",
    dialog: { open: (p) => clickAndWait(p, p.getByRole("button", { name: `Delete ${skillName}`, exact: true })), button: { name: "Delete skill" } },
  },
  { name: "Add MCP tool dialog", role: "admin", path: () => "/mcp-tools", dialog: { open: (p) => clickAndWait(p, p.getByRole("button", { name: "+ Add MCP tool" })), button: "submit" } },
  { name: "Bulk permissions dialog", role: "admin", path: () => `/users?q=${listed[0].username}`, dialog: { open: openBulk, button: "submit" } },
];

for (const target of TARGETS) {
  for (const viewport of VIEWPORTS) {
    const where = `${target.name} ${viewport.width}`;
    describe(`${target.name} at ${viewport.width}×${viewport.height}`, () => {
      let page: Page | undefined;
      beforeAll(async () => {
        page = await open(target.role, viewport, target.path());
        await withScreenshot(page, `${where} open`, async () => {
          if (target.prepare) {
            await target.prepare(page!);
            await settle(page!);
          }
          if (target.dialog) {
            await target.dialog.open(page!);
            await settle(page!);
          }
        });
      });
      afterAll(async () => {
        await page?.close();
      });
      const check = (name: string, fn: (page: Page) => Promise<void>) => it(name, () => withScreenshot(page, `${where} ${name}`, () => fn(page!)));

      check("no horizontal overflow", (p) => expectNoHorizontalOverflow(p, where));
      if (!target.dialog) check("header controls on screen", (p) => expectHeaderControlsOnScreen(p, where));
      const dialog = target.dialog;
      if (dialog) check("the dialog and its submit button fit on screen", (p) => expectDialogFits(p, where, dialog.button));
      check("no serious or critical axe-core violation", (p) => expectNoSeriousAxeViolations(p, where));
      // The dark scheme changes colours only: the same page, dialog open, switched to it, needs only
      // axe's color-contrast rule (its layout and structure are the light one's, checked above).
      if (viewport === DESKTOP) {
        check("in the dark scheme, no serious or critical color-contrast violation", async (p) => {
          await p.emulateMedia({ colorScheme: "dark" });
          try {
            await expectNoSeriousAxeViolations(p, `${where} dark`, { rules: ["color-contrast"] });
          } finally {
            await p.emulateMedia({ colorScheme: "light" });
          }
        });
      }
    });
  }
}

// ---------------------------------------------------------------------------------------------------
// Focus, at 1280.

type Opener = {
  name: string;
  path: () => string;
  /** Brings the opener (e.g. selects a row for the bulk bar). */
  prepare?: (page: Page) => Promise<void>;
  opener: (page: Page) => Locator;
  openerName: () => string;
  /** What has focus when it opens: the first field, or (a confirmation) the Cancel button. */
  initial: "first-field" | { button: string };
  cancel: boolean;
};

const OPENERS: Opener[] = [
  {
    name: "Create User",
    path: () => "/users",
    opener: (p) => p.getByRole("button", { name: "+ Create User" }),
    openerName: () => '"+ Create User" button',
    initial: "first-field",
    cancel: true,
  },
  {
    name: "Edit user",
    path: () => "/users",
    opener: (p) => p.getByRole("link", { name: `Edit ${listed[0].username}`, exact: true }),
    openerName: () => `"Edit ${listed[0].username}" link`,
    // Its first field is the role select, which saves on every change (arrow keys included): focus
    // starts on the first tab instead.
    initial: { button: "Budget" },
    cancel: false,
  },
  {
    name: "Delete user confirmation",
    path: () => "/users",
    opener: (p) => p.getByRole("button", { name: `Delete ${listed[0].username}`, exact: true }),
    openerName: () => `"Delete ${listed[0].username}" button`,
    initial: { button: "Cancel" },
    cancel: true,
  },
  {
    name: "Add endpoint",
    path: () => "/endpoints",
    opener: (p) => p.getByRole("button", { name: "+ Add endpoint" }),
    openerName: () => '"+ Add endpoint" button',
    initial: "first-field",
    cancel: true,
  },
  {
    name: "Edit endpoint",
    path: () => "/endpoints",
    opener: (p) => p.getByRole("button", { name: `Edit ${endpointName}`, exact: true }),
    openerName: () => `"Edit ${endpointName}" button`,
    initial: "first-field",
    cancel: true,
  },
  {
    name: "Delete endpoint confirmation",
    path: () => "/endpoints",
    opener: (p) => p.getByRole("button", { name: `Delete ${endpointName}`, exact: true }),
    openerName: () => `"Delete ${endpointName}" button`,
    initial: { button: "Cancel" },
    cancel: true,
  },
  {
    name: "Add skill",
    path: () => "/skills",
    opener: (p) => p.getByRole("button", { name: "+ Add skill" }),
    openerName: () => '"+ Add skill" button',
    initial: "first-field",
    cancel: true,
  },
  {
    name: "Edit skill",
    path: () => "/skills",
    opener: (p) => p.getByRole("button", { name: `Edit ${skillName}`, exact: true }),
    openerName: () => `"Edit ${skillName}" button`,
    initial: "first-field",
    cancel: true,
  },
  {
    name: "Delete skill confirmation",
    path: () => "/skills",
    opener: (p) => p.getByRole("button", { name: `Delete ${skillName}`, exact: true }),
    openerName: () => `"Delete ${skillName}" button`,
    initial: { button: "Cancel" },
    cancel: true,
  },
  {
    name: "Bulk permissions",
    path: () => `/users?q=${listed[0].username}`,
    prepare: selectFirstListed,
    opener: (p) => p.getByRole("button", { name: "Grant or revoke permissions…" }),
    openerName: () => '"Grant or revoke permissions…" button',
    initial: "first-field",
    cancel: true,
  },
];

/** Opens a dialog the way a keyboard user does: focus on its opener, Enter. */
async function openByKeyboard(page: Page, o: Opener): Promise<void> {
  await o.prepare?.(page);
  await o.opener(page).focus();
  await page.keyboard.press("Enter");
  await page.getByRole("dialog").waitFor();
  await settle(page);
}

/** A fresh admin page at 1280, closed after `fn`; a failure leaves a screenshot. */
async function onAdminPage(path: string, label: string, fn: (page: Page) => Promise<void>): Promise<void> {
  const page = await open("admin", DESKTOP, path);
  try {
    await withScreenshot(page, label, () => fn(page));
  } finally {
    await page.close();
  }
}

type Invalid = { name: string; path: () => string; open: (page: Page) => Promise<void>; fill: (dialog: Locator) => Promise<void>; submit: string };

const INVALID_SUBMITS: Invalid[] = [
  {
    name: "Create User (bad email)",
    path: () => "/users",
    open: (p) => clickAndWait(p, p.getByRole("button", { name: "+ Create User" })),
    fill: async (d) => {
      await d.getByLabel("Username").fill(unique("valid"));
      await d.getByLabel("Email").fill("broken");
      await d.getByLabel("Password", { exact: true }).fill("long-enough-pw");
    },
    submit: "Create user",
  },
  {
    name: "Edit user, Budget tab (bad email)",
    path: () => `/users?edit=${edited.id}`,
    open: async (p) => {
      await p.getByRole("dialog").waitFor();
    },
    fill: (d) => d.getByLabel("Email").fill("broken"),
    submit: "Save",
  },
  {
    name: "Add endpoint (bad base URL)",
    path: () => "/endpoints",
    open: (p) => clickAndWait(p, p.getByRole("button", { name: "+ Add endpoint" })),
    fill: async (d) => {
      await d.getByLabel("Name", { exact: true }).fill(unique("ep"));
      await d.getByLabel("Base URL").fill("localhost/v1");
      await d.getByLabel("Models").fill("model-a");
    },
    submit: "Add endpoint",
  },
  {
    name: "Edit endpoint (bad base URL)",
    path: () => "/endpoints",
    open: (p) => clickAndWait(p, p.getByRole("button", { name: `Edit ${endpointName}`, exact: true })),
    fill: (d) => d.getByLabel("Base URL").fill("localhost/v1"),
    submit: "Save",
  },
  {
    name: "Add skill (a name with a space)",
    path: () => "/skills",
    open: (p) => clickAndWait(p, p.getByRole("button", { name: "+ Add skill" })),
    fill: (d) => d.getByLabel("Name").fill("web search"),
    submit: "Add skill",
  },
  {
    name: "Bulk permissions (nothing chosen)",
    path: () => `/users?q=${listed[0].username}`,
    open: openBulk,
    fill: async () => undefined,
    submit: "Grant to 1 user",
  },
];

async function submitInvalid(page: Page, c: Invalid): Promise<void> {
  const dialog = page.getByRole("dialog");
  await c.fill(dialog);
  await dialog.getByRole("button", { name: c.submit, exact: true }).click();
  await expect
    .poll(() => dialog.locator('[aria-invalid="true"]').count(), { message: `${c.name}: no field got marked aria-invalid="true" after the invalid submit`, timeout: 10_000 })
    .toBeGreaterThan(0);
}

describe("focus at 1280×800", () => {
  // One page per dialog: opened by keyboard, closed by Escape, and (where it has one) opened again and
  // closed by Cancel; each step names itself when it fails.
  for (const o of OPENERS) {
    const initial = o.initial === "first-field" ? "its first form field" : `its ${o.initial.button} button`;
    it(`opening ${o.name} puts focus on ${initial}; closing it with Escape${o.cancel ? " or Cancel" : ""} returns focus to its opener`, () =>
      onAdminPage(o.path(), `focus ${o.name}`, async (page) => {
        await openByKeyboard(page, o);
        await expectDialogFocus(page, `focus on open of ${o.name}`, o.initial);
        await page.keyboard.press("Escape");
        await expectFocusBackOn(page, `focus after Escape in ${o.name}`, o.opener(page), o.openerName());
        if (o.cancel) {
          await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
          await openByKeyboard(page, { ...o, prepare: undefined });
          await page.getByRole("dialog").getByRole("button", { name: "Cancel", exact: true }).click();
          await expectFocusBackOn(page, `focus after Cancel in ${o.name}`, o.opener(page), o.openerName());
        }
      }));
  }

  for (const c of INVALID_SUBMITS) {
    it(`a failed submit of ${c.name} puts focus on the first invalid field`, () =>
      onAdminPage(c.path(), `focus invalid ${c.name}`, async (page) => {
        await c.open(page);
        await submitInvalid(page, c);
        await expectDialogFocus(page, `focus after the failed submit of ${c.name}`, "first-invalid");
      }));
  }

  for (const c of [INVALID_SUBMITS[0], INVALID_SUBMITS[2]]) {
    it(`${c.name.replace(/ \(.*/, "")} reopened after a failed submit shows no stale errors or values`, () =>
      onAdminPage(c.path(), `stale ${c.name}`, async (page) => {
        await c.open(page);
        await submitInvalid(page, c);
        const errors = await page.getByRole("dialog").locator('[aria-invalid="true"]').evaluateAll((els) =>
          els.map((el) => document.getElementById(el.getAttribute("aria-describedby") ?? "")?.textContent?.trim() ?? "").filter(Boolean),
        );
        await page.getByRole("dialog").getByRole("button", { name: "Cancel", exact: true }).click();
        await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
        await c.open(page);
        await settle(page);
        await expectFreshDialog(page, `${c.name.replace(/ \(.*/, "")} reopened after a failed submit`, errors);
      }));
  }
});

// ---------------------------------------------------------------------------------------------------
// Feedback, at 1280: a toast after every completed action.

describe("feedback at 1280×800: a toast after each completed action", () => {
  it("create user", async () => {
    const username = unique("created");
    await onAdminPage("/users", "toast create user", async (page) => {
      await clickAndWait(page, page.getByRole("button", { name: "+ Create User" }));
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Username").fill(username);
      await dialog.getByLabel("Email").fill(`${username}@example.test`);
      await dialog.getByLabel("Password", { exact: true }).fill("long-enough-pw");
      await expectToastAfter(page, "toast after create user", () => dialog.getByRole("button", { name: "Create user", exact: true }).click());
    });
  });

  it("save in the Budget tab", async () => {
    const id = await createUserAs(app, admin, unique("budget"));
    await onAdminPage(`/users?edit=${id}`, "toast budget save", async (page) => {
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Daily limit (tokens)").fill("1234");
      await expectToastAfter(page, "toast after Save in the Budget tab", () => dialog.getByRole("button", { name: "Save", exact: true }).click());
    });
  });

  it("suspend (row button)", async () => {
    const username = unique("suspend");
    await createUserAs(app, admin, username);
    await onAdminPage(`/users?q=${username}`, "toast suspend row", async (page) => {
      await expectToastAfter(page, "toast after Suspend in the users table", () => page.getByRole("button", { name: `Suspend ${username}`, exact: true }).click());
    });
  });

  it("activate (row button)", async () => {
    const username = unique("activate");
    const id = await createUserAs(app, admin, username);
    await usersActionAs(app, admin, "setActiveAction", { id, active: false });
    await onAdminPage(`/users?q=${username}`, "toast activate row", async (page) => {
      await expectToastAfter(page, "toast after Activate in the users table", () => page.getByRole("button", { name: `Activate ${username}`, exact: true }).click());
    });
  });

  it("suspend (Budget tab)", async () => {
    const id = await createUserAs(app, admin, unique("suspend"));
    await onAdminPage(`/users?edit=${id}`, "toast suspend tab", async (page) => {
      await expectToastAfter(page, "toast after Suspend in the Budget tab", () => page.getByRole("dialog").getByRole("button", { name: "Suspend", exact: true }).click());
    });
  });

  it("activate (Budget tab)", async () => {
    const id = await createUserAs(app, admin, unique("activate"));
    await usersActionAs(app, admin, "setActiveAction", { id, active: false });
    await onAdminPage(`/users?edit=${id}`, "toast activate tab", async (page) => {
      await expectToastAfter(page, "toast after Activate in the Budget tab", () => page.getByRole("dialog").getByRole("button", { name: "Activate", exact: true }).click());
    });
  });

  it("delete user", async () => {
    const username = unique("delete");
    await createUserAs(app, admin, username);
    await onAdminPage(`/users?q=${username}`, "toast delete user", async (page) => {
      await clickAndWait(page, page.getByRole("button", { name: `Delete ${username}`, exact: true }));
      await expectToastAfter(page, "toast after deleting a user", () => page.getByRole("dialog").getByRole("button", { name: "Delete user", exact: true }).click());
    });
  });

  it("create key", async () => {
    const id = await createUserAs(app, admin, unique("keys"));
    await onAdminPage(`/users?edit=${id}`, "toast create key", async (page) => {
      const dialog = page.getByRole("dialog");
      await dialog.getByRole("tab", { name: "API Keys" }).click();
      await dialog.getByLabel("New key label").fill("laptop");
      await expectToastAfter(page, "toast after Create key", () => dialog.getByRole("button", { name: "Create key", exact: true }).click());
    });
  });

  it("add endpoint", async () => {
    await onAdminPage("/endpoints", "toast add endpoint", async (page) => {
      await clickAndWait(page, page.getByRole("button", { name: "+ Add endpoint" }));
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Name", { exact: true }).fill(unique("added"));
      await dialog.getByLabel("Base URL").fill("https://api.example.test/v1");
      await dialog.getByLabel("Models").fill("model-a");
      await expectToastAfter(page, "toast after Add endpoint", () => dialog.getByRole("button", { name: "Add endpoint", exact: true }).click());
    });
  });

  it("add skill", async () => {
    await onAdminPage("/skills", "toast add skill", async (page) => {
      await clickAndWait(page, page.getByRole("button", { name: "+ Add skill" }));
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Name").fill(unique("added-skill"));
      await expectToastAfter(page, "toast after Add skill", () => dialog.getByRole("button", { name: "Add skill", exact: true }).click());
    });
  });

  it("save skill", async () => {
    const name = unique("saved-skill");
    const r = await callAction(app.url, "/skills", "createCatalogEntryAction", { kind: "skill", name }, { session: admin });
    expect(r.state, r.body).toMatchObject({ ok: true });
    await onAdminPage("/skills", "toast save skill", async (page) => {
      await clickAndWait(page, page.getByRole("button", { name: `Edit ${name}`, exact: true }));
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Description").fill("Described at last");
      await expectToastAfter(page, "toast after saving a skill", () => dialog.getByRole("button", { name: "Save", exact: true }).click());
    });
  });

  it("delete MCP tool", async () => {
    const name = unique("doomed-tool");
    const r = await callAction(app.url, "/mcp-tools", "createCatalogEntryAction", { kind: "mcp_tool", name }, { session: admin });
    expect(r.state, r.body).toMatchObject({ ok: true });
    await onAdminPage("/mcp-tools", "toast delete MCP tool", async (page) => {
      await clickAndWait(page, page.getByRole("button", { name: `Delete ${name}`, exact: true }));
      await expectToastAfter(page, "toast after deleting an MCP tool", () => page.getByRole("dialog").getByRole("button", { name: "Delete MCP tool", exact: true }).click());
    });
  });

  it("bulk grant", async () => {
    const username = unique("bulk");
    await createUserAs(app, admin, username, "user", { modelGrants: [] });
    await onAdminPage(`/users?q=${username}`, "toast bulk grant", async (page) => {
      await page.getByRole("checkbox", { name: `Select ${username}`, exact: true }).check();
      await clickAndWait(page, page.getByRole("button", { name: "Grant or revoke permissions…" }));
      const dialog = page.getByRole("dialog");
      await dialog.getByRole("checkbox", { name: `Every model on ${endpointName}` }).check();
      await expectToastAfter(page, "toast after a bulk grant", () => dialog.getByRole("button", { name: "Grant to 1 user", exact: true }).click());
    });
  });

  it("delete endpoint", async () => {
    const name = unique("doomed");
    await createEndpointAs(app, admin, { name, baseUrl: "https://api.example.test/v1", models: "model-a" });
    await onAdminPage("/endpoints", "toast delete endpoint", async (page) => {
      await clickAndWait(page, page.getByRole("button", { name: `Delete ${name}`, exact: true }));
      await expectToastAfter(page, "toast after deleting an endpoint", () => page.getByRole("dialog").getByRole("button", { name: "Delete endpoint", exact: true }).click());
    });
  });
});

// ---------------------------------------------------------------------------------------------------
// Navigation, at 1280.

describe("navigation at 1280×800", () => {
  for (const path of ["/users", "/endpoints", "/skills", "/mcp-tools"]) {
    it(`${path}: the header's ${path} link has aria-current="page"`, () =>
      onAdminPage(path, `nav ${path}`, (page) => expectActiveNavLink(page, `nav on ${path}`, true)));
  }

  it('/user/dashboard (portal, non-admin): a header link to /user/dashboard, if any, has aria-current="page", and no other does', async () => {
    const page = await open("user", DESKTOP, "/user/dashboard");
    try {
      await withScreenshot(page, "nav /user/dashboard", () => expectActiveNavLink(page, "nav on /user/dashboard (portal)", false));
    } finally {
      await page.close();
    }
  });

  it("/change-password (voluntary, admin) shows the header with a link back to /users", () =>
    onAdminPage("/change-password", "nav change-password", (page) => expectHeaderLinkTo(page, "/change-password (voluntary) 1280", "/users")));
});

// ---------------------------------------------------------------------------------------------------
// Progress, at 1280: a change of view says it is loading until the server's answer is shown.

describe("the users list while a new view loads", () => {
  it("is marked busy with a progress bar until the filtered list arrives, then shows the wording of its count", () =>
    onAdminPage("/users", "progress while filtering", async (page) => {
      // Hold the server's answers to the list's navigations (React Server Component requests) for a moment.
      await page.route(/\/users\?/, async (route) => {
        if (route.request().headers().rsc === "1") await new Promise((r) => setTimeout(r, 800));
        await route.continue();
      });
      const list = page.getByRole("region", { name: "Users" });
      expect(await list.getAttribute("aria-busy")).toBe("false");
      await page.getByRole("combobox", { name: "Filter by role" }).selectOption("expert");
      await expect.poll(() => list.getAttribute("aria-busy"), { timeout: 2000, interval: 20 }).toBe("true");
      expect(await page.getByRole("progressbar", { name: "Loading" }).isVisible()).toBe(true);
      await page.waitForURL(/[?&]role=expert/);
      await expect.poll(() => list.getAttribute("aria-busy"), { timeout: 10_000 }).toBe("false");
      expect(await page.getByRole("progressbar").count()).toBe(0);
      const rows = await page.locator("tbody tr[data-username]").evaluateAll((trs) => trs.map((r) => r.textContent ?? ""));
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row).toContain("expert");
      expect(await page.locator(`#main-heading + p`).textContent()).toBe(rows.length === 1 ? "1 user" : `${rows.length} users`);
    }));
});
