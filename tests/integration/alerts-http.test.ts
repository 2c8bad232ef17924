import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs, signedInAdmin, usersActionAs } from "../support/admin";
import { startApp, type App } from "../support/app";
import type { Session } from "../support/http";
import { startMockLlm, type MockLlm } from "../support/mock-llm";
import { unique } from "../support/names";
import { freePort } from "../support/ports";
import { readMails, waitForMail } from "../support/smtp";

/**
 * Budget alerts end to end: the built app, real gateway calls to the mock upstream (whose usage is
 * exact: input = the prompt's characters, output = 5), and the real SMTP receiver of the test run.
 * Each user gets an alert address of their own, so that only their mails are counted.
 */

let mock: MockLlm;
const mailDir = () => inject("mailDir");
const mailsTo = (to: string) => readMails(mailDir()).filter((m) => m.to.includes(to));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  mock = await startMockLlm();
});
afterAll(async () => {
  await mock?.stop();
});

/** One gateway call that uses exactly `tokens` tokens (the prompt's characters + 5 output tokens). */
async function spend(app: App, key: string, tokens: number) {
  const t0 = performance.now();
  const res = await fetch(`${app.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "mock-gpt", max_tokens: 16, messages: [{ role: "user", content: "x".repeat(tokens - 5) }] }),
  });
  const body = await res.text();
  expect(res.status, body).toBe(200);
  expect(Number(res.headers.get("x-tollgate-tokens-input")) + Number(res.headers.get("x-tollgate-tokens-output"))).toBe(tokens);
  return performance.now() - t0;
}

/** A user with a monthly limit (10,000 tokens), alerts on at 80 % to an address of their own, and a key. */
async function alertedUser(app: App, admin: Session, monthlyLimit = 10_000) {
  const username = unique("alerted");
  const id = await createUserAs(app, admin, username, "user", { monthlyLimit: String(monthlyLimit) });
  const to = `${unique("alerts")}@example.test`;
  await usersActionAs(app, admin, "setAlertsAction", { id, alertEnabled: "on", alertThresholdPct: "80", alertEmail: to });
  return { id, to, key: await createKeyAs(app, admin, id) };
}

const alertRows = async (app: App, userId: string) =>
  (await app.db.execute({ sql: "SELECT window_key, sent_at, attempts, last_error FROM budget_alerts WHERE user_id = ? ORDER BY created_at", args: [userId] })).rows;

describe("budget alerts, one app", () => {
  let app: App;
  let admin: Session;
  beforeAll(async () => {
    app = await startApp();
    admin = await signedInAdmin(app);
    await createEndpointAs(app, admin, { name: "mock", baseUrl: `${mock.url}/v1`, apiStyle: "openai", models: ["mock-gpt"] });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("sends one mail to the call that reaches 80 %, none on later calls in the window, and one again in a new window", async () => {
    const u = await alertedUser(app, admin);
    for (let i = 0; i < 3; i++) await spend(app, u.key, 2_000); // 6,000 of 10,000: below 80 %
    await sleep(500);
    expect(mailsTo(u.to)).toEqual([]);

    await spend(app, u.key, 2_000); // 8,000: exactly 80 %
    const mail = await waitForMail(mailDir(), u.to);
    expect(mail.subject).toBe("Tollgate: 80 % of your monthly token budget used");
    expect(mail.text).toMatch(/Used: +8,000 tokens/);
    expect(mail.text).toMatch(/Limit: +10,000 tokens/);
    expect(mail.text).toMatch(/Resets: +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);

    await spend(app, u.key, 100);
    await spend(app, u.key, 100); // 8,200: past the threshold, same window
    await sleep(1_000);
    expect(mailsTo(u.to)).toHaveLength(1);
    const [first] = await alertRows(app, u.id);
    expect(first).toMatchObject({ window_key: expect.stringMatching(/^m:/), attempts: 1, last_error: null });
    expect(first.sent_at).toEqual(expect.any(String));
    const [user] = (await app.db.execute({ sql: "SELECT last_alert_sent_at FROM users WHERE id = ?", args: [u.id] })).rows;
    expect(user.last_alert_sent_at).toBe(first.sent_at);

    // A new window without waiting for a month: a one-time budget's "monthly" window starts when the
    // budget is set (its id is that instant), so switching the type starts a fresh window at 0 tokens.
    await usersActionAs(app, admin, "updateUserAction", { id: u.id, email: `${u.id}@example.test`, displayName: "", dailyLimit: "", monthlyLimit: "10000", totalLimit: "", budgetType: "one_time" });
    for (let i = 0; i < 3; i++) await spend(app, u.key, 2_000);
    await sleep(500);
    expect(mailsTo(u.to)).toHaveLength(1);
    await spend(app, u.key, 2_500); // 8,500: 85 %
    await expect.poll(() => mailsTo(u.to).length, { timeout: 15_000 }).toBe(2);
    expect(mailsTo(u.to)[1].subject).toBe("Tollgate: 85 % of your one-time token budget used");
    await spend(app, u.key, 100);
    await sleep(1_000);
    expect(mailsTo(u.to)).toHaveLength(2);
    expect((await alertRows(app, u.id)).map((r) => r.window_key)).toEqual([first.window_key, expect.not.stringMatching(first.window_key as string)]);
  });

  it("sends nothing while alerts are off, and to the user's own e-mail when no alert address is set", async () => {
    const username = unique("plain");
    const id = await createUserAs(app, admin, username, "user", { monthlyLimit: "10000" });
    const key = await createKeyAs(app, admin, id);
    await spend(app, key, 9_000);
    await sleep(1_000);
    expect(mailsTo(`${username}@example.test`)).toEqual([]);
    expect(await alertRows(app, id)).toEqual([]);
    // Switched on above the threshold: the next call tells them (the window was never alerted).
    await usersActionAs(app, admin, "setAlertsAction", { id, alertEnabled: "on", alertThresholdPct: "", alertEmail: "" });
    await spend(app, key, 100);
    const mail = await waitForMail(mailDir(), `${username}@example.test`);
    expect(mail.subject).toBe("Tollgate: 91 % of your monthly token budget used");
  });
});

describe("budget alerts, two app processes sharing the database and Valkey", () => {
  let apps: App[];
  let admin: Session;
  beforeAll(async () => {
    const first = await startApp({ valkey: true });
    apps = [first, await startApp({ valkey: true, shareWith: first })];
    admin = await signedInAdmin(first);
    await createEndpointAs(first, admin, { name: "mock", baseUrl: `${mock.url}/v1`, apiStyle: "openai", models: ["mock-gpt"] });
  });
  afterAll(async () => {
    for (const a of apps ?? []) await a.stop();
  });

  it("crossing on both at once still sends one mail", async () => {
    // Room for what ten calls at once hold (a reservation bounds the prompt by its bytes, and the output).
    const u = await alertedUser(apps[0], admin, 100_000);
    for (let i = 0; i < 4; i++) await spend(apps[0], u.key, 19_975); // 79,900: just below 80 %
    await sleep(300); // the settlement reaches Valkey just after the answer
    // Ten calls at once, five on each instance: each one ends past 80 % (with Valkey a call sees where it
    // stood when admitted plus its own tokens), so both instances try to claim the window.
    await Promise.all(Array.from({ length: 10 }, (_, i) => spend(apps[i % 2], u.key, 200)));
    await waitForMail(mailDir(), u.to);
    await sleep(2_000);
    expect(mailsTo(u.to)).toHaveLength(1);
    expect(await alertRows(apps[0], u.id)).toEqual([expect.objectContaining({ attempts: 1, last_error: null, sent_at: expect.any(String) })]);
  });
});

describe("budget alerts with a mail server that never answers", () => {
  let app: App;
  let admin: Session;
  let silent: Server;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    // Accepts the connection and never says a word: nodemailer waits for its greeting timeout (10 s).
    const port = await freePort();
    silent = createServer((s) => void sockets.add(s.on("close", () => sockets.delete(s))));
    await new Promise<void>((r) => silent.listen(port, "127.0.0.1", r));
    app = await startApp({ env: { SMTP_PORT: String(port) } });
    admin = await signedInAdmin(app);
    await createEndpointAs(app, admin, { name: "mock", baseUrl: `${mock.url}/v1`, apiStyle: "openai", models: ["mock-gpt"] });
  });
  afterAll(async () => {
    await app?.stop();
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent?.close(r));
  });

  it("never delays or fails the call; the failed attempt is recorded in the alert's row and logged", async () => {
    const u = await alertedUser(app, admin);
    const ms = await spend(app, u.key, 8_000);
    expect(ms).toBeLessThan(3_000);
    expect(await spend(app, u.key, 100)).toBeLessThan(3_000);
    await expect
      .poll(async () => (await alertRows(app, u.id))[0], { timeout: 25_000, interval: 250 })
      .toMatchObject({ attempts: 1, last_error: expect.any(String), sent_at: null });
    expect(app.logs()).toMatch(/\[alerts\] budget alert for user \w+ \(m:[^)]+\), attempt 1 failed/);
    expect(mailsTo(u.to)).toEqual([]);
  });
});
