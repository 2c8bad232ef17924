import type { Browser, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { portalMenu } from "@/components/portal/menu";
import { createKeyAs, readyUser, type ReadyUser } from "../support/admin";
import type { App } from "../support/app";
import { auditContext, expectNoHorizontalOverflow, expectNoSeriousAxeViolations, VIEWPORTS, withScreenshot } from "../support/audit";
import { expectPageHasCsp } from "../support/csp";
import type { Session } from "../support/http";
import { browserSuite } from "../support/browser-suite";
import { unique } from "../support/names";

// Admin impersonation in real headless Chromium against the built app, at 390×844 and 1280×800: the
// admin presses Impersonate on /users and lands on the user's dashboard; every page of the portal menu
// shows the orange banner (fitting the screen, axe clean, in both schemes at 1280) and the user's data;
// the admin pages, opened meanwhile, are the admin's own; End Impersonation returns to /users, and the
// portal is the admin's own again. The audit log holds the start and the end.

let app: App;
let browser: Browser;
let admin: Session;

const suite = browserSuite("impersonation", { valkey: true });
beforeAll(async () => {
  ({ app, browser, admin } = suite);
});

const banner = (page: Page) => page.getByRole("region", { name: "Admin impersonation" });

for (const viewport of VIEWPORTS) {
  const where = (what: string) => `impersonation ${viewport.width}: ${what}`;

  describe(`impersonation at ${viewport.width}×${viewport.height}`, () => {
    it("Impersonate opens the portal as the user with the banner on every page; the admin pages stay the admin's; End Impersonation returns to /users", async () => {
      const user: ReadyUser = await readyUser(app, admin, { username: unique("seen") });
      const keyPrefix = (await createKeyAs(app, admin, user.id, "their laptop")).slice(0, 16);
      const context = auditContext(browser, app.url, viewport, admin);
      suite.contexts.set(where("admin"), context);
      const page = await (await context).newPage();
      await withScreenshot(page, where("journey"), async () => {
        await page.goto(`${app.url}/users?q=${user.username}`, { waitUntil: "networkidle" });
        // Not offered for the admin's own row or another admin's (the route refuses them too).
        expect(await page.getByRole("button", { name: "Impersonate admin", exact: true }).count()).toBe(0);
        await page.getByRole("button", { name: `Impersonate ${user.username}`, exact: true }).click();
        await page.waitForURL("**/user/dashboard");

        // Every page of the user's menu (a `user`: no template or profile pages).
        for (const entry of portalMenu("user").links) {
          if (!page.url().endsWith(entry.href)) await page.goto(app.url + entry.href, { waitUntil: "networkidle" });
          await expectPageHasCsp(page, where(entry.href));
          expect(await banner(page).innerText(), entry.href).toContain(`You are logged in as ${user.username} (Admin Impersonation)`);
          expect(await page.getByTestId("signed-in-as").textContent(), entry.href).toContain(user.username);
          await expectNoHorizontalOverflow(page, where(entry.href));
          await expectNoSeriousAxeViolations(page, where(entry.href));
          if (viewport.width > 1000) {
            await page.emulateMedia({ colorScheme: "dark" });
            await expectNoSeriousAxeViolations(page, where(`${entry.href} dark`), { rules: ["color-contrast"] });
            await page.emulateMedia({ colorScheme: "light" });
          }
        }
        // The user's data, not the admin's: their key on the keys page, and no way to make a new one.
        await page.goto(`${app.url}/user/keys`, { waitUntil: "networkidle" });
        expect(await page.locator(`tr[data-key-prefix="${keyPrefix}"]`).count()).toBe(1);
        expect(await page.getByTestId("create-refused").innerText()).toBe("While impersonating, you cannot create an API key for the user.");

        // The admin pages meanwhile: the admin's own, no banner.
        await page.goto(`${app.url}/users`, { waitUntil: "networkidle" });
        expect(await banner(page).count()).toBe(0);
        expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Users");
        // Back in the portal the impersonation goes on, until it is ended.
        await page.goto(`${app.url}/user/dashboard`, { waitUntil: "networkidle" });
        await banner(page).getByRole("button", { name: "End Impersonation" }).click();
        await page.waitForURL("**/users");
        expect(await banner(page).count()).toBe(0);
        await page.goto(`${app.url}/user/dashboard`, { waitUntil: "networkidle" });
        expect(await banner(page).count()).toBe(0);
        expect(await page.getByTestId("signed-in-as").textContent()).toContain("admin");
      });
      await page.close();

      const audit = await app.db.execute({ sql: "SELECT action, actor_name FROM audit_log WHERE target_id = ? AND action LIKE 'impersonation.%' ORDER BY id", args: [user.id] });
      expect(audit.rows.map((r) => [r.action, r.actor_name])).toEqual([
        ["impersonation.start", "admin"],
        ["impersonation.end", "admin"],
      ]);
    });
  });
}
