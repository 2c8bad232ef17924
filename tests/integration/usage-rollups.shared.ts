import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import type { UsageRow } from "@/lib/usage";
import { prng } from "@/scripts/prng";
import { budgetTerms } from "../support/budget-terms";
import { suiteModules } from "../support/domain";
import { unique } from "../support/names";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The usage rollups (lib/usage/rollups) against a real SQLite file, written by the budget store of
 * `kind` as the gateway writes them: always equal to a GROUP BY over the ledger, and the figures read
 * through them equal to sums over the ledger's rows, on and off bucket boundaries.
 */
export function usageRollupsSuite(kind: "valkey" | "sqlite") {
  const dir = mkdtempSync(path.join(inject("tmpRoot"), `usage-rollups-${kind}-`));
  process.env.DATABASE_URL = `file:${path.join(dir, "t.db")}`;
  process.env.VALKEY_PREFIX = `usage-rollups-${process.pid}:`;
  if (kind === "valkey") process.env.VALKEY_URL = inject("valkeyUrl");
  else delete process.env.VALKEY_URL;

  const m = suiteModules(async () => {
    const cache = await import("@/lib/cache");
    await cache.connectCache();
    const budgets = await import("@/lib/budgets");
    await budgets.budgetStore().start();
    return {
      budgets,
      usage: await import("@/lib/usage"),
      rollups: await import("@/lib/usage/rollups"),
      ledgerSums: await import("@/lib/budgets/ledger-sums"),
      db: await import("@/db"),
      cache,
      migrate: await import("@/db/migrate"),
    };
  });

  const terms = budgetTerms;

  /** A ledger row at `createdAt`, with tokens, cache parts, cost and endpoint/model drawn from `rand`. */
  const rowAt = (userId: string, createdAt: string, rand: () => number, requestId = randomUUID()): UsageRow => {
    const input = Math.floor(rand() * 1000);
    const pick = rand();
    return {
      requestId,
      userId,
      keyId: null,
      endpoint: pick < 0.1 ? null : pick < 0.55 ? "east" : "west",
      model: pick < 0.1 ? null : rand() < 0.5 ? "small" : "large",
      inputTokens: input,
      outputTokens: Math.floor(rand() * 500),
      cacheReadTokens: Math.floor(input * rand() * 0.5),
      cacheWriteTokens: Math.floor(input * rand() * 0.2),
      costEur: Math.round(rand() * 1e6) / 1e7,
      status: "ok",
      latencyMs: 1,
      createdAt,
    };
  };

  /** Times over `days` days before `end`, some on bucket boundaries and at their last millisecond. */
  const timesBefore = (end: number, days: number, n: number, rand: () => number) =>
    Array.from({ length: n }, (_, i) => {
      const t = end - Math.floor(rand() * days * DAY);
      const quarter = t - (t % (15 * 60_000));
      return new Date(i % 7 === 0 ? quarter : i % 7 === 1 ? quarter - 1 : t).toISOString();
    });

  const rowsOf = async (userIds: string[]) =>
    (
      await m.db.getClient().execute({
        sql: `SELECT * FROM usage_events WHERE user_id IN (${userIds.map(() => "?").join(",")})`,
        args: userIds,
      })
    ).rows;

  /** What the rollups of `userIds` must be: the ledger grouped in JS, by 15-minute bucket (bucketOf) and by UTC day. */
  const expected = async (userIds: string[], by: "bucket" | "day" = "bucket") => {
    const groups = new Map<string, number[]>();
    for (const r of await rowsOf(userIds)) {
      const at = String(r.created_at);
      const period = by === "bucket" ? m.rollups.bucketOf(at) : `${new Date(at).toISOString().slice(0, 10)}T00:00:00.000Z`;
      const key = [r.user_id, period, r.endpoint ?? "", r.model ?? ""].join("|");
      const g = groups.get(key) ?? [0, 0, 0, 0, 0, 0];
      [1, Number(r.input_tokens), Number(r.output_tokens), Number(r.cache_read_tokens), Number(r.cache_write_tokens), Number(r.cost_eur)].forEach(
        (v, i) => (g[i] += v),
      );
      groups.set(key, g);
    }
    return [...groups].map(([k, g]) => [k, ...g.slice(0, 5), g[5].toFixed(9)].join("|")).sort();
  };
  const actual = async (userIds: string[], by: "bucket" | "day" = "bucket") =>
    (
      await m.db.getClient().execute({
        sql: `SELECT * FROM ${by === "bucket" ? "usage_rollups" : "usage_rollups_daily"} WHERE user_id IN (${userIds.map(() => "?").join(",")})`,
        args: userIds,
      })
    ).rows
      .map((r) =>
        [r.user_id, r[by], r.endpoint, r.model, r.calls, r.input_tokens, r.output_tokens, r.cache_read_tokens, r.cache_write_tokens, Number(r.cost_eur).toFixed(9)].join("|"),
      )
      .sort();
  /** Both levels equal the ledger. */
  const expectEqual = async (userIds: string[]) => {
    expect(await actual(userIds)).toEqual(await expected(userIds));
    expect(await actual(userIds, "day")).toEqual(await expected(userIds, "day"));
  };

  /** The raw sums of a user's ledger rows in [start, end) (null = unbounded), in tokens (input + output) and EUR. */
  const rawSums = (rows: Awaited<ReturnType<typeof rowsOf>>, start: string | null, end: string | null) => {
    let tokens = 0;
    let eur = 0;
    for (const r of rows) {
      const at = String(r.created_at);
      if ((start === null || at >= start) && (end === null || at < end)) {
        tokens += Number(r.input_tokens) + Number(r.output_tokens);
        eur += Number(r.cost_eur);
      }
    }
    return { tokens, eur };
  };

  /** Writes `n` random rows for a fresh user through recordUsage, over `days` days before `end`. */
  const seeded = async (n: number, end: number, days: number, seed: number) => {
    const userId = unique("roll");
    const rand = prng(seed);
    for (const at of timesBefore(end, days, n, rand)) await m.usage.recordUsage(rowAt(userId, at, rand));
    return userId;
  };

  describe(`usage rollups (${kind} budget store)`, () => {
    it("equal a GROUP BY over the ledger after many concurrent settlements, a request id settled twice counted once", async () => {
      const users = [unique("conc"), unique("conc"), unique("conc")];
      const rand = prng(7);
      const store = m.budgets.budgetStore();
      const now = Date.now();
      const rows = timesBefore(now, 3, 300, rand).map((at, i) => rowAt(users[i % 3], at, rand));
      const windowsOf = (r: UsageRow) => ({ windows: m.budgets.budgetWindows(terms({ totalLimit: 10_000_000 }), new Date(r.createdAt)) });
      // Every tenth row is settled three times at once (a retried settlement): one ledger row, one count.
      await Promise.all(rows.flatMap((r, i) => (i % 10 === 0 ? [r, r, r] : [r]).map((x) => store.settle(x, windowsOf(x)))));
      await store.drain();
      expect((await rowsOf(users)).length).toBe(300);
      expect((await expected(users)).length).toBeGreaterThan(100);
      expect((await expected(users, "day")).length).toBeGreaterThan(10);
      await expectEqual(users);
    });

    it("are recomputed by rebuildRollups, for one user and for everyone, stale buckets dropped", async () => {
      const now = Date.now();
      const a = await seeded(120, now, 30, 11);
      const b = await seeded(40, now, 30, 12);
      const client = m.db.getClient();
      // Damage: a wrong count, a bucket the ledger has no row for, a user with rollups and no ledger.
      await client.execute({ sql: "UPDATE usage_rollups SET calls = calls + 5, input_tokens = 0 WHERE user_id = ?", args: [a] });
      await client.execute({ sql: "INSERT INTO usage_rollups (user_id, bucket, calls, input_tokens) VALUES (?, '2020-01-01T00:00:00.000Z', 1, 9)", args: [a] });
      await client.execute({ sql: "UPDATE usage_rollups SET output_tokens = 1 WHERE user_id = ?", args: [b] });
      await client.execute({ sql: "UPDATE usage_rollups_daily SET calls = 0 WHERE user_id = ?", args: [a] });
      await client.execute({ sql: "INSERT INTO usage_rollups_daily (user_id, day, calls) VALUES (?, '2020-01-01T00:00:00.000Z', 3)", args: [b] });
      const ghost = unique("ghost");
      await client.execute({ sql: "INSERT INTO usage_rollups (user_id, bucket, calls) VALUES (?, '2026-01-01T00:00:00.000Z', 1)", args: [ghost] });
      expect(await actual([a])).not.toEqual(await expected([a]));

      await m.rollups.rebuildRollups(a);
      await expectEqual([a]);
      expect(await actual([b])).not.toEqual(await expected([b])); // only the one user

      const { users } = await m.rollups.rebuildRollups();
      expect(users).toBeGreaterThanOrEqual(2);
      await expectEqual([a, b]);
      expect(await actual([ghost])).toEqual([]);
    });

    it("give the ledger's sums for every window on and off bucket boundaries: +5:30, +5:45, −8, a one-time start mid-bucket", async () => {
      const end = Date.parse("2026-05-20T12:00:00.000Z");
      const userId = await seeded(600, end, 70, 21);
      const nows = ["2026-05-20T11:59:59.999Z", "2026-05-01T00:00:00.000Z", "2026-05-19T18:37:12.345Z", "2026-04-30T18:30:00.000Z"];
      const sets = ["2026-04-11T07:07:31.123Z", "2026-04-11T07:15:00.000Z", "2026-05-19T18:44:59.999Z"];
      // Rows in the buckets the one-time starts cut: just before and after each start, and at the bucket's edges.
      const rand = prng(22);
      for (const set of sets) {
        const t = Date.parse(set);
        const bucket = Date.parse(m.rollups.bucketOf(set));
        for (const at of [t - 1, t, t + 1, bucket, bucket + 15 * 60_000 - 1, bucket + 15 * 60_000]) {
          await m.usage.recordUsage(rowAt(userId, new Date(at).toISOString(), rand));
        }
      }
      const rows = await rowsOf([userId]);
      let compared = 0;
      for (const offset of [5.5, 5.75, -8, 0, 14]) {
        for (const now of nows) {
          const variants = [terms({ timezoneOffsetHours: offset }), ...sets.map((s) => terms({ timezoneOffsetHours: offset, budgetType: "one_time", budgetSetAt: s }))];
          for (const t of variants) {
            const windows = m.budgets.budgetWindows(t, new Date(now));
            const viaRollups = await m.usage.ledgerSums(userId, windows);
            const [snapshot] = (await m.db.getClient().execute(m.ledgerSums.windowSums(userId, windows))).rows;
            for (const [i, w] of windows.entries()) {
              const raw = rawSums(rows, w.start, w.resetsAt);
              expect(viaRollups[i].tokens, `${offset} ${now} ${w.id}`).toBe(raw.tokens);
              expect(viaRollups[i].eur).toBeCloseTo(raw.eur, 9);
              // The budget rebuild's sums run to now and beyond (no upper bound).
              expect(Number(snapshot[`w${i}`]), `${offset} ${now} ${w.id}`).toBe(rawSums(rows, w.start, null).tokens);
              const [one] = (await m.db.getClient().execute(m.ledgerSums.windowSum(userId, w))).rows;
              expect(Number(one[0])).toBe(rawSums(rows, w.start, null).tokens);
              compared++;
            }
          }
        }
      }
      expect(compared).toBe(5 * 4 * 4 * 3);
      const [{ mark }] = (await m.db.getClient().execute("SELECT max(id) AS mark FROM usage_events")).rows;
      const [snapshot] = (await m.db.getClient().execute(m.ledgerSums.windowSums(userId, m.budgets.budgetWindows(terms(), new Date())))).rows;
      expect(Number(snapshot.mark)).toBe(Number(mark));
    });

    it("give the ledger's sums for arbitrary spans, both ends anywhere in or between buckets", async () => {
      const end = Date.parse("2026-03-10T00:00:00.000Z");
      const userId = await seeded(300, end, 3, 31);
      const rows = await rowsOf([userId]);
      const rand = prng(32);
      for (let i = 0; i < 60; i++) {
        const a = end - Math.floor(rand() * 3.2 * DAY);
        const b = i % 3 === 0 ? a + Math.floor(rand() * 15 * 60_000) : a + Math.floor(rand() * DAY); // some within one bucket
        const span = { start: i % 10 === 9 ? null : new Date(a).toISOString(), resetsAt: new Date(b).toISOString() };
        const [got] = await m.usage.ledgerSums(userId, [span]);
        const raw = rawSums(rows, span.start, span.resetsAt);
        expect(got.tokens, JSON.stringify(span)).toBe(raw.tokens);
        expect(got.eur).toBeCloseTo(raw.eur, 9);
      }
    });

    it("give dailySeries per local day from the rollups, equal to the raw rows grouped by local day", async () => {
      const now = new Date("2026-06-10T20:40:00.000Z");
      const userId = await seeded(400, now.getTime(), 35, 41);
      for (const offset of [5.5, 5.75, -8, 0, 12, 14, -12, -3.5]) {
        const series = await m.rollups.dailySeries({ id: userId, ...terms({ timezoneOffsetHours: offset }) }, 30, now);
        expect(series).toHaveLength(30);
        const todayLocal = new Date(now.getTime() + offset * HOUR).toISOString().slice(0, 10);
        expect(series[29].day).toBe(todayLocal);
        const byDay = new Map<string, number[]>();
        for (const r of await rowsOf([userId])) {
          const day = new Date(Date.parse(String(r.created_at)) + offset * HOUR).toISOString().slice(0, 10);
          const g = byDay.get(day) ?? [0, 0, 0, 0, 0, 0];
          [Number(r.input_tokens), Number(r.output_tokens), Number(r.cache_read_tokens), Number(r.cache_write_tokens), 1, Number(r.cost_eur)].forEach((v, i) => (g[i] += v));
          byDay.set(day, g);
        }
        for (const d of series) {
          const g = byDay.get(d.day) ?? [0, 0, 0, 0, 0, 0];
          expect([d.inputTokens, d.outputTokens, d.cacheReadTokens, d.cacheWriteTokens, d.calls], `${offset} ${d.day}`).toEqual(g.slice(0, 5));
          expect(d.eur).toBeCloseTo(g[5], 9);
        }
        const total = series.reduce((s, d) => s + d.calls, 0);
        expect(total).toBeGreaterThan(300);
        expect(total).toBeLessThan(400); // the oldest days are outside the 30
      }
    });

    it("are built once at start after an upgrade (a ledger and no rollups), and left alone otherwise", async () => {
      const user = await seeded(50, Date.now(), 10, 51);
      const client = m.db.getClient();
      expect(await m.rollups.backfillRollups()).toBeNull(); // rollups present: nothing to do
      // As a database from before the rollups' migration: the ledger alone.
      await client.execute("DELETE FROM usage_rollups");
      const done = await m.rollups.backfillRollups();
      expect(done?.users).toBeGreaterThanOrEqual(1);
      await expectEqual([user]);
      const all = (await client.execute("SELECT DISTINCT user_id FROM usage_events")).rows.map((r) => String(r.user_id));
      await expectEqual(all);
      // Rollups without their daily sums (a database between the two migrations): built again too.
      await client.execute("DELETE FROM usage_rollups_daily");
      expect((await m.rollups.backfillRollups())?.users).toBeGreaterThanOrEqual(1);
      await expectEqual(all);
      expect(await m.rollups.backfillRollups()).toBeNull();
    });
  });
}
