import type { Standing } from "@/lib/budgets/types";

// When a call owes its user a budget alert (SPEC §3): pure, for the unit tests.

/** The tokens at which a window's alert is due: the threshold share of its limit, rounded up. */
export const thresholdTokens = (limit: number, pct: number) => Math.ceil((limit * pct) / 100);

/**
 * True when the window stands at or past the threshold after a call that used tokens. Nominally the
 * alert belongs to the call that crosses (used − tokens < threshold ≤ used), but "at or past" is what
 * is checked: with Valkey the standing after a call is the one at admission plus its own tokens, so of
 * concurrent calls none may see itself crossing although together they did; and a user whose alerts
 * are switched on (or whose threshold is lowered) above the threshold is told at their next call. The
 * budget_alerts row (one per user and window) keeps it to one e-mail; a memo per process keeps it to
 * one insert per window and instance.
 */
export function alertDue(w: Pick<Standing, "used" | "limit">, pct: number, tokens: number): boolean {
  if (w.limit === null || w.limit <= 0 || tokens <= 0) return false;
  return w.used >= thresholdTokens(w.limit, pct);
}

/** The share of the limit used, in whole percent (rounded down: 79.9 % is not yet 80 %). */
export const usedPct = (used: number, limit: number) => Math.floor((used * 100) / limit);
