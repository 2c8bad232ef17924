import "server-only";
import { ledgerSums } from "@/lib/usage";
import { budgetWindows, offsetAt, type BudgetTerms, type WindowKind } from "./windows";

// Where a user stands against their limits: the ledger's sums over exactly the windows budgetWindows
// gives at `now`, which are the windows (and so the numbers) the gateway's counters admit calls
// against. What pages show of a budget comes from here.

export type BudgetLevel = "ok" | "warn" | "high";

/** From this share of a limit on, a window shows amber; above HIGH_ABOVE_PCT, red. */
export const WARN_FROM_PCT = 70;
export const HIGH_ABOVE_PCT = 90;

/** The colour level of a window by the share of its limit used: < 70 % ok, 70–90 % warn, > 90 % high; unlimited is ok. */
export function budgetLevel(percent: number | null): BudgetLevel {
  if (percent === null || percent < WARN_FROM_PCT) return "ok";
  return percent > HIGH_ABOVE_PCT ? "high" : "warn";
}

export type WindowStatus = {
  kind: WindowKind;
  /** Tokens (input + output) in the window. */
  used: number;
  /** EUR estimate of those tokens. */
  eur: number;
  /** Tokens; null = unlimited. */
  limit: number | null;
  /** Tokens left (never below 0); null = unlimited. */
  remaining: number | null;
  /** Share of the limit used, unrounded, above 100 when overspent (a limit of 0 counts as spent); null = unlimited. */
  percent: number | null;
  /** When the window next starts afresh (ISO); null = never. */
  resetsAt: string | null;
  level: BudgetLevel;
};

export type BudgetStatus = {
  /** Daily, monthly (or one-time allotment), total: in that order. */
  windows: WindowStatus[];
  timezone: {
    /** The offset the user has chosen (timezone_offset_hours). */
    offsetHours: number;
    /** The offset the windows follow at `now`: the previous one while a change is pending. */
    inForceHours: number;
    /** When a pending change takes over (ISO); null when none is pending. */
    switchAt: string | null;
  };
};

/** The three windows of a user at `now` with the ledger's usage in each: one indexed query. */
export async function budgetStatus(user: { id: string } & BudgetTerms, now = new Date()): Promise<BudgetStatus> {
  const windows = budgetWindows(user, now);
  const sums = await ledgerSums(user.id, windows);
  const inForceHours = offsetAt(user, now);
  const pending = user.tzSwitchAt !== null && now.getTime() < Date.parse(user.tzSwitchAt) && inForceHours !== user.timezoneOffsetHours;
  return {
    windows: windows.map((w, i) => {
      const { tokens: used, eur } = sums[i];
      // used × 100 first: exact for whole numbers, so 90 of 100 is 90 (warn), not 90.00000000000001 (high).
      const percent = w.limit === null ? null : w.limit === 0 ? 100 : (used * 100) / w.limit;
      return {
        kind: w.kind,
        used,
        eur,
        limit: w.limit,
        remaining: w.limit === null ? null : Math.max(0, w.limit - used),
        percent,
        resetsAt: w.resetsAt,
        level: budgetLevel(percent),
      };
    }),
    timezone: { offsetHours: user.timezoneOffsetHours, inForceHours, switchAt: pending ? user.tzSwitchAt : null },
  };
}
