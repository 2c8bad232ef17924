import "server-only";
import { getClient } from "@/db";
import type { usageEvents } from "@/db/schema";
import { budgetWindows, type BudgetTerms, type BudgetWindow } from "@/lib/budgets/windows";
import { rollupWrites, spanSums } from "./rollups";

export type UsageFigures = { tokens: number; eur: number };
export type UsageSummary = { today: UsageFigures; month: UsageFigures; total: UsageFigures };

/**
 * Tokens (input + output) and EUR of a user's ledger rows in each of `windows`, each counted over
 * exactly [start, resetsAt) (null start = since ever, null resetsAt = open-ended): the rows the budget
 * counters of those windows hold. One query, through the 15-minute rollups (lib/usage/rollups): whole
 * buckets, plus the raw rows of a bucket a window only partly covers.
 */
export async function ledgerSums(userId: string, windows: Pick<BudgetWindow, "start" | "resetsAt">[]): Promise<UsageFigures[]> {
  const statement = spanSums(
    userId,
    windows.map((w) => ({ start: w.start, end: w.resetsAt })),
    { t: "input_tokens + output_tokens", e: "cost_eur" },
  );
  const [row] = (await getClient().execute(statement)).rows;
  return windows.map((_, i) => ({ tokens: Number(row[`t${i}`]), eur: Number(row[`e${i}`]) }));
}

/**
 * Today / this month (or since a one-time budget was set) / total, in tokens (input + output) and EUR,
 * summed from the usage_events ledger (through its rollups) over the user's budget windows in one query.
 */
export async function usageSummary(
  user: { id: string } & BudgetTerms,
  now = new Date(),
): Promise<UsageSummary> {
  const [today, month, total] = await ledgerSums(user.id, budgetWindows(user, now));
  return { today, month, total };
}

type UsageInsert = typeof usageEvents.$inferInsert;
type UsageDetail = "cacheReadTokens" | "cacheWriteTokens" | "estimated" | "overCap";
/** One finished gateway call, as the ledger stores it (the cache, estimate and cap marks default to 0). */
export type UsageRow = Required<Omit<UsageInsert, "id" | UsageDetail>> & Partial<Pick<UsageInsert, UsageDetail>>;

// Written once per gateway call, so it skips the query builder: one constant statement.
const INSERT_USAGE = `INSERT INTO usage_events
  (request_id, user_id, key_id, endpoint, model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
   cost_eur, status, latency_ms, created_at, estimated, over_cap)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING`;

/** The statement that appends one gateway call to the ledger (idempotent by request id). */
export function usageInsert(e: UsageRow) {
  return {
    sql: INSERT_USAGE,
    args: [
      e.requestId, e.userId, e.keyId, e.endpoint, e.model, e.inputTokens, e.outputTokens, e.cacheReadTokens ?? 0, e.cacheWriteTokens ?? 0,
      e.costEur, e.status, e.latencyMs, e.createdAt, e.estimated ?? 0, e.overCap ?? 0,
    ],
  };
}

/**
 * The statements that append one gateway call to the ledger and add it to its rollup bucket and day, to
 * run in one write batch, in this order (the rollups move only when the insert wrote the row).
 */
export function usageWrite(e: UsageRow) {
  return [usageInsert(e), ...rollupWrites(e)];
}

/** Appends one gateway call to the ledger, and to its rollup bucket in the same write (idempotent by request id). */
export async function recordUsage(e: UsageRow) {
  await getClient().batch(usageWrite(e), "write");
}

/** The prices of an endpoint, in EUR per million tokens; a cache price of null is the default below. */
export type Prices = { eurPerMInput: number; eurPerMOutput: number; eurPerMCacheRead?: number | null; eurPerMCacheWrite?: number | null };

/** What a cache read and a cache write cost when the endpoint names no price: 0.1× and 1.25× its input price. */
export const CACHE_READ_FACTOR = 0.1;
export const CACHE_WRITE_FACTOR = 1.25;

/**
 * Cost in EUR of a call, from the endpoint's prices per million tokens. `input` counts every input
 * token; the parts read from and written to the prompt cache are priced at the cache prices, the rest
 * at the input price.
 */
export function costEur(usage: { input: number; output: number; cacheRead: number; cacheWrite: number }, prices: Prices) {
  const read = prices.eurPerMCacheRead ?? prices.eurPerMInput * CACHE_READ_FACTOR;
  const write = prices.eurPerMCacheWrite ?? prices.eurPerMInput * CACHE_WRITE_FACTOR;
  const uncached = Math.max(0, usage.input - usage.cacheRead - usage.cacheWrite);
  return (uncached * prices.eurPerMInput + usage.cacheRead * read + usage.cacheWrite * write + usage.output * prices.eurPerMOutput) / 1_000_000;
}
