import { describe, expect, it } from "vitest";
import { forecast } from "@/lib/budgets/forecast";
import type { BudgetStatus, WindowStatus } from "@/lib/budgets/status";
import { timeUntil } from "@/lib/format";

// "At the current rate" on the dashboard: which limited window runs out first, before its reset, at
// the average rate of the last 24 hours; and the wording of the time until a reset.

const NOW = new Date("2026-03-10T12:00:00.000Z");
const H = 3_600_000;
const at = (hours: number) => new Date(NOW.getTime() + hours * H).toISOString();

function win(kind: WindowStatus["kind"], limit: number | null, used: number, resetsAt: string | null): WindowStatus {
  const percent = limit === null ? null : (used * 100) / limit;
  return { kind, used, eur: 0, limit, remaining: limit === null ? null : Math.max(0, limit - used), percent, resetsAt, level: "ok" };
}
const status = (...windows: WindowStatus[]): BudgetStatus => ({ windows, timezone: { offsetHours: 0, inForceHours: 0, switchAt: null } });

describe("the at-this-rate forecast", () => {
  it("says nothing runs out without a limit", () => {
    expect(forecast(status(win("daily", null, 10, at(12)), win("total", null, 10, null)), 2400, NOW)).toEqual({ kind: "unlimited" });
  });

  it("names a window whose limit is already reached", () => {
    const f = forecast(status(win("daily", 100, 100, at(12)), win("total", 1000, 100, null)), 2400, NOW);
    expect(f).toMatchObject({ kind: "reached", window: { kind: "daily" } });
  });

  it("picks the window that runs out first at the 24-hour average, and when", () => {
    // 2,400 tokens in 24 h = 100 an hour: daily has 500 left (5 h, before its reset in 12 h), total 300 (3 h).
    const f = forecast(status(win("daily", 1000, 500, at(12)), win("monthly", null, 0, at(400)), win("total", 1000, 700, null)), 2400, NOW);
    expect(f).toEqual({ kind: "runs-out", window: expect.objectContaining({ kind: "total" }), at: at(3) });
  });

  it("skips a window that resets before it would run out", () => {
    // Daily: 500 left = 5 h, but it resets in 2 h; the monthly's 1,000 last 10 h, before its reset.
    const f = forecast(status(win("daily", 1000, 500, at(2)), win("monthly", 2000, 1000, at(48))), 2400, NOW);
    expect(f).toMatchObject({ kind: "runs-out", window: { kind: "monthly" }, at: at(10) });
  });

  it("says 'not at this rate' when every limited window resets first, or nothing was used lately", () => {
    expect(forecast(status(win("daily", 1000, 500, at(2))), 2400, NOW)).toEqual({ kind: "not-at-this-rate" });
    expect(forecast(status(win("daily", 1000, 500, at(2)), win("total", 1000, 500, null)), 0, NOW)).toEqual({ kind: "not-at-this-rate" });
  });
});

describe("time until a reset", () => {
  it("reads in its two largest units, to the minute", () => {
    expect(timeUntil(at(0.5), NOW)).toBe("30 min");
    expect(timeUntil(at(5 + 12 / 60), NOW)).toBe("5 h 12 min");
    expect(timeUntil(at(3), NOW)).toBe("3 h");
    expect(timeUntil(at(76), NOW)).toBe("3 d 4 h");
    expect(timeUntil(at(-1), NOW)).toBe("now");
  });
});
