import { describe, expect, it } from "vitest";
import { budgetWindows, localDayStart, localMonthStart, offsetAt, timezoneChange, type BudgetTerms } from "@/lib/budgets/windows";

const NO_LIMITS = { dailyLimit: null, monthlyLimit: null, totalLimit: null, tzPreviousOffsetHours: null, tzSwitchAt: null };
/** Where the monthly window starts, from the user's budget terms. */
const monthlyWindowStart = (now: Date, terms: Pick<BudgetTerms, "timezoneOffsetHours" | "budgetType" | "budgetSetAt">) =>
  new Date(budgetWindows({ ...NO_LIMITS, ...terms }, now)[1].start!);

const HOUR = 3_600_000;
const iso = (d: Date) => d.toISOString();
const at = (s: string) => new Date(s);

describe("budget windows in the user's own timezone", () => {
  const now = at("2026-03-01T01:30:00.000Z");

  it("starts the day at local midnight", () => {
    expect(iso(localDayStart(now, 0))).toBe("2026-03-01T00:00:00.000Z");
    expect(iso(localDayStart(now, -5))).toBe("2026-02-28T05:00:00.000Z"); // still Feb 28 in UTC-5
    expect(iso(localDayStart(now, 14))).toBe("2026-02-28T10:00:00.000Z"); // Mar 1 started at 10:00 UTC
    expect(iso(localDayStart(now, 5.5))).toBe("2026-02-28T18:30:00.000Z");
  });

  it("starts the month at the local first of the month", () => {
    expect(iso(localMonthStart(now, 0))).toBe("2026-03-01T00:00:00.000Z");
    expect(iso(localMonthStart(now, -12))).toBe("2026-02-01T12:00:00.000Z");
  });

  it("counts a one-time budget from when it was set", () => {
    expect(iso(monthlyWindowStart(now, { timezoneOffsetHours: 0, budgetType: "one_time", budgetSetAt: "2025-07-04T00:00:00.000Z" }))).toBe("2025-07-04T00:00:00.000Z");
    expect(iso(monthlyWindowStart(now, { timezoneOffsetHours: 0, budgetType: "subscription", budgetSetAt: "2025-07-04T00:00:00.000Z" }))).toBe("2026-03-01T00:00:00.000Z");
  });
});

describe("month boundaries", () => {
  it("moves to the next month when the user's clock has, ahead of UTC", () => {
    const lateMarch = at("2026-03-31T23:30:00.000Z"); // 00:30 on April 1 in UTC+1
    expect(iso(localMonthStart(lateMarch, 0))).toBe("2026-03-01T00:00:00.000Z");
    expect(iso(localMonthStart(lateMarch, 1))).toBe("2026-03-31T23:00:00.000Z");
    expect(iso(localDayStart(lateMarch, 1))).toBe("2026-03-31T23:00:00.000Z");
  });

  it("stays in the previous month when the user's clock has not, behind UTC", () => {
    const earlyApril = at("2026-04-01T03:00:00.000Z"); // 22:00 on March 31 in UTC-5
    expect(iso(localMonthStart(earlyApril, 0))).toBe("2026-04-01T00:00:00.000Z");
    expect(iso(localMonthStart(earlyApril, -5))).toBe("2026-03-01T05:00:00.000Z");
    expect(iso(localDayStart(earlyApril, -5))).toBe("2026-03-31T05:00:00.000Z");
  });

  it("knows short months and leap days", () => {
    // 23:00 on Feb 29, 2028 (a leap year) in UTC-3.
    const leap = at("2028-03-01T02:00:00.000Z");
    expect(iso(localDayStart(leap, -3))).toBe("2028-02-29T03:00:00.000Z");
    expect(iso(localMonthStart(leap, -3))).toBe("2028-02-01T03:00:00.000Z");
    // 2026 is not: the day after Feb 28 is Mar 1.
    expect(iso(localDayStart(at("2026-03-01T02:00:00.000Z"), -3))).toBe("2026-02-28T03:00:00.000Z");
    // Month ends on the 30th.
    expect(iso(localMonthStart(at("2026-04-30T23:59:59.999Z"), 0))).toBe("2026-04-01T00:00:00.000Z");
    expect(iso(localMonthStart(at("2026-05-01T00:00:00.000Z"), 0))).toBe("2026-05-01T00:00:00.000Z");
  });
});

describe("year rollover", () => {
  it("starts the new year's day and month early for a user ahead of UTC", () => {
    const newYearsEveUtc = at("2025-12-31T20:00:00.000Z"); // 01:00 on Jan 1, 2026 in UTC+5
    expect(iso(localDayStart(newYearsEveUtc, 5))).toBe("2025-12-31T19:00:00.000Z");
    expect(iso(localMonthStart(newYearsEveUtc, 5))).toBe("2025-12-31T19:00:00.000Z");
    expect(iso(localMonthStart(newYearsEveUtc, 0))).toBe("2025-12-01T00:00:00.000Z");
  });

  it("keeps December for a user behind UTC after UTC's new year", () => {
    const newYearUtc = at("2026-01-01T03:00:00.000Z"); // 22:00 on Dec 31, 2025 in UTC-5
    expect(iso(localDayStart(newYearUtc, -5))).toBe("2025-12-31T05:00:00.000Z");
    expect(iso(localMonthStart(newYearUtc, -5))).toBe("2025-12-01T05:00:00.000Z");
    expect(iso(localMonthStart(newYearUtc, 0))).toBe("2026-01-01T00:00:00.000Z");
  });
});

describe("fractional and extreme offsets", () => {
  it("handles half- and quarter-hour offsets, positive and negative", () => {
    const t = at("2026-01-15T18:20:00.000Z");
    expect(iso(localDayStart(t, 5.75))).toBe("2026-01-15T18:15:00.000Z"); // Nepal: 00:05 on the 16th
    expect(iso(localDayStart(t, 5.5))).toBe("2026-01-14T18:30:00.000Z"); // India: 23:50 on the 15th
    expect(iso(localDayStart(t, -9.5))).toBe("2026-01-15T09:30:00.000Z"); // Marquesas: 08:50 on the 15th
    expect(iso(localDayStart(t, 12.75))).toBe("2026-01-15T11:15:00.000Z"); // Chatham: 07:05 on the 16th
    expect(iso(localMonthStart(t, 12.75))).toBe("2025-12-31T11:15:00.000Z");
    expect(iso(localMonthStart(t, -9.5))).toBe("2026-01-01T09:30:00.000Z");
  });

  it("handles the extremes UTC-12 and UTC+14", () => {
    const t = at("2026-06-15T11:00:00.000Z"); // 23:00 on the 14th at -12, 01:00 on the 16th at +14
    expect(iso(localDayStart(t, -12))).toBe("2026-06-14T12:00:00.000Z");
    expect(iso(localDayStart(t, 14))).toBe("2026-06-15T10:00:00.000Z");
  });

  it("always returns the latest local midnight at or before now, whatever the offset", () => {
    const times = ["2025-12-31T23:59:59.999Z", "2026-01-01T00:00:00.000Z", "2026-02-28T12:34:56.789Z", "2028-02-29T23:15:00.000Z", "2026-07-01T05:45:00.000Z"].map(at);
    for (let offset = -12; offset <= 14; offset += 0.25) {
      for (const t of times) {
        const day = localDayStart(t, offset);
        const month = localMonthStart(t, offset);
        const what = `${iso(t)} at ${offset}`;
        expect(day.getTime(), what).toBeLessThanOrEqual(t.getTime());
        expect(t.getTime() - day.getTime(), what).toBeLessThan(24 * HOUR);
        const localDay = new Date(day.getTime() + offset * HOUR);
        expect(iso(localDay).slice(10), what).toBe("T00:00:00.000Z");
        expect(month.getTime(), what).toBeLessThanOrEqual(day.getTime());
        const localMonth = new Date(month.getTime() + offset * HOUR);
        expect(iso(localMonth).slice(8), what).toBe("01T00:00:00.000Z");
        expect(iso(localMonth).slice(0, 7), what).toBe(iso(localDay).slice(0, 7));
      }
    }
  });
});

describe("exactly at local midnight", () => {
  it("counts midnight itself as the start of the new day and month, and a millisecond before as the old", () => {
    const midnight = at("2026-03-01T05:00:00.000Z"); // 00:00 on Mar 1 in UTC-5
    expect(iso(localDayStart(midnight, -5))).toBe("2026-03-01T05:00:00.000Z");
    expect(iso(localMonthStart(midnight, -5))).toBe("2026-03-01T05:00:00.000Z");
    const justBefore = new Date(midnight.getTime() - 1);
    expect(iso(localDayStart(justBefore, -5))).toBe("2026-02-28T05:00:00.000Z");
    expect(iso(localMonthStart(justBefore, -5))).toBe("2026-02-01T05:00:00.000Z");
    const utcMidnight = at("2026-01-01T00:00:00.000Z");
    expect(iso(localDayStart(utcMidnight, 0))).toBe("2026-01-01T00:00:00.000Z");
    expect(iso(localMonthStart(utcMidnight, 0))).toBe("2026-01-01T00:00:00.000Z");
  });
});

describe("the monthly window", () => {
  it("follows the user's local month for a subscription", () => {
    const t = at("2026-04-01T03:00:00.000Z");
    expect(iso(monthlyWindowStart(t, { timezoneOffsetHours: -5, budgetType: "subscription", budgetSetAt: null }))).toBe("2026-03-01T05:00:00.000Z");
    expect(iso(monthlyWindowStart(t, { timezoneOffsetHours: 2, budgetType: "subscription", budgetSetAt: "2026-03-20T00:00:00.000Z" }))).toBe("2026-03-31T22:00:00.000Z");
  });

  it("counts a one-time budget from when it was set, whatever the timezone and even across months", () => {
    const setAt = "2025-11-17T13:14:15.161Z";
    for (const timezoneOffsetHours of [-9.5, 0, 5.75, 14]) {
      expect(iso(monthlyWindowStart(at("2026-04-01T03:00:00.000Z"), { timezoneOffsetHours, budgetType: "one_time", budgetSetAt: setAt }))).toBe(setAt);
    }
  });

  it("counts everything for a one-time budget that was never set", () => {
    expect(iso(monthlyWindowStart(at("2026-04-01T03:00:00.000Z"), { timezoneOffsetHours: 3, budgetType: "one_time", budgetSetAt: null }))).toBe("1970-01-01T00:00:00.000Z");
  });
});

describe("the windows of a user", () => {
  const terms = (over: Partial<BudgetTerms> = {}): BudgetTerms => ({
    ...NO_LIMITS,
    budgetType: "subscription",
    budgetSetAt: "2026-01-10T08:00:00.000Z",
    timezoneOffsetHours: 0,
    ...over,
  });
  const byKind = (t: BudgetTerms, now: string) => Object.fromEntries(budgetWindows(t, at(now)).map((w) => [w.kind, w]));

  it("names each window by its kind and start, with its limit and next reset", () => {
    const w = byKind(terms({ dailyLimit: 100, totalLimit: 5000, timezoneOffsetHours: 5.5 }), "2026-03-31T20:00:00.000Z"); // 01:30 on Apr 1 at +5:30
    expect(w.daily).toEqual({ kind: "daily", id: "d:2026-03-31T18:30:00.000Z", start: "2026-03-31T18:30:00.000Z", resetsAt: "2026-04-01T18:30:00.000Z", limit: 100 });
    expect(w.monthly).toEqual({ kind: "monthly", id: "m:2026-03-31T18:30:00.000Z", start: "2026-03-31T18:30:00.000Z", resetsAt: "2026-04-30T18:30:00.000Z", limit: null });
    expect(w.total).toEqual({ kind: "total", id: "t", start: null, resetsAt: null, limit: 5000 });
  });

  it("resets a subscription's month at the user's month end, −8 and +14 around it", () => {
    const before = byKind(terms({ timezoneOffsetHours: -8 }), "2026-05-01T07:59:59.999Z"); // 23:59:59 on Apr 30 at −8
    const after = byKind(terms({ timezoneOffsetHours: -8 }), "2026-05-01T08:00:00.000Z");
    expect(before.monthly.id).toBe("m:2026-04-01T08:00:00.000Z");
    expect(before.monthly.resetsAt).toBe("2026-05-01T08:00:00.000Z");
    expect(after.monthly.id).toBe("m:2026-05-01T08:00:00.000Z");
    expect(after.daily.id).not.toBe(before.daily.id);
    const east = byKind(terms({ timezoneOffsetHours: 14 }), "2026-04-30T10:00:00.000Z"); // 00:00 on May 1 at +14
    expect(east.monthly.id).toBe("m:2026-04-30T10:00:00.000Z");
  });

  it("never resets a one-time budget's allotment, only its day", () => {
    const t = terms({ budgetType: "one_time", monthlyLimit: 1000 });
    const a = byKind(t, "2026-03-31T23:00:00.000Z");
    const b = byKind(t, "2026-04-01T01:00:00.000Z");
    expect(a.monthly).toEqual(b.monthly);
    expect(a.monthly.start).toBe("2026-01-10T08:00:00.000Z");
    expect(a.monthly.resetsAt).toBeNull();
    expect(a.daily.id).not.toBe(b.daily.id);
  });
});

describe("a timezone change", () => {
  const base = { ...NO_LIMITS, budgetType: "subscription" as const, budgetSetAt: null, dailyLimit: 100 };
  const dayAt = (t: BudgetTerms, now: string) => budgetWindows(t, at(now))[0];

  it("applies from the user's next local day: the day in progress keeps its start until the new offset's next midnight", () => {
    // At 20:00 UTC on Mar 10 a UTC user moves to −8. Their day (from 00:00 UTC) runs on past UTC
    // midnight until the first midnight at −8 after it: 08:00 UTC on Mar 11.
    const changed = { ...base, ...timezoneChange({ timezoneOffsetHours: 0, tzPreviousOffsetHours: null, tzSwitchAt: null }, -8, at("2026-03-10T20:00:00.000Z")) };
    expect(changed).toMatchObject({ timezoneOffsetHours: -8, tzPreviousOffsetHours: 0, tzSwitchAt: "2026-03-11T08:00:00.000Z" });
    for (const now of ["2026-03-10T20:00:00.000Z", "2026-03-11T00:30:00.000Z", "2026-03-11T07:59:59.999Z"]) {
      expect(dayAt(changed, now), now).toMatchObject({ id: "d:2026-03-10T00:00:00.000Z", resetsAt: "2026-03-11T08:00:00.000Z" });
    }
    expect(dayAt(changed, "2026-03-11T08:00:00.000Z")).toMatchObject({ id: "d:2026-03-11T08:00:00.000Z", resetsAt: "2026-03-12T08:00:00.000Z" });
  });

  it("cannot squeeze in an extra day by moving east: the spent day ends at its own midnight, then the new days run", () => {
    // 23:00 at +5:30 on Mar 10 (17:30 UTC): move to +14. The day ends at its natural end (18:30 UTC),
    // which is already past a +14 midnight (10:00 UTC), so it runs to the next one: 10:00 UTC on Mar 11.
    const changed = { ...base, ...timezoneChange({ timezoneOffsetHours: 5.5, tzPreviousOffsetHours: null, tzSwitchAt: null }, 14, at("2026-03-10T17:30:00.000Z")) };
    expect(changed.tzSwitchAt).toBe("2026-03-11T10:00:00.000Z");
    expect(dayAt(changed, "2026-03-10T17:30:00.000Z").id).toBe("d:2026-03-09T18:30:00.000Z");
    expect(dayAt(changed, "2026-03-11T09:00:00.000Z").id).toBe("d:2026-03-09T18:30:00.000Z");
    expect(dayAt(changed, "2026-03-11T10:00:00.000Z").id).toBe("d:2026-03-11T10:00:00.000Z");
    const length = Date.parse(changed.tzSwitchAt!) - Date.parse("2026-03-09T18:30:00.000Z");
    expect(length).toBeGreaterThanOrEqual(24 * HOUR);
    expect(length).toBeLessThan(48 * HOUR);
  });

  it("lasts between 24 and 48 hours for any pair of offsets and any moment of the day", () => {
    for (let from = -12; from <= 14; from += 2.75) {
      for (let to = -12; to <= 14; to += 3.25) {
        if (from === to) continue;
        for (const when of ["2026-03-10T00:00:00.000Z", "2026-03-10T07:45:00.000Z", "2026-03-10T23:59:59.999Z"]) {
          const c = timezoneChange({ timezoneOffsetHours: from, tzPreviousOffsetHours: null, tzSwitchAt: null }, to, at(when));
          const t = { ...base, ...c };
          const day = dayAt(t, when);
          const what = `${from} → ${to} at ${when}`;
          expect(day.id, what).toBe(`d:${localDayStart(at(when), from).toISOString()}`);
          const length = Date.parse(day.resetsAt!) - Date.parse(day.start!);
          expect(length, what).toBeGreaterThanOrEqual(24 * HOUR);
          expect(length, what).toBeLessThan(48 * HOUR);
          expect(dayAt(t, day.resetsAt!).start, what).toBe(day.resetsAt);
        }
      }
    }
  });

  it("keeps the switch moment when changed again before it, and cancels when set back", () => {
    const first = timezoneChange({ timezoneOffsetHours: 0, tzPreviousOffsetHours: null, tzSwitchAt: null }, -8, at("2026-03-10T20:00:00.000Z"));
    const second = timezoneChange(first, 3, at("2026-03-11T01:00:00.000Z"));
    expect(second).toEqual({ timezoneOffsetHours: 3, tzPreviousOffsetHours: 0, tzSwitchAt: first.tzSwitchAt });
    expect(timezoneChange(second, 0, at("2026-03-11T02:00:00.000Z"))).toEqual({ timezoneOffsetHours: 0, tzPreviousOffsetHours: null, tzSwitchAt: null });
    // After the switch, the previous offset no longer matters.
    expect(offsetAt(second, at("2026-03-11T08:00:00.000Z"))).toBe(3);
  });
});
