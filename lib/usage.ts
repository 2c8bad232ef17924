import "server-only";
import { eq, sql } from "drizzle-orm";
import { getClient, getDb } from "@/db";
import { usageEvents, type BudgetType } from "@/db/schema";
import { localDayStart, monthlyWindowStart } from "@/lib/budgets";

export type UsageFigures = { tokens: number; eur: number };
export type UsageSummary = { today: UsageFigures; month: UsageFigures; total: UsageFigures };

/**
 * Today / this month (or since a one-time budget was set) / total, in tokens (input + output) and EUR,
 * summed from the usage_events ledger in one indexed query.
 */
export async function usageSummary(
  user: { id: string; timezoneOffsetHours: number; budgetType: BudgetType; budgetSetAt: string | null },
  now = new Date(),
): Promise<UsageSummary> {
  const day = localDayStart(now, user.timezoneOffsetHours).toISOString();
  const month = monthlyWindowStart(now, user).toISOString();
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

/** One finished gateway call, as the ledger stores it. */
export type UsageRow = Required<Omit<typeof usageEvents.$inferInsert, "id">>;

// Written once per gateway call, so it skips the query builder: one constant statement.
const INSERT_USAGE = `INSERT INTO usage_events
  (request_id, user_id, key_id, endpoint, model, input_tokens, output_tokens, cost_eur, status, latency_ms, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING`;

/** Appends one gateway call to the ledger (idempotent by request id). */
export async function recordUsage(e: UsageRow) {
  await getClient().execute({
    sql: INSERT_USAGE,
    args: [e.requestId, e.userId, e.keyId, e.endpoint, e.model, e.inputTokens, e.outputTokens, e.costEur, e.status, e.latencyMs, e.createdAt],
  });
}

/** Cost in EUR of a call, from the endpoint's prices per million tokens. */
export function costEur(inputTokens: number, outputTokens: number, prices: { eurPerMInput: number; eurPerMOutput: number }) {
  return (inputTokens * prices.eurPerMInput + outputTokens * prices.eurPerMOutput) / 1_000_000;
}
