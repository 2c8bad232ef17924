// `npm run screenshots`: the README's pictures of /users, taken in Debian's Chromium (playwright-core)
// from a Tollgate that is already running, at 390×844 (a phone) and 1280×800. Signs in as an admin,
// adds a few example users when there are none, and writes docs/users-390.png and docs/users-1280.png.
//   SHOT_URL [http://127.0.0.1:3000]  SHOT_USER [admin]  SHOT_PASSWORD [changeme]  SHOT_NEW_PASSWORD
// A forced password change at first sign-in is answered with SHOT_NEW_PASSWORD. Never against production.
import { chromium } from "playwright-core";

const url = process.env.SHOT_URL ?? "http://127.0.0.1:3000";
const username = process.env.SHOT_USER ?? "admin";
let password = process.env.SHOT_PASSWORD ?? "changeme";
const examples = [
  ["ada", "Ada Lovelace", "expert"],
  ["grace", "Grace Hopper", "subscriber"],
  ["linus", "Linus Torvalds", "user"],
  ["margaret", "Margaret Hamilton", "admin"],
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await page.goto(`${url}/login`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
  if (page.url().includes("/change-password")) {
    const next = process.env.SHOT_NEW_PASSWORD;
    if (!next) throw new Error("This admin must change the password first: set SHOT_NEW_PASSWORD.");
    await page.getByLabel("Current password").fill(password);
    await page.getByLabel("New password", { exact: true }).fill(next);
    await page.getByLabel("Repeat new password").fill(next);
    await page.getByRole("button", { name: "Change password" }).click();
    await page.waitForURL(/\/users$/);
    password = next;
  }
  await page.goto(`${url}/users`);
  if ((await page.locator("tbody tr[data-username]").count()) < 2) {
    for (const [name, display, role] of examples) {
      await page.getByRole("button", { name: "+ Create User" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Username").fill(name);
      await dialog.getByLabel("Email").fill(`${name}@example.com`);
      await dialog.getByLabel("Display name").fill(display);
      await dialog.getByLabel("Password", { exact: true }).fill("example-password");
      await dialog.getByLabel("Role").selectOption(role);
      await dialog.getByRole("button", { name: "Create user" }).click();
      await dialog.waitFor({ state: "detached" });
    }
  }
  // No toast in the pictures: reload once they are gone.
  await page.goto(`${url}/users`);
  await page.screenshot({ path: "docs/users-1280.png" });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "docs/users-390.png" });
  console.log("Wrote docs/users-1280.png and docs/users-390.png");
} finally {
  await browser.close();
}
