import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { readyUser } from "../support/admin";
import type { App } from "../support/app";
import { auditContext, expectNoHorizontalOverflow, expectNoSeriousAxeViolations, expectToastAfter, openPage, VIEWPORTS, withScreenshot, type Viewport } from "../support/audit";
import { expectPageHasCsp } from "../support/csp";
import { loginOrThrow, type Session } from "../support/http";
import { browserSuite } from "../support/browser-suite";
import { unique } from "../support/names";
import { waitForMail } from "../support/smtp";

// /user/profile, /user/forgot-password and /user/reset-password in real headless Chromium against the
// built app (with the SMTP receiver), at 390×844 and 1280×800: a user changes their display name,
// e-mail (a wrong current password first: the error at its field, with the focus), timezone and
// password through the forms, each confirmed by a toast, and stays signed in; a signed-out visitor
// goes from the login page's "Forgot password?" to the mail, the link, a new password and a sign-in
// with it. axe without serious findings on every page on the way.

let app: App;
let browser: Browser;
let admin: Session;

function contextAs(name: string, viewport: Viewport, session?: Session): Promise<BrowserContext> {
  const c = auditContext(browser, app.url, viewport, session);
  suite.contexts.set(`${name}-${viewport.width}`, c);
  return c;
}

async function toastAfter(page: Page, where: string, text: string, act: () => Promise<void>) {
  await expectToastAfter(page, where, act);
  await page.locator("[data-sonner-toast]").filter({ hasText: text }).first().waitFor({ timeout: 5000 });
}

const isFocused = (l: Locator) => l.evaluate((el) => el === document.activeElement);

const suite = browserSuite("portal-profile", { valkey: true });
beforeAll(async () => {
  ({ app, browser, admin } = suite);
});

for (const viewport of VIEWPORTS) {
  const where = (what: string) => `profile ${viewport.width}: ${what}`;

  describe(`the profile at ${viewport.width}×${viewport.height}`, () => {
    it("changes the display name, e-mail, timezone and password through the forms, and stays signed in", async () => {
      const user = await readyUser(app, admin);
      const page = await openPage(await contextAs("profile", viewport, user.session), `${app.url}/user/profile`);
      await withScreenshot(page, where("journey"), async () => {
        await expectPageHasCsp(page, where("open"));
        await page.getByRole("heading", { name: "Profile", level: 1 }).waitFor();
        await expectNoHorizontalOverflow(page, where("open"));
        await expectNoSeriousAxeViolations(page, where("open"));
        const account = page.getByRole("region", { name: "Account" });
        expect(await account.getByLabel("Username").inputValue()).toBe(user.username);
        expect(await account.getByLabel("Username").getAttribute("readonly")).not.toBeNull();

        // Display name.
        await account.getByLabel("Display name").fill("Grace H.");
        await toastAfter(page, where("name"), "Display name saved", () => account.getByRole("button", { name: "Save name" }).click());
        expect((await app.db.execute({ sql: "SELECT display_name FROM users WHERE id = ?", args: [user.id] })).rows[0].display_name).toBe("Grace H.");

        // E-mail: a wrong current password first (error at the field, which takes the focus), then the right one.
        const email = page.getByRole("region", { name: "E-mail address" });
        const next = `${unique("pmail")}@example.test`;
        await email.getByLabel("E-mail address").fill(next);
        await email.getByLabel("Current password").fill("wrong-password");
        await email.getByRole("button", { name: "Change e-mail" }).click();
        await email.getByText("The current password is not correct").first().waitFor();
        await expect.poll(() => isFocused(email.getByLabel("Current password"))).toBe(true);
        await expectNoSeriousAxeViolations(page, where("email error"));
        await email.getByLabel("Current password").fill(user.password);
        await toastAfter(page, where("email"), "E-mail address changed", () => email.getByRole("button", { name: "Change e-mail" }).click());
        await waitForMail(inject("mailDir"), `${user.username}@example.test`);

        // Timezone.
        const tz = page.getByRole("region", { name: "Timezone" });
        expect(await tz.getByTestId("timezone-note").innerText()).toContain("next day");
        await tz.getByLabel("Timezone (UTC offset)").selectOption("5.5");
        await toastAfter(page, where("timezone"), "Timezone saved", () => tz.getByRole("button", { name: "Save timezone" }).click());

        // Password: mismatch first, then a real change; the form empties and the browser stays signed in.
        const pw = page.getByRole("region", { name: "Password" });
        await pw.getByLabel("Current password").fill(user.password);
        await pw.getByLabel("New password", { exact: true }).fill("profile-new-pass");
        await pw.getByLabel("Repeat new password").fill("profile-other-pass");
        await pw.getByRole("button", { name: "Change password" }).click();
        await pw.getByText("The passwords do not match").first().waitFor();
        await expect.poll(() => isFocused(pw.getByLabel("Repeat new password"))).toBe(true);
        await pw.getByLabel("Repeat new password").fill("profile-new-pass");
        await toastAfter(page, where("password"), "Password changed", () => pw.getByRole("button", { name: "Change password" }).click());
        expect(await pw.getByLabel("Current password").inputValue()).toBe("");
        await expectNoSeriousAxeViolations(page, where("saved"));

        await page.reload({ waitUntil: "networkidle" });
        expect(new URL(page.url()).pathname).toBe("/user/profile");
        expect(await page.getByRole("region", { name: "E-mail address" }).getByLabel("E-mail address").inputValue()).toBe(next);
        // The session from before the change has ended.
        const old = await fetch(`${app.url}/user/profile`, { redirect: "manual", headers: { cookie: user.session.cookie } });
        expect(old.status).toBe(307);
        await loginOrThrow(app.url, user.username, "profile-new-pass");
      });
    });

    it("resets a forgotten password: login page → forgot → mail → link → new password → sign in", async () => {
      const user = await readyUser(app, admin);
      const page = await openPage(await contextAs("forgot", viewport), `${app.url}/login`);
      await withScreenshot(page, where("forgot"), async () => {
        await page.getByRole("link", { name: "Forgot password?" }).click();
        await page.waitForURL(/\/user\/forgot-password$/);
        await page.getByRole("heading", { name: "Forgot your password?", level: 1 }).waitFor();
        await expectNoHorizontalOverflow(page, where("forgot page"));
        await expectNoSeriousAxeViolations(page, where("forgot page"));
        await page.getByLabel("E-mail address").fill(`${user.username}@example.test`);
        await page.getByRole("button", { name: "Send reset link" }).click();
        await page.getByRole("status").filter({ hasText: "If an active account uses this address" }).waitFor();
        await expectNoSeriousAxeViolations(page, where("forgot sent"));

        const mail = await waitForMail(inject("mailDir"), `${user.username}@example.test`);
        const link = /(http:\/\/\S+\/user\/reset-password\?token=[A-Za-z0-9_-]+)/.exec(mail.text)![1];
        await page.goto(link, { waitUntil: "networkidle" });
        await page.getByRole("heading", { name: "Choose a new password", level: 1 }).waitFor();
        await expectNoHorizontalOverflow(page, where("reset page"));
        await expectNoSeriousAxeViolations(page, where("reset page"));
        await page.getByLabel("New password", { exact: true }).fill("reset-by-link-1");
        await page.getByLabel("Repeat new password").fill("reset-by-link-1");
        await page.getByRole("button", { name: "Set new password" }).click();
        await page.getByRole("status").filter({ hasText: "Your password has been changed" }).waitFor();
        await expectNoSeriousAxeViolations(page, where("reset done"));

        await page.getByRole("link", { name: "Sign in with your new password" }).click();
        await page.waitForURL(/\/login/);
        await page.getByLabel("Username").fill(user.username);
        await page.getByLabel("Password").fill("reset-by-link-1");
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.waitForURL((u) => u.pathname.startsWith("/user/"));
        expect(new URL(page.url()).pathname).toBe("/user/dashboard");

        // The link worked once.
        await page.goto(link, { waitUntil: "networkidle" });
        await page.getByRole("heading", { name: "This link does not work", level: 1 }).waitFor();
        await expectNoSeriousAxeViolations(page, where("used link"));
      });
    });
  });
}

describe("forgot / reset password without JavaScript", () => {
  it("works as plain forms: ask, follow the mailed link, set a new password", async () => {
    const user = await readyUser(app, admin);
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    try {
      const page = await context.newPage();
      await page.goto(`${app.url}/user/forgot-password`);
      await page.getByLabel("E-mail address").fill(`${user.username}@example.test`);
      await page.getByRole("button", { name: "Send reset link" }).click();
      await page.waitForURL(/\/user\/forgot-password\?sent=1$/);
      await page.getByRole("status").filter({ hasText: "If an active account uses this address" }).waitFor();

      const mail = await waitForMail(inject("mailDir"), `${user.username}@example.test`);
      const link = /(http:\/\/\S+\/user\/reset-password\?token=[A-Za-z0-9_-]+)/.exec(mail.text)![1];
      await page.goto(link);
      await page.getByLabel("New password", { exact: true }).fill("no-script-pass");
      await page.getByLabel("Repeat new password").fill("no-script-pass");
      await page.getByRole("button", { name: "Set new password" }).click();
      await page.waitForURL(/\/user\/reset-password\?done=1$/);
      await page.getByRole("status").filter({ hasText: "Your password has been changed" }).waitFor();
      expect(page.url()).not.toContain("no-script-pass");
      await loginOrThrow(app.url, user.username, "no-script-pass");
    } finally {
      await context.close();
    }
  });
});

describe("forms sent before the page has hydrated (JavaScript off)", () => {
  it("are POSTs: the sign-in and profile password forms never put a password in the address, and nothing changes", async () => {
    const user = await readyUser(app, admin);
    const hashBefore = (await app.db.execute({ sql: "SELECT hashed_password FROM users WHERE id = ?", args: [user.id] })).rows[0].hashed_password;
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      await page.goto(`${app.url}/login`);
      await page.getByLabel("Username").fill(user.username);
      await page.getByLabel("Password", { exact: true }).fill("typed-before-hydration");
      const [signIn] = await Promise.all([page.waitForRequest((r) => r.isNavigationRequest()), page.getByRole("button", { name: "Sign in" }).click()]);
      expect(signIn.method()).toBe("POST");
      await page.waitForLoadState();
      expect(page.url()).not.toContain("typed-before-hydration");

      await context.addCookies(user.session.cookie.split("; ").map((c) => ({ name: c.slice(0, c.indexOf("=")), value: c.slice(c.indexOf("=") + 1), url: app.url })));
      await page.goto(`${app.url}/user/profile`);
      const pw = page.getByRole("region", { name: "Password" });
      await pw.getByLabel("Current password").fill(user.password);
      await pw.getByLabel("New password", { exact: true }).fill("typed-new-password");
      await pw.getByLabel("Repeat new password").fill("typed-new-password");
      const [change] = await Promise.all([page.waitForRequest((r) => r.isNavigationRequest()), pw.getByRole("button", { name: "Change password" }).click()]);
      expect(change.method()).toBe("POST");
      const answer = await change.response();
      expect(answer?.status()).toBeLessThan(500);
      expect(page.url()).not.toContain("typed-new-password");
      expect((await app.db.execute({ sql: "SELECT hashed_password FROM users WHERE id = ?", args: [user.id] })).rows[0].hashed_password).toBe(hashBefore);
    } finally {
      await context.close();
    }
  });
});
