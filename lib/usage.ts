import "server-only";
import { eq, sql } from "drizzle-orm";
import { getClient, getDb } from "@/db";
import { usageEvents } from "@/db/schema";
import { budgetWindows, type BudgetTerms } from "@/lib/budgets/windows";

export type UsageFigures = { tokens: number; eur: number };
export type UsageSummary = { today: UsageFigures; month: UsageFigures; total: UsageFigures };

/**
 * Today / this month (or since a one-time budget was set) / total, in tokens (input + output) and EUR,
 * summed from the usage_events ledger in one indexed query.
 */
export async function usageSummary(
  user: { id: string } & BudgetTerms,
  now = new Date(),
): Promise<UsageSummary> {
  const [daily, monthly] = budgetWindows(user, now);
  const day = daily.start!;
  const month = monthly.start!;
  const tokens = sql`(${usageEvents.inputTokens} + ${usageEvents.outputTokens})`;
  const [row] = await getDb()
    .select({
      dayTokens: sql<number>`coalesce(sum(CASE WHEN ${usageEvents.createdAt} >= ${day} THEN ${tokens} END), 0)`,
      dayEur: sql<number>`coalesce(sum(CASE WHEN ${usageEvents.createdAt} >= ${day} THEN ${usageEvents.costEur} END), 0)`,
      monthTokens: sql<number>`coalesce(sum(CASE WHEN ${usageEvents.createdAt} >= ${month} THEN ${tokens} END), 0)`,
      monthEur: sql<number>`coalesce(sum(CASE WHEN ${usageEvents.createdAt} >= ${month} THEN ${usageEvents.costEur} END), 0)`,
      totalTokens: sql<number>`coalesce(sum(${tokens}), 0)`,
      totalEur: sql<number>`coalesce(sum(${usageEvents.costEur}), 0)`,
    })
    .from(usageEvents)
    .where(eq(usageEvents.userId, user.id));
  return {
    today: { tokens: Number(row.dayTokens), eur: Number(row.dayEur) },
    month: { tokens: Number(row.monthTokens), eur: Number(row.monthEur) },
    total: { tokens: Number(row.totalTokens), eur: Number(row.totalEur) },
  };
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

/** Appends one gateway call to the ledger (idempotent by request id). */
export async function recordUsage(e: UsageRow) {
  await getClient().execute(usageInsert(e));
}

/** Cost in EUR of a call, from the endpoint's prices per million tokens. */
export function costEur(inputTokens: number, outputTokens: number, prices: { eurPerMInput: number; eurPerMOutput: number }) {
  return (inputTokens * prices.eurPerMInput + outputTokens * prices.eurPerMOutput) / 1_000_000;
}
