import { mkdirSync } from "node:fs";
import type { Page } from "playwright-core";

/**
 * One long story (a browser clicking through a life cycle) as ONE test made of named steps, each
 * building on the one before. A failing step is named in the error and leaves a full-page screenshot of
 * every page in test-results/, as `<story>-<step>-<page>.png`. `after` (e.g. the CSP check) runs at the
 * end of every step, so that what it finds is blamed on the step that caused it.
 */
export function storySteps(story: string, pages: () => Record<string, Page | undefined>, after?: () => Promise<void>) {
  return async function step(name: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
      await after?.();
    } catch (e) {
      mkdirSync("test-results", { recursive: true });
      const file = `${story}-${name}`.replace(/\W+/g, "-").slice(0, 100);
      for (const [label, page] of Object.entries(pages())) {
        await page?.screenshot({ path: `test-results/${file}-${label}.png`, fullPage: true }).catch(() => undefined);
      }
      if (e instanceof Error) e.message = `step "${name}": ${e.message}`;
      throw e;
    }
  };
}
