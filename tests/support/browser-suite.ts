import { mkdirSync, writeFileSync } from "node:fs";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, afterEach, beforeAll } from "vitest";
import { signedInAdmin } from "./admin";
import { startApp, type App } from "./app";
import { launchChromium } from "./browser";
import { expectNoCspViolationsIn } from "./csp";
import type { Session } from "./http";

export type BrowserSuite = {
  app: App;
  browser: Browser;
  /** The default admin, through the forced password change. */
  admin: Session;
  /** Every browser context the file opens: after each test, none may have seen a CSP violation. */
  contexts: Map<string, Promise<BrowserContext>>;
};

/**
 * The frame every browser test file shares, registered as its hooks: before all, the built app (with
 * `appOptions`), Chromium and a signed-in admin; after each test, the CSP check over the file's
 * contexts; after all, the browser closed and the server's output kept as test-results/<name>-app.log
 * (for the failures that come from it), then the app stopped. The returned object is filled in before
 * the file's own beforeAll hooks run.
 */
export function browserSuite(name: string, appOptions: Parameters<typeof startApp>[0] = {}): BrowserSuite {
  const suite = { contexts: new Map() } as BrowserSuite;
  beforeAll(async () => {
    suite.app = await startApp(appOptions);
    suite.browser = await launchChromium();
    suite.admin = await signedInAdmin(suite.app);
  });
  afterEach(async ({ task }) => {
    await expectNoCspViolationsIn(suite.contexts, task.name);
  });
  afterAll(async () => {
    await suite.browser?.close();
    mkdirSync("test-results", { recursive: true });
    if (suite.app) writeFileSync(`test-results/${name}-app.log`, suite.app.logs());
    await suite.app?.stop();
  });
  return suite;
}
