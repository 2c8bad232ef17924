import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export type Stats = { p50: number; p95: number; max: number; runs: number };

/** Nearest-rank percentiles of `runs` timed calls after `warmup` untimed ones, ms. */
export async function measure(fn: () => Promise<unknown>, warmup: number, runs: number): Promise<Stats> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95), max: times[times.length - 1], runs };
}

export const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** A Markdown table; columns in `alignLeft` are left-aligned, the rest right-aligned. */
export function table(head: string[], rows: string[][], alignLeft: number[] = [0]) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    "| " + cells.map((c, i) => (alignLeft.includes(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ") + " |";
  return [line(head), "|" + widths.map((w, i) => (alignLeft.includes(i) ? ":" : "-") + "-".repeat(w) + (alignLeft.includes(i) ? "-" : ":")).join("|") + "|", ...rows.map(line)].join("\n");
}

/** Runs a benchmark when its file is the one executed (alone, or by bench/index.ts), exiting 1 on error. */
export function runWhenMain(moduleUrl: string, run: () => Promise<unknown>) {
  if (!process.argv[1] || path.resolve(process.argv[1]) !== fileURLToPath(moduleUrl)) return;
  run()
    .then(() => process.exit(0))
    .catch((e) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : e);
      process.exit(1);
    });
}

/**
 * A throw-away SQLite database for a benchmark in a temporary folder (with a `pid` file, for sweeping
 * folders of killed runs), DATABASE_URL set before lib/config is read; `dispose()` closes and removes
 * it, as does Ctrl-C. `open()` imports the database modules and checks config() saw the URL.
 */
export function benchDatabase(name: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tollgate-bench-"));
  writeFileSync(path.join(dir, "pid"), String(process.pid));
  const url = `file:${path.join(dir, "bench.db")}`;
  process.env.DATABASE_URL = url;
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const onSignal = () => {
    cleanup();
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let close: (() => void) | undefined;
  return {
    url,
    async open() {
      const { config } = await import("@/lib/config");
      if (config().databaseUrl !== url) throw new Error(`bench/${name}: config() was read before the bench set DATABASE_URL (${config().databaseUrl})`);
      const db = await import("@/db");
      close = db.closeDb;
      return db;
    },
    dispose() {
      close?.();
      cleanup();
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
