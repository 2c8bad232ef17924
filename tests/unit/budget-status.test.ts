import { describe, expect, it } from "vitest";
import { budgetLevel } from "@/lib/budgets/status";
import { formatAtOffset, offsetLabel, TIMEZONE_OFFSETS } from "@/lib/timezone";

// The colour of a budget window by the share of its limit used (the Budget tab's bars), and the
// wording of offsets and resets. budgetStatus itself reads the ledger: tests/integration/budget-status.test.ts.

describe("budget levels", () => {
  it("is green below 70 %, amber from 70 to 90 %, red above 90 %", () => {
    expect(budgetLevel(0)).toBe("ok");
    expect(budgetLevel(69.9)).toBe("ok");
    expect(budgetLevel(70)).toBe("warn");
    expect(budgetLevel(80)).toBe("warn");
    expect(budgetLevel(90)).toBe("warn");
    expect(budgetLevel(90.1)).toBe("high");
    expect(budgetLevel(100)).toBe("high");
    expect(budgetLevel(250)).toBe("high"); // overspent
  });

  it("is green for an unlimited window", () => {
    expect(budgetLevel(null)).toBe("ok");
  });
});

describe("timezone offsets", () => {
  it("offers −12:00 to +14:00 in 15-minute steps", () => {
    expect(TIMEZONE_OFFSETS).toHaveLength(105);
    expect(TIMEZONE_OFFSETS[0]).toBe(-12);
    expect(TIMEZONE_OFFSETS.at(-1)).toBe(14);
    expect(TIMEZONE_OFFSETS).toContain(5.75);
    expect(TIMEZONE_OFFSETS).toContain(0);
  });

  it("labels an offset as UTC±hh:mm", () => {
    expect(offsetLabel(0)).toBe("UTC+00:00");
    expect(offsetLabel(5.5)).toBe("UTC+05:30");
    expect(offsetLabel(5.75)).toBe("UTC+05:45");
    expect(offsetLabel(-3.5)).toBe("UTC−03:30");
    expect(offsetLabel(-12)).toBe("UTC−12:00");
    expect(offsetLabel(14)).toBe("UTC+14:00");
    expect(new Set(TIMEZONE_OFFSETS.map(offsetLabel)).size).toBe(105);
  });

  it("shows an instant on the user's clock", () => {
    expect(formatAtOffset("2026-03-11T08:00:00.000Z", 0)).toBe("11 Mar 2026, 08:00");
    expect(formatAtOffset("2026-03-10T18:30:00.000Z", 5.5)).toBe("11 Mar 2026, 00:00");
    expect(formatAtOffset("2026-01-01T03:00:00.000Z", -5)).toBe("31 Dec 2025, 22:00");
  });
});
