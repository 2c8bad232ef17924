import type { Locator, Page } from "playwright-core";

/** The toast (sonner) that confirms an action, by the text it carries. */
export const toastWith = (page: Page, text: string | RegExp): Locator => page.locator("[data-sonner-toast]").filter({ hasText: text });
