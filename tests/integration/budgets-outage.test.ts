import OpenAI from "openai";
import Redis from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs, signedInAdmin } from "../support/admin";
import { startApp, type App } from "../support/app";
import { unique } from "../support/names";
import { startSpender, type Spender } from "../support/spender-llm";
import { startValkey, type ValkeyServer } from "../support/valkey";

/**
 * Valkey SIGKILLed in the middle of a 30-second load, then started again empty on the same port: users
 * with a limit get 503 while it is gone (nothing admits them against another store), users without one
 * are served; afterwards the counters equal the ledger, every call left exactly one row, and no window
 * was exceeded. A valkey-server of this file's own, so that killing it touches no other test.
 */

let valkey: ValkeyServer;
let spender: Spender;
let app: App;

beforeAll(async () => {
  valkey = await startValkey();
  spender = await startSpender({ delayMs: 20 });
  app = await startApp({ valkey: true, smtp: false, env: { VALKEY_URL: valkey.url } });
});
afterAll(async () => {
  await app?.stop();
  await spender?.stop();
  await valkey?.stop();
});

type Phase = "before" | "going" | "down" | "back" | "after";

it("keeps every usage record and every limit through a Valkey that dies and comes back empty", { timeout: 120_000 }, async () => {
  const admin = await signedInAdmin(app);
  await createEndpointAs(app, admin, { name: "spend", baseUrl: `${spender.url}/v1`, apiStyle: "openai", models: ["spend-gpt"] });
  const LIMIT = 60_000;
  const limitedId = await createUserAs(app, admin, unique("limited"), "user", { dailyLimit: LIMIT });
  const freeId = await createUserAs(app, admin, unique("free"));
  const limited = new OpenAI({ apiKey: await createKeyAs(app, admin, limitedId), baseURL: `${app.url}/v1`, maxRetries: 0 });
  const free = new OpenAI({ apiKey: await createKeyAs(app, admin, freeId), baseURL: `${app.url}/v1`, maxRetries: 0 });

  let phase: Phase = "before";
  const seen: Record<string, number> = {};
  const note = (who: string, what: string) => {
    const k = `${phase} ${who} ${what}`;
    seen[k] = (seen[k] ?? 0) + 1;
  };
  let calls = { limited: 0, free: 0 };
  let running = true;
  const worker = async (who: "limited" | "free", client: OpenAI) => {
    while (running) {
      calls[who]++;
      try {
        await client.chat.completions.create({ model: "spend-gpt", max_tokens: 40, messages: [{ role: "user", content: "load" }] });
        note(who, "200");
      } catch (e) {
        note(who, e instanceof OpenAI.APIError ? `${e.status} ${(e.error as { code?: string })?.code}` : `failed ${String(e)}`);
        if (e instanceof OpenAI.APIError && e.status === 503) await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  const load = [...Array.from({ length: 3 }, () => worker("limited", limited)), ...Array.from({ length: 3 }, () => worker("free", free))];
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  await wait(10_000);
  phase = "going";
  await valkey.stop(); // SIGKILL
  await wait(1_000); // the client notices
  phase = "down";
  await wait(7_000);
  phase = "back";
  valkey = await startValkey(valkey.port); // the same address, nothing in it
  await wait(2_000); // reconnect, re-register, grace
  phase = "after";
  await wait(10_000);
  running = false;
  await Promise.all(load);
  calls = { ...calls };

  // While Valkey was gone: limited users paused with 503, the others served; never a 500.
  expect(seen["down limited 503 budget_unavailable"]).toBeGreaterThan(0);
  expect(seen["down limited 200"]).toBeUndefined();
  expect(seen["down free 200"]).toBeGreaterThan(10);
  expect(Object.keys(seen).filter((k) => / (5\d\d(?! budget_unavailable)|failed)/.test(k))).toEqual([]);
  // Before and after, both served (or refused by the budget once it is spent).
  expect(seen["before limited 200"]).toBeGreaterThan(10);
  expect((seen["after limited 200"] ?? 0) + (seen["after limited 429 insufficient_quota"] ?? 0)).toBeGreaterThan(10);

  // One row per call, none lost or doubled; the limit held.
  const { rows } = await app.db.execute({
    sql: `SELECT user_id, count(*) AS n, sum(input_tokens + output_tokens) AS tokens FROM usage_events WHERE user_id IN (?, ?) GROUP BY user_id`,
    args: [limitedId, freeId],
  });
  const by = Object.fromEntries(rows.map((r) => [String(r.user_id), { n: Number(r.n), tokens: Number(r.tokens) }]));
  expect(by[limitedId].n).toBe(calls.limited);
  expect(by[freeId].n).toBe(calls.free);
  expect(by[limitedId].tokens).toBeLessThanOrEqual(LIMIT);

  // The counters, rebuilt from the ledger after the restart, equal it.
  await limited.chat.completions.create({ model: "spend-gpt", max_tokens: 1, messages: [{ role: "user", content: "x" }] }).catch(() => undefined);
  const redis = new Redis(valkey.url);
  try {
    const { rows: total } = await app.db.execute({ sql: "SELECT sum(input_tokens + output_tokens) AS t FROM usage_events WHERE user_id = ?", args: [limitedId] });
    const t = Number(total[0].t);
    // Settlements reach Valkey just after their answers: wait for the last one.
    const counters = async () => Object.entries(await redis.hgetall(`${app.valkeyPrefix}bgt:{${limitedId}}`)).filter(([f]) => f.startsWith("w:"));
    await expect.poll(async () => (await counters()).map(([, v]) => Number(v))).toEqual([t, t, t]);
    await expect.poll(() => redis.hlen(`${app.valkeyPrefix}bgr:{${limitedId}}`)).toBe(0);
  } finally {
    redis.disconnect();
  }
});
