import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startApp, type App } from "../support/app";
import { launchChromium, watchedContext } from "../support/browser";
import { expectNoCspViolations, expectPageHasCsp } from "../support/csp";
import { unique } from "../support/names";
import { waitForMail } from "../support/smtp";
import { storySteps } from "../support/steps";
import { toastWith } from "../support/toast";

// The whole life cycle of a user, clicked through in real headless Chromium against the built app
// (real SQLite file, real valkey-server, real SMTP receiver): one test of named steps, each building on
// the one before, on an app of its own.

let app: App;
let browser: Browser;
let adminCtx: BrowserContext;
let userCtx: BrowserContext;
let admin: Page;
let alice: Page;

const ADMIN_PW = "a-much-better-password";
// Unique: the SMTP receiver is shared with every other test file.
const ALICE = unique("alice");

async function dbValue(sql: string, args: string[] = []) {
  const { rows } = await app.db.execute({ sql, args });
  return rows[0];
}

async function signIn(page: Page, username: string, password: string) {
  await page.goto(`${app.url}/login`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function changePassword(page: Page, current: string, next: string) {
  await page.waitForURL(/\/change-password$/);
  await page.getByLabel("Current password").fill(current);
  await page.getByLabel("New password", { exact: true }).fill(next);
  await page.getByLabel("Repeat new password").fill(next);
  await page.getByRole("button", { name: "Change password" }).click();
}

beforeAll(async () => {
  app = await startApp({ valkey: true });
  browser = await launchChromium();
  adminCtx = await watchedContext(browser);
  userCtx = await watchedContext(browser);
  admin = await adminCtx.newPage();
  alice = await userCtx.newPage();
});

// A failing step leaves screenshots of both browsers in test-results/ to look at. After each step,
// neither browser has seen a CSP violation, and every page they loaded had a policy of its own.
const step = storySteps("lifecycle", () => ({ admin, user: alice }), async () => {
  await expectNoCspViolations(adminCtx, "the admin's browser");
  await expectNoCspViolations(userCtx, "the user's browser");
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe("an admin manages a user through their whole life cycle", () => {
  it("creates, edits, suspends, resets and deletes a user, each change felt in the user's own browser and written to the audit trail", async () => {
    await step("first login as admin/changeme forces a password change, then lands on /users", async () => {
      await signIn(admin, "admin", "changeme");
      await expectPageHasCsp(admin, "/login");
      await changePassword(admin, "changeme", ADMIN_PW);
      await admin.waitForURL(/\/users$/);
      await expect.poll(() => admin.getByRole("heading", { name: "Users" }).isVisible()).toBe(true);
      expect(await admin.getByRole("heading", { name: "Users" }).locator("xpath=following-sibling::p").textContent()).toBe("1 user");
      expect((await dbValue("SELECT must_change_password FROM users WHERE username = 'admin'")).must_change_password).toBe(0);
      await expectPageHasCsp(admin, "/users");
    });

    await step("creates a user with the dialog, and the welcome mail arrives", async () => {
      await admin.getByRole("button", { name: "+ Create User" }).click();
      const dialog = admin.getByRole("dialog");
      await dialog.getByLabel("Username").fill(ALICE);
      await dialog.getByLabel("Email").fill(`${ALICE}@example.test`);
      await dialog.getByLabel("Display name").fill("Alice Liddell");
      await dialog.getByLabel("Password", { exact: true }).fill("alice-first-pw");
      await dialog.getByLabel("Daily limit (tokens)").fill("5000");
      await dialog.getByLabel("Send welcome e-mail").check();
      await dialog.getByRole("button", { name: "Create user" }).click();
      await expect.poll(() => toastWith(admin, "User created").textContent()).toContain("welcome e-mail sent");
      const mail = await waitForMail(inject("mailDir"), `${ALICE}@example.test`);
      expect(mail.subject).toBe("Your Tollgate account");
      expect(mail.text).toContain(`Username:   ${ALICE}`);
      expect(mail.text).toContain(`${app.url}/login`);
      expect(mail.text).not.toContain("alice-first-pw");
      expect(await dbValue("SELECT role, daily_limit FROM users WHERE username = ?", [ALICE])).toMatchObject({ role: "user", daily_limit: 5000 });
    });

    await step("shows field errors from the server and keeps the dialog open", async () => {
      await admin.getByRole("button", { name: "+ Create User" }).click();
      const dialog = admin.getByRole("dialog");
      await dialog.getByLabel("Username").fill(ALICE);
      await dialog.getByLabel("Email").fill("broken");
      await dialog.getByLabel("Password", { exact: true }).fill("short");
      await dialog.getByRole("button", { name: "Create user" }).click();
      await expect.poll(() => dialog.getByText("Enter a valid email address").isVisible()).toBe(true);
      expect(await dialog.getByText("Password must be at least 8 characters").isVisible()).toBe(true);
      // With the format fixed, the server reports the taken username at its field.
      await dialog.getByLabel("Email").fill("other@example.test");
      await dialog.getByLabel("Password", { exact: true }).fill("long-enough-pw");
      await dialog.getByRole("button", { name: "Create user" }).click();
      await expect.poll(() => dialog.getByText("This username is taken").isVisible()).toBe(true);
      expect(await dialog.getByLabel("Username").getAttribute("aria-invalid")).toBe("true");
      await dialog.getByRole("button", { name: "Cancel" }).click();
      // Neither refused attempt wrote a user: the one created before is the only one of these.
      expect((await dbValue("SELECT count(*) AS n FROM users WHERE username = ? OR email IN ('broken', 'other@example.test')", [ALICE])).n).toBe(1);
    });

    await step("finds the user by search, with the view in the URL", async () => {
      await admin.getByRole("searchbox", { name: "Search users" }).fill("liddell");
      await admin.waitForURL(/[?&]q=liddell/);
      await expect.poll(() => admin.locator("tbody tr").count()).toBe(1);
      expect(await admin.locator("tbody tr").first().getAttribute("data-username")).toBe(ALICE);
      // A reload shows the same view.
      await admin.reload();
      expect(await admin.getByRole("searchbox", { name: "Search users" }).inputValue()).toBe("liddell");
      expect(await admin.locator("tbody tr").count()).toBe(1);
    });

    await step("changes the role in the edit dialog without pressing save", async () => {
      await admin.getByRole("link", { name: `Edit ${ALICE}` }).click();
      const dialog = admin.getByRole("dialog");
      await expect.poll(() => dialog.getByRole("tab", { name: "Budget" }).isVisible()).toBe(true);
      for (const tab of ["Permissions", "API Keys", "Usage"]) expect(await dialog.getByRole("tab", { name: tab }).isVisible()).toBe(true);
      await dialog.getByLabel("Role").selectOption("subscriber");
      await expect.poll(() => dialog.getByText("Role saved: subscriber").isVisible()).toBe(true);
      await expect.poll(() => toastWith(admin, "Role saved: subscriber").count()).toBe(1);
      expect((await dbValue("SELECT role FROM users WHERE username = ?", [ALICE])).role).toBe("subscriber");
    });

    await step("sets limits and the budget type, and shows usage computed from the ledger", async () => {
      const dialog = admin.getByRole("dialog");
      await dialog.getByLabel("Daily limit (tokens)").fill("1000");
      await dialog.getByLabel("Monthly limit (tokens)").fill("20000");
      await dialog.getByLabel("Total limit (tokens)").fill("");
      await dialog.getByLabel("Budget type").selectOption("one_time");
      await dialog.getByRole("button", { name: "Save", exact: true }).click();
      await expect.poll(() => dialog.getByText("Saved.").isVisible()).toBe(true);
      await expect.poll(() => toastWith(admin, `${ALICE}: changes saved.`).count()).toBe(1);
      expect(await dbValue("SELECT daily_limit, monthly_limit, total_limit, budget_type FROM users WHERE username = ?", [ALICE])).toMatchObject({
        daily_limit: 1000,
        monthly_limit: 20000,
        total_limit: null,
        budget_type: "one_time",
      });
      await expect.poll(() => dialog.getByTestId("budget-monthly").textContent()).toContain("Since budget set");
      expect(await dialog.getByTestId("budget-daily").textContent()).toContain("0 / 1,000 tokens");
      expect(await dialog.getByRole("progressbar", { name: "One-time allotment used" }).getAttribute("aria-valuemax")).toBe("20000");
    });

    await step("creates an API key on the API Keys tab: shown once, then only its prefix; suspending it stops it", async () => {
      const dialog = admin.getByRole("dialog");
      await dialog.getByRole("tab", { name: "API Keys" }).click();
      await dialog.getByLabel("New key label").fill("laptop");
      await dialog.getByRole("button", { name: "Create key" }).click();
      await expect.poll(() => dialog.getByTestId("new-key").isVisible()).toBe(true);
      await expect.poll(() => toastWith(admin, "API key created").count()).toBe(1);
      expect(await dialog.getByLabel("New key label").inputValue()).toBe(""); // ready for the next one
      const key = (await dialog.getByLabel("New API key").textContent())!.trim();
      expect(key).toMatch(/^tg-sk-[0-9a-f]{48}$/);
      const prefix = key.slice(0, 16);
      await expect.poll(() => dialog.locator(`tr[data-key-prefix="${prefix}"]`).textContent()).toContain("laptop");
      const models = () => fetch(`${app.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);
      expect(await models()).toBe(200);

      // Reopened, the dialog lists the key by its prefix only.
      await admin.reload();
      await admin.getByRole("dialog").getByRole("tab", { name: "API Keys" }).click();
      expect(await admin.getByRole("dialog").getByTestId("new-key").count()).toBe(0);
      expect(await admin.content()).not.toContain(key);
      const row = admin.getByRole("dialog").locator(`tr[data-key-prefix="${prefix}"]`);
      expect(await row.textContent()).toContain(`${prefix}…`);

      await admin.getByRole("button", { name: `Suspend key ${prefix}` }).click();
      await expect.poll(() => row.textContent()).toContain("Suspended");
      await expect.poll(() => toastWith(admin, `Key ${prefix}… suspended.`).count()).toBe(1);
      expect(await models()).toBe(401);
      await admin.getByRole("button", { name: `Reactivate key ${prefix}` }).click();
      await expect.poll(() => row.textContent()).toContain("Active");
      await expect.poll(() => toastWith(admin, `Key ${prefix}… reactivated.`).count()).toBe(1);
      expect(await models()).toBe(200);
      await admin.getByRole("dialog").getByRole("tab", { name: "Budget" }).click();
    });

    await step("the user signs in in a second browser, changes the given password and reaches the portal", async () => {
      await signIn(alice, ALICE, "alice-first-pw");
      await changePassword(alice, "alice-first-pw", "alice-own-pw-1");
      await alice.waitForURL(/\/user\/dashboard$/);
      await expect.poll(() => toastWith(alice, "Password changed.").count()).toBe(1);
      expect(await alice.getByRole("heading", { name: /Hello, Alice Liddell/ }).isVisible()).toBe(true);
    });

    await step("suspending throws the user's open session out and refuses their login", async () => {
      const dialog = admin.getByRole("dialog");
      await dialog.getByRole("button", { name: "Suspend" }).click();
      await expect.poll(() => dialog.getByText("User suspended").isVisible()).toBe(true);
      await expect.poll(() => toastWith(admin, "User suspended").count()).toBe(1);
      expect((await dbValue("SELECT is_active FROM users WHERE username = ?", [ALICE])).is_active).toBe(0);
      await alice.reload();
      await alice.waitForURL(/\/login/);
      await signIn(alice, ALICE, "alice-own-pw-1");
      await expect.poll(() => alice.locator("form [role=alert]").textContent()).toBe("Invalid username or password.");
    });

    await step("activating lets them in again", async () => {
      const dialog = admin.getByRole("dialog");
      await dialog.getByRole("button", { name: "Activate" }).click();
      await expect.poll(() => dialog.getByText("User activated").isVisible()).toBe(true);
      await expect.poll(() => toastWith(admin, "User activated").count()).toBe(1);
      await signIn(alice, ALICE, "alice-own-pw-1");
      await alice.waitForURL(/\/user\/dashboard$/);
    });

    await step("an admin password reset ends the session; the new password works and must be changed", async () => {
      const dialog = admin.getByRole("dialog");
      await dialog.getByLabel("New password").fill("reset-by-the-admin");
      expect(await dialog.getByLabel("Must change at next login").isChecked()).toBe(true);
      await dialog.getByRole("button", { name: "Reset password" }).click();
      await expect.poll(() => dialog.getByText("Password reset").isVisible()).toBe(true);
      await expect.poll(() => toastWith(admin, `${ALICE}: password reset.`).count()).toBe(1);
      expect(await dialog.getByLabel("New password").inputValue()).toBe(""); // the typed password does not linger
      await alice.reload();
      await alice.waitForURL(/\/login/);
      await signIn(alice, ALICE, "reset-by-the-admin");
      await changePassword(alice, "reset-by-the-admin", "alice-own-pw-2");
      await alice.waitForURL(/\/user\/dashboard$/);
    });

    await step("deletes the user after a confirmation naming them", async () => {
      await admin.keyboard.press("Escape");
      await admin.waitForURL((u) => !u.searchParams.has("edit"));
      await admin.getByRole("button", { name: `Delete ${ALICE}` }).click();
      const confirm = admin.getByRole("dialog");
      expect(await confirm.getByRole("heading").textContent()).toBe(`Delete ${ALICE}?`);
      await confirm.getByRole("button", { name: "Delete user" }).click();
      await expect.poll(() => admin.locator("tbody tr[data-username]").count()).toBe(0);
      await expect.poll(() => toastWith(admin, `User ${ALICE} deleted.`).count()).toBe(1);
      // The row that had focus is gone: focus is on the page's heading.
      expect(await admin.evaluate(() => document.activeElement?.id)).toBe("main-heading");
      // The search still says "liddell" and finds nothing; Clear filters shows everyone again.
      await admin.getByRole("link", { name: "Clear filters" }).click();
      await admin.waitForURL((u) => !u.searchParams.has("q"));
      await expect.poll(() => admin.locator("tbody tr[data-username]").count()).toBeGreaterThan(0);
      expect(await admin.getByRole("searchbox", { name: "Search users" }).inputValue()).toBe("");
      expect(await dbValue("SELECT count(*) AS n FROM users WHERE username = ?", [ALICE])).toMatchObject({ n: 0 });
      await alice.reload();
      await alice.waitForURL(/\/login/);
    });

    await step("writes the audit trail of all of it under the admin's name", async () => {
      const { rows } = await app.db.execute({ sql: "SELECT actor_name, action FROM audit_log WHERE target_name = ? OR target_name LIKE ? ORDER BY id", args: [ALICE, `${ALICE}:%`] });
      expect(rows.map((r) => r.action)).toEqual([
        "user.create",
        "user.welcome_mail",
        "user.role",
        "user.update",
        "key.create",
        "key.suspend",
        "key.reactivate",
        "user.password_change",
        "user.suspend",
        "user.activate",
        "user.password_reset",
        "user.password_change",
        "user.delete",
      ]);
      expect(new Set(rows.filter((r) => !String(r.action).startsWith("user.password_change")).map((r) => r.actor_name))).toEqual(new Set(["admin"]));
    });
  });
});
