import type { BudgetType } from "@/db/enums";

// Budget windows (SPEC §3): the day and the month are the user's own, by timezone_offset_hours.
// Subscription: the day resets each local day, the month each local month. One-time: only the day
// resets; the "monthly" limit counts everything since the budget was set. Total never resets.
//
// Each window has an id made of its kind and the instant it started, so a counter kept for one window
// can never be mistaken for another's, whatever the offset was when either was computed.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const WINDOW_KINDS = ["daily", "monthly", "total"] as const;
export type WindowKind = (typeof WINDOW_KINDS)[number];

/** What the windows of a user depend on: the users row's budget columns. */
export type BudgetTerms = {
  dailyLimit: number | null;
  monthlyLimit: number | null;
  totalLimit: number | null;
  budgetType: BudgetType;
  budgetSetAt: string | null;
  timezoneOffsetHours: number;
  /** The offset in force until `tzSwitchAt`, after a change (see timezoneChange). */
  tzPreviousOffsetHours: number | null;
  tzSwitchAt: string | null;
};

export type BudgetWindow = {
  kind: WindowKind;
  /** Counter id: kind and start, e.g. `d:2026-03-01T05:00:00.000Z`; `t` for the total. */
  id: string;
  /** When the window began (ISO); null = since ever (total). */
  start: string | null;
  /** When it next starts afresh (ISO); null = never (total, a one-time budget's allotment). */
  resetsAt: string | null;
  /** Tokens; null = unlimited. */
  limit: number | null;
};

/** UTC instant of the start of the local day (at `offsetHours`) containing `now`. */
export function localDayStart(now: Date, offsetHours: number): Date {
  const local = new Date(now.getTime() + offsetHours * HOUR);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - offsetHours * HOUR);
}

/** UTC instant of the start of the local month containing `now`; `plus` months later with plus = 1. */
export function localMonthStart(now: Date, offsetHours: number, plus = 0): Date {
  const local = new Date(now.getTime() + offsetHours * HOUR);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + plus, 1) - offsetHours * HOUR);
}

/** The first local midnight (at `offsetHours`) at or after `t`. */
function nextMidnight(t: Date, offsetHours: number): Date {
  const start = localDayStart(t, offsetHours);
  return start.getTime() === t.getTime() ? start : new Date(start.getTime() + DAY);
}

/** The offset the windows follow at `now`: the previous one until a pending change switches. */
export function offsetAt(terms: Pick<BudgetTerms, "timezoneOffsetHours" | "tzPreviousOffsetHours" | "tzSwitchAt">, now: Date): number {
  if (terms.tzSwitchAt && terms.tzPreviousOffsetHours !== null && now.getTime() < Date.parse(terms.tzSwitchAt)) return terms.tzPreviousOffsetHours;
  return terms.timezoneOffsetHours;
}

/**
 * The day window at `now`. Normally the local day. While a timezone change is pending, the day in
 * progress when it was made runs on until the new offset's first midnight after that day's natural
 * end (so it lasts between 24 and 48 hours, never less): a change can neither reset a spent day nor
 * squeeze in an extra one.
 */
function dayWindow(terms: BudgetTerms, now: Date): { start: Date; resetsAt: Date } {
  if (terms.tzSwitchAt && terms.tzPreviousOffsetHours !== null) {
    const switchAt = new Date(terms.tzSwitchAt);
    if (now < switchAt) {
      const previous = terms.tzPreviousOffsetHours;
      const naturalEnd = localDayStart(switchAt, previous); // the old offset's last midnight before the switch
      const start = now < naturalEnd ? localDayStart(now, previous) : new Date(naturalEnd.getTime() - DAY);
      const end = new Date(start.getTime() + DAY);
      return { start, resetsAt: end.getTime() >= naturalEnd.getTime() ? switchAt : end };
    }
  }
  const start = localDayStart(now, terms.timezoneOffsetHours);
  return { start, resetsAt: new Date(start.getTime() + DAY) };
}

function monthWindow(terms: BudgetTerms, now: Date): { start: Date; resetsAt: Date | null } {
  if (terms.budgetType === "one_time") return { start: new Date(terms.budgetSetAt ?? 0), resetsAt: null };
  const offset = offsetAt(terms, now);
  const start = localMonthStart(now, offset);
  let resetsAt = localMonthStart(now, offset, 1);
  // A pending change that switches before the month ends: the month then ends by the new offset.
  if (terms.tzSwitchAt && offset !== terms.timezoneOffsetHours && resetsAt.getTime() > Date.parse(terms.tzSwitchAt))
    resetsAt = localMonthStart(new Date(terms.tzSwitchAt), terms.timezoneOffsetHours, 1);
  return { start, resetsAt };
}

/** The three windows of a user at `now`, each with its limit. */
export function budgetWindows(terms: BudgetTerms, now: Date): BudgetWindow[] {
  const day = dayWindow(terms, now);
  const month = monthWindow(terms, now);
  return [
    { kind: "daily", id: `d:${day.start.toISOString()}`, start: day.start.toISOString(), resetsAt: day.resetsAt.toISOString(), limit: terms.dailyLimit },
    { kind: "monthly", id: `m:${month.start.toISOString()}`, start: month.start.toISOString(), resetsAt: month.resetsAt?.toISOString() ?? null, limit: terms.monthlyLimit },
    { kind: "total", id: "t", start: null, resetsAt: null, limit: terms.totalLimit },
  ];
}

/** True when the user has no limit at all. */
export const unlimited = (terms: Pick<BudgetTerms, "dailyLimit" | "monthlyLimit" | "totalLimit">) =>
  terms.dailyLimit === null && terms.monthlyLimit === null && terms.totalLimit === null;

/**
 * The columns to write when the offset is set to `next` at `now`. The new offset is stored at once (it
 * is what the user chose and what pages show); the windows keep following the one in force until the
 * new offset's first midnight after the current day's natural end. A second change while one is
 * pending only replaces the offset to come (the switch moment stays, so the day in progress is never
 * cut short); setting the offset in force again cancels the change.
 */
export function timezoneChange(
  terms: Pick<BudgetTerms, "timezoneOffsetHours" | "tzPreviousOffsetHours" | "tzSwitchAt">,
  next: number,
  now: Date,
): Pick<BudgetTerms, "timezoneOffsetHours" | "tzPreviousOffsetHours" | "tzSwitchAt"> {
  const inForce = offsetAt(terms, now);
  if (next === inForce) return { timezoneOffsetHours: next, tzPreviousOffsetHours: null, tzSwitchAt: null };
  const pending = terms.tzSwitchAt !== null && terms.tzPreviousOffsetHours !== null && now.getTime() < Date.parse(terms.tzSwitchAt);
  if (pending) return { timezoneOffsetHours: next, tzPreviousOffsetHours: terms.tzPreviousOffsetHours, tzSwitchAt: terms.tzSwitchAt };
  const dayEnd = new Date(localDayStart(now, inForce).getTime() + DAY);
  return { timezoneOffsetHours: next, tzPreviousOffsetHours: inForce, tzSwitchAt: nextMidnight(dayEnd, next).toISOString() };
}
