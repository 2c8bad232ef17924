import "server-only";
import { getClient } from "@/db";
import type { BudgetTerms } from "@/lib/budgets/windows";
import { recentDays } from "./history";

// What the portal's billing page shows of a user's ledger beyond the budget windows: the last days by
// endpoint and model, and the lifetime totals; both read from the rollups, never the raw rows.

export type ModelUsage = { endpoint: string; model: string; calls: number; inputTokens: number; outputTokens: number; eur: number };
export type UsageTotals = { calls: number; inputTokens: number; outputTokens: number; eur: number };

const SUMS = "sum(calls) AS n, sum(input_tokens) AS i, sum(output_tokens) AS o, sum(cost_eur) AS e";
const figures = (row: Record<string, unknown>) => ({
  calls: Number(row.n ?? 0),
  inputTokens: Number(row.i ?? 0),
  outputTokens: Number(row.o ?? 0),
  // EUR sums are floats: what cancels out exactly in the ledger may leave a rounding residue here.
  eur: Math.round(Number(row.e ?? 0) * 1e9) / 1e9,
});

/**
 * The last `days` local days (today included, at the offset in force at `now`) by endpoint and model,
 * most EUR first; and the lifetime totals. The days are read from the 15-minute buckets: every
 * whole-quarter-hour offset's day starts on a bucket boundary, so the sums are exact, and 30 days are at
 * most 2,880 buckets per endpoint and model. The lifetime totals come from the daily rollups.
 */
export async function usageBreakdown(
  user: { id: string } & Pick<BudgetTerms, "timezoneOffsetHours" | "tzPreviousOffsetHours" | "tzSwitchAt">,
  days: number,
  now = new Date(),
): Promise<{ byModel: ModelUsage[]; lifetime: UsageTotals }> {
  const { from, to } = recentDays(user, days, now);
  const [recent, lifetime] = await getClient().batch(
    [
      {
        sql: `SELECT endpoint, model, ${SUMS} FROM usage_rollups WHERE user_id = ? AND bucket >= ? AND bucket < ? GROUP BY endpoint, model ORDER BY e DESC, endpoint, model`,
        args: [user.id, from.toISOString(), to.toISOString()],
      },
      { sql: `SELECT ${SUMS} FROM usage_rollups_daily WHERE user_id = ?`, args: [user.id] },
    ],
    "read",
  );
  return {
    byModel: recent.rows.map((row) => ({ endpoint: String(row.endpoint), model: String(row.model), ...figures(row) })),
    lifetime: figures(lifetime.rows[0]),
  };
}
