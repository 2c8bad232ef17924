import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import type { Ask, BudgetWindow } from "@/lib/budgets";
import type { ValkeyCache } from "@/lib/cache/valkey";
import type { UsageRow } from "@/lib/usage";
import { budgetTerms } from "../support/budget-terms";
import { suiteModules } from "../support/domain";
import { unique } from "../support/names";
import { startValkey } from "../support/valkey";

/**
 * The budget store against a real SQLite file, on valkey-server (kind "valkey": every test file has the
 * shared server, namespaced) or without Valkey (kind "sqlite"): admissions under concurrency, settlement,
 * counters equal to the ledger, rebuilds. The gateway's use of the store is tested over HTTP elsewhere.
 */
export function budgetStoreSuite(kind: "valkey" | "sqlite") {
  const dir = mkdtempSync(path.join(inject("tmpRoot"), `budget-store-${kind}-`));
  const prefix = `budget-store-${process.pid}:`;
  process.env.DATABASE_URL = `file:${path.join(dir, "t.db")}`;
  process.env.VALKEY_PREFIX = prefix;
  if (kind === "valkey") process.env.VALKEY_URL = inject("valkeyUrl");
  else delete process.env.VALKEY_URL;

  const m = suiteModules(async () => {
    const cache = await import("@/lib/cache");
    await cache.connectCache(); // as the server does at start
    const budgets = await import("@/lib/budgets");
    await budgets.budgetStore().start(); // likewise
    return {
      budgets,
      usage: await import("@/lib/usage"),
      db: await import("@/db"),
      cache,
      migrate: await import("@/db/migrate"),
    };
  });

  const terms = budgetTerms;
  const ask = (userId: string, windows: BudgetWindow[], over: Partial<Ask> = {}): Ask => ({
    requestId: randomUUID(),
    userId,
    windows,
    reserve: windows.some((w) => w.limit !== null),
    inputBound: 10,
    n: 1,
    wantedCap: 100,
    minCap: 1,
    ...over,
  });
  const row = (userId: string, requestId: string, input: number, output: number, createdAt = new Date().toISOString()): UsageRow => ({
    requestId,
    userId,
    keyId: null,
    endpoint: "e",
    model: "m",
    inputTokens: input,
    outputTokens: output,
    costEur: 0,
    status: "ok",
    latencyMs: 1,
    createdAt,
  });
  const ledger = async (userId: string, since?: string) => {
    const r = await m.db.getClient().execute({
      sql: `SELECT coalesce(sum(input_tokens + output_tokens), 0) AS t FROM usage_events WHERE user_id = ? AND created_at >= ?`,
      args: [userId, since ?? ""],
    });
    return Number(r.rows[0].t);
  };
  /** Where the store says the user stands (a read-only admission), per window kind. */
  const usedNow = async (userId: string, windows: BudgetWindow[]) => {
    const a = await m.budgets.budgetStore().admit(ask(userId, windows, { reserve: false }));
    if (!a.ok) throw new Error(`read refused: ${a.reason}`);
    return Object.fromEntries(a.standing.map((s) => [s.kind, s.used]));
  };
  /** The client of the Valkey store (kind "valkey"), to look at what it keeps. */
  const valkey = () => (m.cache.cache() as ValkeyCache).redis;
  /** Reservations still held for the user, whichever store keeps them. */
  const heldFor = async (userId: string) => {
    if (kind === "sqlite") {
      const r = await m.db.getClient().execute({ sql: "SELECT count(*) AS n FROM budget_reservations WHERE user_id = ?", args: [userId] });
      return Number(r.rows[0].n);
    }
    return valkey().hlen(`${prefix}bgr:{${userId}}`);
  };

  describe(`budget store (${kind})`, () => {
    it("admits 200 concurrent calls with random caps so that no window is ever exceeded, and releases every reservation", async () => {
      const userId = unique("conc");
      const t = terms({ dailyLimit: 3_000, monthlyLimit: 5_000, totalLimit: 8_000 });
      const store = m.budgets.budgetStore();
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const windows = m.budgets.budgetWindows(t, new Date());
          const a = ask(userId, windows, { inputBound: 20 + (i % 7) * 5, wantedCap: 50 + ((i * 37) % 400), minCap: 30 });
          const admitted = await store.admit(a);
          if (!admitted.ok) return admitted.reason;
          // The call runs, then uses at most its bound: input up to the bound, output up to the cap.
          await new Promise((r) => setTimeout(r, (i * 13) % 25));
          const input = a.inputBound - (i % 3);
          const output = Math.max(0, admitted.cap! - (i % 50));
          await store.settle(row(userId, a.requestId, input, output), { windows: m.budgets.budgetWindows(t, new Date()) });
          return "ok";
        }),
      );
      expect(outcomes.filter((o) => o === "ok").length).toBeGreaterThan(10);
      expect(outcomes.filter((o) => o === "budget").length).toBeGreaterThan(10);
      expect(outcomes.filter((o) => o !== "ok" && o !== "budget")).toEqual([]);
      const spent = await ledger(userId);
      expect(spent).toBeLessThanOrEqual(3_000);
      expect(spent).toBeGreaterThan(3_000 - 500); // the limit was used, not left idle
      expect(await heldFor(userId)).toBe(0);
      const windows = m.budgets.budgetWindows(t, new Date());
      expect(await usedNow(userId, windows)).toEqual({ daily: spent, monthly: spent, total: spent });
    });

    it("lowers the cap to what is left and refuses below the call's minimum, naming the tightest window", async () => {
      const userId = unique("cap");
      const t = terms({ dailyLimit: 1_000, totalLimit: 500 });
      const store = m.budgets.budgetStore();
      const windows = m.budgets.budgetWindows(t, new Date());
      const first = await store.admit(ask(userId, windows, { inputBound: 100, n: 2, wantedCap: 1_000, minCap: 50 }));
      expect(first).toMatchObject({ ok: true, cap: 200 }); // (500 − 100) / 2
      const second = await store.admit(ask(userId, windows, { inputBound: 10, wantedCap: 1_000, minCap: 1 }));
      expect(second).toMatchObject({ ok: false, reason: "budget", window: { kind: "total", limit: 500 } });
    });

    it.runIf(kind === "valkey")("admits a request tried again (its first reply lost to a timeout) as the first time: its own reservation does not count against it, and it holds one", async () => {
      const userId = unique("retry");
      const windows = m.budgets.budgetWindows(terms({ totalLimit: 500 }), new Date());
      const store = m.budgets.budgetStore();
      const a = ask(userId, windows, { inputBound: 100, wantedCap: 1_000 });
      expect(await store.admit(a)).toMatchObject({ ok: true, cap: 400 });
      expect(await store.admit(a)).toMatchObject({ ok: true, cap: 400, reserved: 0 });
      expect(await valkey().hlen(`${prefix}bgr:{${userId}}`)).toBe(1);
      // Any other request still counts it: nothing is left.
      expect(await store.admit(ask(userId, windows, { inputBound: 100, wantedCap: 1_000 }))).toMatchObject({ ok: false, reason: "budget", reserved: 500 });
    });

    it.runIf(kind === "valkey")("tries an admission that timed out once more within its patience, instead of answering unavailable", async () => {
      // A valkey-server of its own: frozen (SIGSTOP) past the command timeout, then thawed.
      const { ValkeyBudgetStore } = await import("@/lib/budgets/valkey-store");
      const { Redis } = await import("ioredis");
      const server = await startValkey();
      const redis = new Redis(server.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 500 });
      const store = new ValkeyBudgetStore(redis, "timeout-retry:");
      try {
        await new Promise((r) => redis.once("ready", r));
        await store.start();
        await new Promise((r) => setTimeout(r, 800)); // a new Valkey's grace (restart_grace) has passed
        const userId = unique("timeout");
        const windows = m.budgets.budgetWindows(terms({ totalLimit: 500 }), new Date());
        expect(await store.admit(ask(userId, windows))).toMatchObject({ ok: true, cap: 100 }); // 110 reserved
        server.process.kill("SIGSTOP");
        const pending = store.admit(ask(userId, windows, { inputBound: 100, wantedCap: 1_000 }));
        await new Promise((r) => setTimeout(r, 650)); // the first try has timed out (500 ms)
        server.process.kill("SIGCONT");
        // Admitted as if asked once: 500 − 110 reserved − 100 input.
        expect(await pending).toMatchObject({ ok: true, cap: 290, reserved: 110 });
      } finally {
        server.process.kill("SIGCONT");
        await store.close();
        redis.disconnect();
        await server.stop();
      }
    });

    it("counts from the ledger when the counters are new: earlier rows, a changed budget type, a new window", async () => {
      const userId = unique("ledger");
      const store = m.budgets.budgetStore();
      const now = new Date();
      const yesterday = new Date(now.getTime() - 86_400_000).toISOString();
      await m.usage.recordUsage(row(userId, randomUUID(), 300, 200, yesterday));
      await m.usage.recordUsage(row(userId, randomUUID(), 40, 10));
      const sub = terms({ dailyLimit: 10_000 });
      const used = await usedNow(userId, m.budgets.budgetWindows(sub, now));
      expect(used.daily).toBe(50);
      expect(used.total).toBe(550);
      // One-time since two days ago: the "monthly" window is a new one, and must hold both rows.
      const oneTime = terms({ dailyLimit: 10_000, budgetType: "one_time", budgetSetAt: new Date(now.getTime() - 2 * 86_400_000).toISOString() });
      expect((await usedNow(userId, m.budgets.budgetWindows(oneTime, now))).monthly).toBe(550);
      // A settled call moves every window it falls in.
      const a = ask(userId, m.budgets.budgetWindows(oneTime, now));
      expect((await store.admit(a)).ok).toBe(true);
      await store.settle(row(userId, a.requestId, 5, 5), { windows: m.budgets.budgetWindows(oneTime, new Date()) });
      expect(await usedNow(userId, m.budgets.budgetWindows(oneTime, now))).toEqual({ daily: 60, monthly: 560, total: 560 });
    });

    it("counts each window in the user's own day and month, at +5:30, −8 and +14, around local midnight at the month's end", async () => {
      const HOUR = 3_600_000;
      for (const offset of [5.5, -8, 14]) {
        const userId = unique("edge");
        // Local wall-clock time → UTC instant at this offset.
        const local = (wall: string) => new Date(Date.parse(`${wall}Z`) - offset * HOUR);
        const sub = terms({ dailyLimit: 1_000_000, timezoneOffsetHours: offset });
        // Rows written as the gateway writes them: through the store, with the windows at their time.
        const spend = (wall: string, tokens: number) =>
          m.budgets.budgetStore().settle(row(userId, randomUUID(), tokens, 0, local(wall).toISOString()), { windows: m.budgets.budgetWindows(sub, local(wall)) });
        await spend("2026-04-15T12:00:00.000", 1); // earlier this month
        await spend("2026-04-30T00:10:00.000", 10); // the last day, just after its midnight
        await spend("2026-04-30T23:50:00.000", 100); // the last day, just before the next midnight
        const at = (wall: string) => usedNow(userId, m.budgets.budgetWindows(sub, local(wall)));
        expect(await at("2026-04-30T23:55:00.000"), `${offset} before midnight`).toEqual({ daily: 110, monthly: 111, total: 111 });
        await spend("2026-05-01T00:05:00.000", 1000); // the new month, just after its midnight
        expect(await at("2026-05-01T00:06:00.000"), `${offset} after midnight`).toEqual({ daily: 1000, monthly: 1000, total: 1111 });
        // One-time: the day still resets; the allotment counts everything since it was set.
        const once = terms({ dailyLimit: 1_000_000, timezoneOffsetHours: offset, budgetType: "one_time", budgetSetAt: local("2026-04-20T00:00:00.000").toISOString() });
        expect(await usedNow(userId, m.budgets.budgetWindows(once, local("2026-05-01T00:06:00.000")))).toEqual({ daily: 1000, monthly: 1110, total: 1111 });
      }
    });

    it("does not reset a spent day when the timezone changes: the day runs on until the new offset's next midnight", async () => {
      const userId = unique("tz");
      const spentAt = new Date("2026-03-10T15:00:00.000Z");
      await m.usage.recordUsage(row(userId, randomUUID(), 500, 0, spentAt.toISOString()));
      // At 20:00 UTC the UTC user moves to +14, where it is already 10:00 on the next day.
      const moved = { ...terms({ dailyLimit: 600 }), ...m.budgets.timezoneChange({ timezoneOffsetHours: 0, tzPreviousOffsetHours: null, tzSwitchAt: null }, 14, new Date("2026-03-10T20:00:00.000Z")) };
      for (const now of ["2026-03-10T20:00:00.000Z", "2026-03-11T05:00:00.000Z"]) {
        expect((await usedNow(userId, m.budgets.budgetWindows(moved, new Date(now)))).daily, now).toBe(500);
      }
      expect((await usedNow(userId, m.budgets.budgetWindows(moved, new Date(moved.tzSwitchAt!)))).daily).toBe(0);
    });

    it("settles a request id once, however often its settlement is sent", async () => {
      const userId = unique("once");
      const t = terms({ totalLimit: 10_000 });
      const store = m.budgets.budgetStore();
      const windows = m.budgets.budgetWindows(t, new Date());
      const a = ask(userId, windows);
      await store.admit(a);
      const r = row(userId, a.requestId, 7, 3);
      await store.settle(r, { windows });
      await store.settle(r, { windows });
      expect(await ledger(userId)).toBe(10);
      expect((await usedNow(userId, windows)).total).toBe(10);
    });

    it("frees the reservation of a call whose process died (its lease lapsed), and counts what its row says", async () => {
      const userId = unique("lapse");
      const t = terms({ dailyLimit: 200 });
      const store = m.budgets.budgetStore();
      const windows = m.budgets.budgetWindows(t, new Date());
      const dead = ask(userId, windows, { inputBound: 50, wantedCap: 100 });
      expect((await store.admit(dead)).ok).toBe(true); // 150 reserved
      // With Valkey the dying process may have written its row but not settled it (the two are separate
      // writes); without, the row and the counters move in one transaction, so it wrote neither.
      const wroteRow = kind === "valkey";
      if (wroteRow) await m.usage.recordUsage(row(userId, dead.requestId, 30, 20));
      await lapse(userId, dead.requestId);
      const next = await store.admit(ask(userId, windows, { inputBound: 10, wantedCap: 500, minCap: 1 }));
      expect(next).toMatchObject({ ok: true, cap: wroteRow ? 140 : 190 }); // 200 − what the row says − 10 input
    });
  });

  /** Moves a reservation's lease end into the past, as if its process had stopped renewing it. */
  async function lapse(userId: string, requestId: string) {
    const past = Date.now() - 1;
    if (kind === "sqlite") {
      await m.db.getClient().execute({ sql: "UPDATE budget_reservations SET expires_at = ? WHERE request_id = ?", args: [past, requestId] });
    } else {
      const c = { redis: valkey() };
      const key = `${prefix}bgr:{${userId}}`;
      const [amount] = String(await c.redis.hget(key, requestId)).split(":");
      await c.redis.hset(key, requestId, `${amount}:${past}`);
    }
    // Its process is gone: this one must not renew it either.
    const store = m.budgets.budgetStore() as unknown as { inFlight: { delete(id: string): void } };
    store.inFlight.delete(requestId);
  }
}
