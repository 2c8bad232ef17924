// The usage ledger at scale (issue 10, "a ledger that stays fast"): the usage cards (usageSummary →
// ledgerSums), the chart (dailySeries, 30 days), a budget rebuild's sums (windowSums) and a 30-day
// CSV export as the usage API streams it (lib/usage/export: keyset pages of 1,000 by (created_at, id)),
// and the portal's call history (lib/usage/history callHistory) for a user with BENCH_LEDGER_ROWS
// ledger rows (default 10 million, over ~400 days) and for one with 1,000, in the same run and the
// same temporary database (with other users' rows around them). Same run too: the cards as they were
// summed before the rollups (one pass over the user's ledger rows), as a baseline.
// Run through `npm run bench` (bench/index.ts), or alone: `tsx --conditions=react-server bench/usage.ts`.
// BENCH_LEDGER_ROWS=1000000 makes a quicker run.
import os from "node:os";
import { benchDatabase, measure, ms, runWhenMain, table, type Stats } from "./stats";

const HEAVY_ROWS = Number(process.env.BENCH_LEDGER_ROWS ?? 10_000_000);
const LIGHT_ROWS = 1_000;
const OTHER_USERS = 20;
const OTHER_ROWS = 5_000;
const DAYS = 400;
const WARMUP = 3;
const RUNS = 30;
const EXPORT_RUNS = 3;
const BASELINE_RUNS = 3;

export async function run() {
  const database = benchDatabase("usage");
  const url = database.url;
  try {
    const db = await database.open();
    const client = db.getClient();
    const { runMigrations } = await import("@/db/migrate");
    const { seedLedger } = await import("@/scripts/seed");
    const { usageSummary } = await import("@/lib/usage");
    const { dailySeries } = await import("@/lib/usage/rollups");
    const { windowSums } = await import("@/lib/budgets/ledger-sums");
    const { usageExport, EXPORT_PAGE_ROWS } = await import("@/lib/usage/export");
    const { budgetWindows } = await import("@/lib/budgets/windows");
    const { callHistory } = await import("@/lib/usage/history");

    console.log(`\n## usage: the ledger at ${HEAVY_ROWS.toLocaleString("en")} rows of one user vs ${LIGHT_ROWS.toLocaleString("en")}`);
    console.log(`node ${process.version}, ${os.cpus().length} CPU(s), ${os.platform()}; database ${url}`);
    await runMigrations();
    const now = new Date();
    const seedRows: string[][] = [];
    const seed = async (userId: string, rows: number) => {
      const r = await seedLedger(userId, rows, { days: DAYS, end: now });
      seedRows.push([userId, r.inserted.toLocaleString("en"), (r.ms / 1000).toFixed(1), (r.rollupMs / 1000).toFixed(1)]);
    };
    for (let i = 0; i < OTHER_USERS; i++) await seed(`other${String(i).padStart(2, "0")}`, OTHER_ROWS);
    await seed("heavy", HEAVY_ROWS);
    await seed("light", LIGHT_ROWS);
    console.log("\nSeeded (scripts/seed.ts seedLedger: ledger rows, then their rollups by rebuildRollups), s:\n");
    console.log(table(["user", "ledger rows", "rows s", "rollups s"], seedRows));

    const terms = {
      dailyLimit: 1_000_000,
      monthlyLimit: 10_000_000,
      totalLimit: null,
      budgetType: "subscription" as const,
      budgetSetAt: null,
      timezoneOffsetHours: 5.5,
      tzPreviousOffsetHours: null,
      tzSwitchAt: null,
    };
    // A one-time budget set mid-bucket 200 days ago: its window adds the raw rows of its first bucket.
    const oneTime = { ...terms, budgetType: "one_time" as const, budgetSetAt: new Date(now.getTime() - 200 * 86_400_000 + 7 * 60_000 + 31_123).toISOString() };
    const since30 = new Date(now.getTime() - 30 * 86_400_000).toISOString();

    /** The 30-day export as the usage API serves it (lib/usage/export, CSV), drained; its rows counted. */
    const exportScan = async (userId: string) => {
      const { stream } = usageExport({ id: userId, ...terms }, 30, "csv", now);
      let lines = 0;
      const reader = stream.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) for (const byte of r.value) if (byte === 10) lines++;
      return lines - 1; // the header
    };
    const latest = (userId: string) =>
      client.execute({
        sql: `SELECT id, created_at, endpoint, model, input_tokens, output_tokens, cost_eur, status FROM usage_events
              WHERE user_id = ? AND (created_at < ? OR (created_at = ? AND id < ?)) ORDER BY created_at DESC, id DESC LIMIT 50`,
        args: [userId, "9999", "9999", 0],
      });
    // The cards as summed before the rollups: one pass over the user's ledger rows.
    const before = (userId: string) => {
      const [d, mo] = budgetWindows(terms, now);
      return client.execute({
        sql: `SELECT coalesce(sum(CASE WHEN created_at >= ? AND created_at < ? THEN input_tokens + output_tokens END), 0),
                coalesce(sum(CASE WHEN created_at >= ? AND created_at < ? THEN input_tokens + output_tokens END), 0),
                coalesce(sum(input_tokens + output_tokens), 0), coalesce(sum(cost_eur), 0) FROM usage_events WHERE user_id = ?`,
        args: [d.start!, d.resetsAt!, mo.start!, mo.resetsAt!, userId],
      });
    };

    const plans: string[] = [];
    const explain = async (label: string, sql: string, args: (string | number)[]) => {
      const r = await client.execute({ sql: `EXPLAIN QUERY PLAN ${sql}`, args });
      plans.push(`${label}:\n${r.rows.map((row) => `    ${String(row.detail)}`).join("\n")}`);
    };
    await explain("export page (the keyset condition as lib/usage/export writes it)", `SELECT * FROM usage_events WHERE user_id = ? AND created_at >= ? AND created_at < ? AND (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ${EXPORT_PAGE_ROWS}`, ["heavy", since30, "9999", since30, 0]);
    await explain("latest calls page", "SELECT id, created_at, endpoint, model, input_tokens, output_tokens, cost_eur, status FROM usage_events WHERE user_id = ? AND (created_at < ? OR (created_at = ? AND id < ?)) ORDER BY created_at DESC, id DESC LIMIT 50", ["heavy", "9999", "9999", 0]);
    const ws = windowSums("heavy", budgetWindows(oneTime, now));
    await explain("windowSums (one-time, mid-bucket start)", ws.sql, ws.args);

    const history = { days: 90 as const, key: null, model: null, status: null, page: 1 };
    const results: string[][] = [];
    const cases: { label: string; fn: (userId: string) => Promise<unknown>; runs?: number }[] = [
      { label: "usage cards (usageSummary, +5:30)", fn: (u) => usageSummary({ id: u, ...terms }, now) },
      { label: "usage cards, one-time budget set mid-bucket", fn: (u) => usageSummary({ id: u, ...oneTime }, now) },
      { label: "chart (dailySeries, 30 days)", fn: (u) => dailySeries({ id: u, ...terms }, 30, now) },
      { label: "budget rebuild (windowSums)", fn: (u) => client.execute(windowSums(u, budgetWindows(oneTime, now))) },
      { label: "latest 50 calls (keyset page)", fn: latest },
      // The portal's call history (/user/usage): 90 days, counted up to its cap. No filter reads the
      // index alone; a status that no row has is the worst case, a walk of every row of the 90 days.
      { label: "call history, 90 days, page 1 (callHistory)", fn: (u) => callHistory({ id: u, ...terms }, history, now) },
      { label: "call history, 90 days, page 500", fn: (u) => callHistory({ id: u, ...terms }, { ...history, page: 500 }, now) },
      { label: "call history, 90 days, a status no call has", fn: (u) => callHistory({ id: u, ...terms }, { ...history, status: "aborted" }, now), runs: EXPORT_RUNS },
      { label: `30-day CSV export (usageExport, pages of ${EXPORT_PAGE_ROWS})`, fn: exportScan, runs: EXPORT_RUNS },
      { label: "baseline: cards summed over the raw rows (before rollups)", fn: before, runs: BASELINE_RUNS },
    ];
    const counts = { heavy: await exportScan("heavy"), light: await exportScan("light") };
    for (const c of cases) {
      const runs = c.runs ?? RUNS;
      // The long cases' warm-up is the untimed export count above, or none (the baseline).
      const heavy = await measure(() => c.fn("heavy"), c.runs ? 0 : WARMUP, runs);
      const light = await measure(() => c.fn("light"), WARMUP, RUNS);
      results.push([c.label, `${runs}/${RUNS}`, ms(light.p50), ms(light.p95), ms(heavy.p50), ms(heavy.p95), `${(heavy.p50 / light.p50).toFixed(1)}×`]);
      if (c.fn === exportScan) {
        const per = (s: Stats, rows: number) => ms((s.p50 / Math.max(1, rows)) * 1000);
        results.push(["  the same, per 1,000 rows exported", "", per(light, counts.light), "", per(heavy, counts.heavy), "", ""]);
      }
    }
    const h = HEAVY_ROWS >= 1_000_000 ? `${HEAVY_ROWS / 1_000_000}M` : HEAVY_ROWS.toLocaleString("en");
    console.log(`\nPer call, ms (warm-ups then timed runs; runs = ${h} user / 1k user):\n`);
    console.log(table(["case", "runs", "1k rows p50", "1k p95", `${h} rows p50`, `${h} p95`, `${h}/1k (p50)`], results));
    console.log(
      `\nThe 30-day export reads ${counts.heavy.toLocaleString("en")} rows for the ${h} user and ${counts.light.toLocaleString("en")} for the 1k user: ` +
        "its time follows the rows exported, not the ledger's size.",
    );
    console.log(`\nEXPLAIN QUERY PLAN (${h} user):\n\n${plans.join("\n")}`);
  } finally {
    database.dispose();
  }
}

runWhenMain(import.meta.url, run);
