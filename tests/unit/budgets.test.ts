import { describe, expect, it } from "vitest";
import { localDayStart, localMonthStart, monthlyWindowStart } from "@/lib/budgets";

describe("budget windows in the user's own timezone", () => {
  const now = new Date("2026-03-01T01:30:00.000Z");

  it("starts the day at local midnight", () => {
    expect(localDayStart(now, 0).toISOString()).toBe("2026-03-01T00:00:00.000Z");
    expect(localDayStart(now, -5).toISOString()).toBe("2026-02-28T05:00:00.000Z"); // still Feb 28 in UTC-5
    expect(localDayStart(now, 14).toISOString()).toBe("2026-02-28T10:00:00.000Z"); // Mar 1 started at 10:00 UTC
    expect(localDayStart(now, 5.5).toISOString()).toBe("2026-02-28T18:30:00.000Z");
  });

  it("starts the month at the local first of the month", () => {
    expect(localMonthStart(now, 0).toISOString()).toBe("2026-03-01T00:00:00.000Z");
    expect(localMonthStart(now, -12).toISOString()).toBe("2026-02-01T12:00:00.000Z");
  });

  it("counts a one-time budget from when it was set", () => {
    expect(monthlyWindowStart(now, { timezoneOffsetHours: 0, budgetType: "one_time", budgetSetAt: "2025-07-04T00:00:00.000Z" }).toISOString()).toBe("2025-07-04T00:00:00.000Z");
    expect(monthlyWindowStart(now, { timezoneOffsetHours: 0, budgetType: "subscription", budgetSetAt: "2025-07-04T00:00:00.000Z" }).toISOString()).toBe("2026-03-01T00:00:00.000Z");
  });
});
