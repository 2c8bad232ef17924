import "server-only";
import { spanSums } from "@/lib/usage/rollups";
import type { BudgetWindow } from "./windows";

// What a window's counter must equal: the tokens (all input and output) of the user's ledger rows since
// the window began. Counters are derived state; this is where they are derived from — through the
// ledger's 15-minute rollups (lib/usage/rollups), which move in the same write as each ledger row.

const TOKENS = { w: "input_tokens + output_tokens" };

/**
 * One statement: the highest ledger id (`mark`) and each window's sum (`w0`, `w1`, …), as one consistent
 * snapshot. The mark is the highest id of the whole ledger, not only of this user's rows: what a
 * rebuild needs of it is that this user's rows up to it are in the sums and none after it are, which
 * holds as well (ids grow with every insert, and the statement sees one snapshot), and it is one
 * b-tree probe instead of a scan of the user's rows.
 */
export function windowSums(userId: string, windows: BudgetWindow[]) {
  return spanSums(
    userId,
    windows.map((w) => ({ start: w.start, end: null })),
    TOKENS,
    ["(SELECT coalesce(max(id), 0) FROM usage_events) AS mark"],
  );
}

/** One window's sum, as a scalar subquery, for a counter row that is missing. */
export function windowSum(userId: string, w: BudgetWindow) {
  return spanSums(userId, [{ start: w.start, end: null }], TOKENS);
}
