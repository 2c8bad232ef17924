import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEndpointAs, createUserAs, FIRST_PASSWORD, signedInAdmin } from "../support/admin";
import { startApp, type App } from "../support/app";
import { auditContext, expectNoHorizontalOverflow, expectNoSeriousAxeViolations, expectToastAfter, PHONE, VIEWPORTS, type Viewport } from "../support/audit";
import { launchChromium } from "../support/browser";
import { expectNoCspViolationsIn, expectPageHasCsp } from "../support/csp";
import { loginOrThrow, type Session } from "../support/http";
import { MOCK_REPLY_CHUNKS, startMockLlm, type MockLlm } from "../support/mock-llm";
import { unique } from "../support/names";
import { waitForMail } from "../support/smtp";
import { storySteps } from "../support/steps";
import { formatAtOffset } from "@/lib/timezone";

// The whole portal journey of a new user, on a phone (390×844) and on a laptop (1280×800), in real headless Chromium against the
// built app, the SMTP receiver and the mock upstream: an admin creates the account; the user signs in,
// makes the forced password change, creates a key, copies the OpenAI (JavaScript) snippet and runs it
// as it is with node and the official `openai` package; finds the call on the Usage page and in
// Billing; moves to UTC+05:30 and sees the call's time follow; changes the password (a session signed
// in elsewhere ends, this one stays); signs out; and gets back in through "Forgot password?" and the
// mailed link. Every move goes through the portal's menu, as a user moves (on the phone, its drawer);
// every page on the way passes axe and fits the screen.

const run = promisify(execFile);
const PASSWORDS = { chosen: "journey-chosen-1", changed: "journey-changed-2", reset: "journey-reset-3" };

let app: App;
let mock: MockLlm;
let browser: Browser;
let admin: Session;
let context: BrowserContext;
let page: Page;
let viewport: Viewport;
let username: string;
let email: string;
const model = unique("journey-model");

beforeAll(async () => {
  mock = await startMockLlm();
  app = await startApp({ valkey: true, smtp: true });
  browser = await launchChromium();
  admin = await signedInAdmin(app);
  await createEndpointAs(app, admin, { name: unique("journey-ep"), baseUrl: `${mock.url}/v1`, models: [model], eurPerMInput: 2, eurPerMOutput: 4 });
});

/** A new account and a fresh browser at `size` for one journey. */
async function newcomer(size: Viewport) {
  viewport = size;
  username = unique("journey");
  email = `${username}@example.test`;
  await createUserAs(app, admin, username, "user", { displayName: "Jo Urney" });
  await context?.close();
  context = await auditContext(browser, app.url, size);
  // The snippet is taken as a user takes it: the Copy button, then the clipboard.
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: app.url });
  page = await context.newPage();
}

afterAll(async () => {
  await browser?.close();
  mkdirSync("test-results", { recursive: true });
  if (app) writeFileSync("test-results/portal-journey-app.log", app.logs());
  await app?.stop();
  await mock?.stop();
});

const step = storySteps("portal-journey", () => ({ [viewport.width]: page }), () => expectNoCspViolationsIn(new Map([["journey", Promise.resolve(context)]]), "portal journey"));

/** `act`, then a toast saying `text` (not merely any toast: an earlier one may still be on screen). */
async function toastAfter(where: string, text: string, act: () => Promise<void>) {
  await expectToastAfter(page, where, act);
  await page.locator("[data-sonner-toast]").filter({ hasText: text }).first().waitFor({ timeout: 15_000 });
}

/** A page of the journey checked as every portal page is: its own CSP, nothing sideways, axe clean. */
async function checked(where: string) {
  await page.getByRole("heading", { level: 1 }).waitFor();
  await expectPageHasCsp(page, where);
  await expectNoHorizontalOverflow(page, where);
  await expectNoSeriousAxeViolations(page, where);
}

/** Moves to a portal page the way a user does: the sidebar's link, on a phone in the menu drawer. */
async function goTo(label: string, path: string) {
  if (viewport === PHONE) {
    await page.getByRole("button", { name: "Portal menu & budget" }).click();
    await page.getByRole("dialog", { name: "Portal menu" }).getByRole("link", { name: label, exact: true }).click();
  } else {
    await page.getByTestId("portal-sidebar").getByRole("link", { name: label, exact: true }).click();
  }
  await page.waitForURL(`**${path}`);
  await checked(path);
}

async function signIn(password: string) {
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

for (const size of VIEWPORTS) describe(`a new user's journey through the portal at ${size.width}×${size.height}`, () => {
  it("signs in, connects a client with a snippet, follows the call, changes timezone and password, and recovers the account by e-mail", async () => {
    await newcomer(size);
    let key = "";
    let createdAt = "";

    await step("sign in and make the forced password change", async () => {
      await page.goto(`${app.url}/login`, { waitUntil: "networkidle" });
      await signIn(FIRST_PASSWORD);
      await page.waitForURL("**/change-password");
      await page.getByLabel("Current password").fill(FIRST_PASSWORD);
      await page.getByLabel("New password", { exact: true }).fill(PASSWORDS.chosen);
      await page.getByLabel("Repeat new password").fill(PASSWORDS.chosen);
      await page.getByRole("button", { name: "Change password" }).click();
      await page.waitForURL("**/user/dashboard");
      expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Hello, Jo Urney");
      await checked("/user/dashboard");
    });

    await step("create a key and run the OpenAI snippet as it is", async () => {
      await goTo("API Keys", "/user/keys");
      await page.getByRole("textbox", { name: "New key label" }).fill("phone");
      await toastAfter("key created", "API key created", () => page.getByRole("button", { name: "Create key" }).click());
      key = (await page.getByLabel("New API key", { exact: true }).innerText()).trim();
      expect(key).toMatch(/^tg-sk-[0-9a-f]{48}$/);
      const connect = page.getByTestId("how-to-connect");
      await connect.getByText("OpenAI SDK (JavaScript)", { exact: true }).click();
      await connect.getByRole("button", { name: "Copy the OpenAI SDK (JavaScript) snippet" }).click();
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain(key);
      const snippet = await page.evaluate(() => navigator.clipboard.readText());
      // The snippet is run unchanged, from inside the project so that `openai` resolves from its node_modules.
      const dir = path.resolve("test-results/journey");
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${username}.mjs`);
      writeFileSync(file, snippet);
      const { stdout } = await run(process.execPath, [file], { timeout: 30_000 });
      expect(stdout.trim()).toBe(MOCK_REPLY_CHUNKS.join(""));
    });

    await step("find the call on the Usage page and in Billing", async () => {
      await goTo("Usage", "/user/usage");
      const row = page.getByTestId("usage-call");
      expect(await row.count()).toBe(1);
      expect(await row.getAttribute("data-status")).toBe("ok");
      const shown = await row.innerText();
      expect(shown).toContain(model);
      expect(shown).toContain(key.slice(0, 16));
      createdAt = String(await row.locator("time").getAttribute("datetime"));
      expect(await row.locator("time").innerText()).toBe(formatAtOffset(createdAt, 0));

      await goTo("Billing", "/user/billing");
      expect((await page.getByTestId("billing-lifetime").innerText()).replace(/\s+/g, " ")).toContain("Calls 1");
      expect(await page.getByTestId("billing-model").innerText()).toContain(model);
    });

    await step("move to UTC+05:30 and see the call's time follow", async () => {
      await goTo("Profile", "/user/profile");
      const tz = page.getByRole("region", { name: "Timezone" });
      await tz.getByLabel("Timezone (UTC offset)").selectOption("5.5");
      await toastAfter("timezone saved", "Timezone saved", () => tz.getByRole("button", { name: "Save timezone" }).click());
      await goTo("Usage", "/user/usage");
      expect(await page.getByTestId("usage-call").locator("time").innerText()).toBe(formatAtOffset(createdAt, 5.5));
      expect(await page.locator("main").innerText()).toContain("UTC+05:30");
    });

    await step("change the password: a session elsewhere ends, this one stays", async () => {
      const elsewhere = await loginOrThrow(app.url, username, PASSWORDS.chosen);
      expect((await fetch(`${app.url}/user/dashboard`, { headers: { cookie: elsewhere.cookie }, redirect: "manual" })).status).toBe(200);
      await goTo("Profile", "/user/profile");
      const pw = page.getByRole("region", { name: "Password" });
      await pw.getByLabel("Current password").fill(PASSWORDS.chosen);
      await pw.getByLabel("New password", { exact: true }).fill(PASSWORDS.changed);
      await pw.getByLabel("Repeat new password").fill(PASSWORDS.changed);
      await toastAfter("password changed", "Password changed", () => pw.getByRole("button", { name: "Change password" }).click());
      const gone = await fetch(`${app.url}/user/dashboard`, { headers: { cookie: elsewhere.cookie }, redirect: "manual" });
      expect(gone.status).toBe(307);
      expect(new URL(gone.headers.get("location")!, app.url).pathname).toBe("/login");
      await goTo("Dashboard", "/user/dashboard");
    });

    await step("sign out, then get back in through Forgot password? and the mailed link", async () => {
      // On a phone the header folds its account controls behind a button.
      if (viewport === PHONE) await page.getByRole("button", { name: "Account" }).click();
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL("**/login**");
      await page.getByRole("link", { name: "Forgot password?" }).click();
      await page.waitForURL("**/user/forgot-password");
      await checked("/user/forgot-password");
      await page.getByLabel("E-mail address").fill(email);
      await page.getByRole("button", { name: "Send reset link" }).click();
      await page.getByRole("status").filter({ hasText: "If an active account uses this address" }).waitFor();

      const mail = await waitForMail(inject("mailDir"), email);
      const link = /(http:\/\/\S+\/user\/reset-password\?token=[A-Za-z0-9_-]+)/.exec(mail.text)![1];
      await page.goto(link, { waitUntil: "networkidle" });
      await checked("/user/reset-password");
      await page.getByLabel("New password", { exact: true }).fill(PASSWORDS.reset);
      await page.getByLabel("Repeat new password").fill(PASSWORDS.reset);
      await page.getByRole("button", { name: "Set new password" }).click();
      await page.getByRole("status").filter({ hasText: "Your password has been changed" }).waitFor();

      await page.goto(`${app.url}/login`, { waitUntil: "networkidle" });
      await signIn(PASSWORDS.changed);
      await page.getByText("Invalid username or password.").waitFor();
      await signIn(PASSWORDS.reset);
      await page.waitForURL("**/user/dashboard");
      await checked("/user/dashboard");
    });
  });
});
