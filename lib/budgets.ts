import type { BudgetType } from "@/db/schema";

// Budget windows (SPEC §3): the day and the month are the user's own, by timezone_offset_hours.

const HOUR = 3_600_000;

/** UTC instant of the start of the user's local day containing `now`. */
export function localDayStart(now: Date, offsetHours: number): Date {
  const local = new Date(now.getTime() + offsetHours * HOUR);
  const startLocal = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  return new Date(startLocal - offsetHours * HOUR);
}

/** UTC instant of the start of the user's local month containing `now`. */
export function localMonthStart(now: Date, offsetHours: number): Date {
  const local = new Date(now.getTime() + offsetHours * HOUR);
  const startLocal = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1);
  return new Date(startLocal - offsetHours * HOUR);
}

/**
 * Where the "monthly" window starts: the local month for a subscription; for a one-time budget
 * everything since the budget was set counts, like a prepaid allotment.
 */
export function monthlyWindowStart(now: Date, user: { timezoneOffsetHours: number; budgetType: BudgetType; budgetSetAt: string | null }): Date {
  if (user.budgetType === "one_time") return new Date(user.budgetSetAt ?? 0);
  return localMonthStart(now, user.timezoneOffsetHours);
}
