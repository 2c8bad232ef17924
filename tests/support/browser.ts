import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from "playwright-core";
import { watchCsp } from "./csp";

/** Debian's Chromium, headless, driven by playwright-core (no browser download; playwright gives each launch a fresh profile). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/**
 * A browser context that runs pages under their real Content-Security-Policy (never bypassCSP) and is
 * watched for violations: check it with expectNoCspViolations (./csp.ts).
 */
export async function watchedContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  await watchCsp(context);
  return context;
}
