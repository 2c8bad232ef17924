import "server-only";
import type { InStatement } from "@libsql/client";
import type { BudgetWindow } from "./windows";

// What a window's counter must equal: the tokens (all input and output) of the user's ledger rows since
// the window began. Counters are derived state; this is where they are derived from.

const TOKENS = "coalesce(sum(input_tokens + output_tokens), 0)";

/** One statement: the highest ledger id (`mark`) and each window's sum (`w0`, `w1`, …), as one consistent snapshot. */
export function windowSums(userId: string, windows: BudgetWindow[]): InStatement {
  const columns = windows.map((w, i) => `${w.start === null ? TOKENS : "coalesce(sum(CASE WHEN created_at >= ? THEN input_tokens + output_tokens END), 0)"} AS w${i}`);
  return {
    sql: `SELECT coalesce(max(id), 0) AS mark, ${columns.join(", ")} FROM usage_events WHERE user_id = ?`,
    args: [...windows.filter((w) => w.start !== null).map((w) => w.start!), userId],
  };
}

/** One window's sum, for a counter row that is missing. */
export function windowSum(userId: string, w: BudgetWindow): { sql: string; args: string[] } {
  return w.start === null
    ? { sql: `SELECT ${TOKENS} FROM usage_events WHERE user_id = ?`, args: [userId] }
    : { sql: `SELECT ${TOKENS} FROM usage_events WHERE user_id = ? AND created_at >= ?`, args: [userId, w.start] };
}
