import type { Browser, BrowserContext, Page } from "playwright-core";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUserAs, grantAs } from "../support/admin";
import { startApp, type App } from "../support/app";
import { launchChromium, watchedContext } from "../support/browser";
import { expectNoCspViolations, expectPageHasCsp } from "../support/csp";
import { loginOrThrow } from "../support/http";
import { unique } from "../support/names";
import { freePort } from "../support/ports";
import { storySteps } from "../support/steps";
import { upstreamKeyOf } from "../support/secrets";
import { toastWith } from "../support/toast";

// An admin manages a model endpoint in real headless Chromium against the built app (real SQLite
// file, real valkey-server), with a tiny real upstream for the connection test: one test of named
// steps, each building on the one before, on an app of its own.

let app: App;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let upstream: Server;
let upstreamUrl: string;
const seen: IncomingHttpHeaders[] = [];
const holders: string[] = [];

const ADMIN_PW = "a-much-better-password";
const UPSTREAM_KEY = "sk-e2e-upstream-5ecret-123456";

async function dbValue(sql: string, args: string[] = []) {
  const { rows } = await app.db.execute({ sql, args });
  return rows[0];
}

const row = () => page.locator('tr[data-endpoint="local-llm"]');

beforeAll(async () => {
  // Lists three models to a caller with the right Bearer key; 401 to anyone else.
  upstream = createServer((req, res) => {
    seen.push(req.headers);
    const ok = req.url === "/v1/models" && req.headers.authorization === `Bearer ${UPSTREAM_KEY}`;
    res.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
    res.end(JSON.stringify(ok ? { object: "list", data: [{ id: "m-1" }, { id: "m-2" }, { id: "m-3" }] } : { error: "unauthorised" }));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => upstream.listen(port, "127.0.0.1", resolve));
  upstreamUrl = `http://127.0.0.1:${port}`;
  app = await startApp({ valkey: true, smtp: false });
  browser = await launchChromium();
  context = await watchedContext(browser);
  page = await context.newPage();
});

// A failing step leaves a screenshot in test-results/ to look at. After each step, the browser has
// seen no CSP violation, and every page it loaded had a policy of its own.
const step = storySteps("endpoints", () => ({ page }), () => expectNoCspViolations(context, "the browser"));

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  upstream?.closeAllConnections();
  await new Promise((resolve) => upstream?.close(resolve));
});

describe("an admin manages a model endpoint", () => {
  it("adds, tests, edits and deletes an endpoint, showing field errors first and never the key", async () => {
    await step("signs in as admin/changeme, changes the password and opens Endpoints from the nav", async () => {
      await page.goto(`${app.url}/login`);
      await page.getByLabel("Username").fill("admin");
      await page.getByLabel("Password", { exact: true }).fill("changeme");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(/\/change-password$/);
      await page.getByLabel("Current password").fill("changeme");
      await page.getByLabel("New password", { exact: true }).fill(ADMIN_PW);
      await page.getByLabel("Repeat new password").fill(ADMIN_PW);
      await page.getByRole("button", { name: "Change password" }).click();
      await page.waitForURL(/\/users$/);
      await page.getByRole("link", { name: "Endpoints" }).click();
      await page.waitForURL(/\/endpoints$/);
      await expect.poll(() => page.getByRole("heading", { name: "Model endpoints" }).isVisible()).toBe(true);
      await expectPageHasCsp(page, "/endpoints");
      expect(await page.getByText("No endpoints yet").isVisible()).toBe(true);
    });

    await step("adds an endpoint through the dialog, with the server's field errors shown first", async () => {
      await page.getByRole("button", { name: "+ Add endpoint" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Name", { exact: true }).fill("local-llm");
      await dialog.getByLabel("API style").selectOption("openai");
      await dialog.getByLabel("Base URL").fill("localhost/v1");
      await dialog.getByLabel("Upstream API key").fill(UPSTREAM_KEY);
      await dialog.getByLabel("EUR per 1M input tokens").fill("2,5");
      expect(await dialog.getByLabel("EUR per 1M cache-read tokens").getAttribute("placeholder")).toBe("0.1 × input");
      expect(await dialog.getByLabel("EUR per 1M cache-write tokens").getAttribute("placeholder")).toBe("1.25 × input");
      await dialog.getByLabel("EUR per 1M cache-read tokens").fill("-1");
      await dialog.getByLabel("Max output tokens per model").fill("m-1 = 0");
      expect(await dialog.getByLabel("Output cap field").inputValue()).toBe("max_tokens");
      await dialog.getByRole("button", { name: "Add endpoint", exact: true }).click();
      await expect.poll(() => dialog.getByText("Enter a URL such as https://api.openai.com/v1").isVisible()).toBe(true);
      expect(await dialog.getByText("Enter at least one model").isVisible()).toBe(true);
      expect(await dialog.getByText("Use a point as the decimal separator, e.g. 2.5").isVisible()).toBe(true);
      expect(await dialog.getByText("Enter a price in EUR of 0 or more, e.g. 0.25, or leave it empty for the default").isVisible()).toBe(true);
      expect(await dialog.getByText('"m-1": enter a whole number of tokens from 1 to 10,000,000').isVisible()).toBe(true);
      expect(await dialog.getByLabel("Max output tokens per model").getAttribute("aria-invalid")).toBe("true");
      expect(await dialog.getByLabel("Base URL").getAttribute("aria-invalid")).toBe("true");
      expect((await dbValue("SELECT count(*) AS n FROM model_endpoints WHERE name = 'local-llm'")).n).toBe(0);

      await dialog.getByLabel("Base URL").fill(`${upstreamUrl}/v1/`);
      await dialog.getByLabel("Models").fill("m-1\nm-2, m-3\nm-1");
      await dialog.getByLabel("EUR per 1M input tokens").fill("2.5");
      await dialog.getByLabel("EUR per 1M output tokens").fill("10");
      await dialog.getByLabel("EUR per 1M cache-read tokens").fill("0.3");
      await dialog.getByLabel("Max output tokens per model").fill("m-1 = 16,384\nm-3 = 4096");
      await dialog.getByLabel("Output cap field").selectOption("max_completion_tokens");
      // The key field is a write-only password field: the form sent it, but it is never echoed back.
      await dialog.getByRole("button", { name: "Add endpoint", exact: true }).click();
      await expect.poll(() => toastWith(page, "Endpoint local-llm added.").isVisible()).toBe(true);
      expect(await page.getByRole("dialog").count()).toBe(0);
    });

    await step("shows it in the table: base URL without the trailing slash, style, models, prices, key set", async () => {
      await expect.poll(() => row().count()).toBe(1);
      const text = (await row().textContent()) ?? "";
      expect(text).toContain(`${upstreamUrl}/v1`);
      expect(text).not.toContain(`${upstreamUrl}/v1/`);
      expect(text).toContain("openai");
      for (const m of ["m-1", "m-2", "m-3"]) expect(text).toContain(m);
      expect(await row().getByTestId("prices").textContent()).toBe("€2.5 / €10 per 1M in/out");
      expect(text).toContain("yes");
      expect(await page.content()).not.toContain(UPSTREAM_KEY);
      const stored = await dbValue("SELECT id, base_url, upstream_api_key, models, eur_per_m_cache_read, eur_per_m_cache_write, max_output_tokens, output_cap_field FROM model_endpoints WHERE name = 'local-llm'");
      expect(stored).toMatchObject({ base_url: `${upstreamUrl}/v1`, upstream_api_key: expect.stringMatching(/^enc:v1:/), models: JSON.stringify(["m-1", "m-2", "m-3"]) });
      expect(stored).toMatchObject({ eur_per_m_cache_read: 0.3, eur_per_m_cache_write: null, max_output_tokens: JSON.stringify({ "m-1": 16384, "m-3": 4096 }), output_cap_field: "max_completion_tokens" });
      expect(String(stored.upstream_api_key)).not.toContain(UPSTREAM_KEY); // encrypted at rest
      expect(await upstreamKeyOf(app, String(stored.id))).toBe(UPSTREAM_KEY);
    });

    await step("tests the connection against the local upstream and shows the result inline", async () => {
      await page.getByRole("button", { name: "Test local-llm" }).click();
      await expect.poll(() => row().getByTestId("test-result").textContent()).toBe("✓ Connected: 3 models listed");
      expect(seen.at(-1)?.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    });

    await step("two users are granted models on it (through the product's actions)", async () => {
      const admin = await loginOrThrow(app.url, "admin", ADMIN_PW);
      for (const ids of [["*@local-llm"], ["m-1@local-llm", "m-2@local-llm"]]) {
        const id = await createUserAs(app, admin, unique("holder"), "user", { modelGrants: [] });
        await grantAs(app, admin, id, "model_endpoint", ids);
        holders.push(id);
      }
      await page.reload();
      await row().waitFor();
    });

    await step("edits its prices and output maxima, seeing the saved ones first; the key field stays empty and the stored key is kept", async () => {
      await page.getByRole("button", { name: "Edit local-llm" }).click();
      const dialog = page.getByRole("dialog");
      await expect.poll(() => dialog.getByRole("heading", { name: "Edit local-llm" }).isVisible()).toBe(true);
      const key = dialog.getByLabel("Upstream API key");
      expect(await key.inputValue()).toBe("");
      expect(await key.getAttribute("placeholder")).toBe("•••• stored — leave empty to keep");
      expect(await dialog.getByLabel("Remove the stored key").isChecked()).toBe(false);
      // A rename would carry the grants along: the dialog says so, with their number.
      expect((await dialog.getByTestId("grants-note").innerText()).replace(/\s+/g, " ")).toContain("Renaming carries its 3 permission grants along");
      expect(await dialog.getByLabel("Models").inputValue()).toBe("m-1\nm-2\nm-3");
      // The new terms are shown again as saved: cache prices, maxima as lines, the cap field.
      expect(await dialog.getByLabel("EUR per 1M cache-read tokens").inputValue()).toBe("0.3");
      expect(await dialog.getByLabel("EUR per 1M cache-write tokens").inputValue()).toBe("");
      expect(await dialog.getByLabel("Max output tokens per model").inputValue()).toBe("m-1 = 16384\nm-3 = 4096");
      expect(await dialog.getByLabel("Output cap field").inputValue()).toBe("max_completion_tokens");
      // Anthropic-style upstreams take max_tokens: the choice is not offered for them.
      await dialog.getByLabel("API style").selectOption("anthropic");
      expect(await dialog.getByLabel("Output cap field").count()).toBe(0);
      await dialog.getByLabel("API style").selectOption("openai");
      await dialog.getByLabel("Max output tokens per model").fill("m-2 = 8192");
      await dialog.getByLabel("EUR per 1M input tokens").fill("3");
      await dialog.getByLabel("EUR per 1M output tokens").fill("12.75");
      await dialog.getByRole("button", { name: "Save" }).click();
      await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
      await expect.poll(() => row().getByTestId("prices").textContent()).toBe("€3 / €12.75 per 1M in/out");
      const stored = await dbValue("SELECT id, eur_per_m_input, eur_per_m_output, max_output_tokens FROM model_endpoints WHERE name = 'local-llm'");
      expect(stored).toMatchObject({ eur_per_m_input: 3, eur_per_m_output: 12.75, max_output_tokens: JSON.stringify({ "m-2": 8192 }) });
      expect(await upstreamKeyOf(app, String(stored.id))).toBe(UPSTREAM_KEY);
    });

    await step("deletes it after a confirmation naming it and the grants that go with it", async () => {
      await page.getByRole("button", { name: "Delete local-llm" }).click();
      const confirm = page.getByRole("dialog");
      expect(await confirm.getByRole("heading").textContent()).toBe("Delete local-llm?");
      expect((await confirm.getByTestId("grants-note").innerText()).replace(/\s+/g, " ")).toBe("3 permission grants on this endpoint are removed too (each user's in the audit log).");
      await confirm.getByRole("button", { name: "Delete endpoint" }).click();
      await expect.poll(() => row().count()).toBe(0);
      expect(await page.getByText("No endpoints yet").isVisible()).toBe(true);
      expect((await dbValue("SELECT count(*) AS n FROM model_endpoints WHERE name = 'local-llm'")).n).toBe(0);
      // The grants went with it, each holder's removal in the audit log.
      const args = [JSON.stringify(holders)];
      expect((await dbValue("SELECT count(*) AS n FROM permissions WHERE user_id IN (SELECT value FROM json_each(?))", args)).n).toBe(0);
      expect((await dbValue("SELECT count(*) AS n FROM audit_log WHERE action = 'permission.revoke' AND target_id IN (SELECT value FROM json_each(?))", args)).n).toBe(2);
    });

    await step("wrote the audit trail under the admin's name, without the key", async () => {
      const { rows } = await app.db.execute("SELECT actor_name, action, details FROM audit_log WHERE target_name = 'local-llm' ORDER BY id");
      expect(rows.map((r) => `${r.actor_name} ${r.action}`)).toEqual(["admin endpoint.create", "admin endpoint.update", "admin endpoint.delete"]);
      expect(JSON.stringify(rows)).not.toContain(UPSTREAM_KEY);
    });
  });
});
