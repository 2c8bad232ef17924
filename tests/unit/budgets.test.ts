import { describe, expect, it } from "vitest";
import { localDayStart, localMonthStart, monthlyWindowStart } from "@/lib/budgets";

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
