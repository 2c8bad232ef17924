import { describe, expect, it } from "vitest";
import { alertDue, thresholdTokens, usedPct } from "@/lib/alerts/rule";

describe("when a call owes its user a budget alert", () => {
  it("is due for the call that reaches the threshold, exactly at it or past it", () => {
    expect(alertDue({ used: 8_000, limit: 10_000 }, 80, 2_000)).toBe(true);
    expect(alertDue({ used: 8_200, limit: 10_000 }, 80, 2_000)).toBe(true);
  });
  it("is not due below the threshold, whatever the call used", () => {
    expect(alertDue({ used: 7_999, limit: 10_000 }, 80, 7_999)).toBe(false);
    expect(alertDue({ used: 0, limit: 10_000 }, 1, 0)).toBe(false);
  });
  it("rounds the threshold up, so that 80 % of 999 tokens is 800, not 799.2", () => {
    expect(thresholdTokens(999, 80)).toBe(800);
    expect(alertDue({ used: 799, limit: 999 }, 80, 10)).toBe(false);
    expect(alertDue({ used: 800, limit: 999 }, 80, 10)).toBe(true);
  });
  it("is never due for an unlimited window, a zero limit, or a call that used no tokens (a refusal)", () => {
    expect(alertDue({ used: 10_000_000, limit: null }, 80, 100)).toBe(false);
    expect(alertDue({ used: 0, limit: 0 }, 80, 0)).toBe(false);
    expect(alertDue({ used: 9_000, limit: 10_000 }, 80, 0)).toBe(false);
  });
  it("is still due past the threshold (concurrent calls that crossed together, alerts switched on late): the window's one row keeps it to one mail", () => {
    expect(alertDue({ used: 9_500, limit: 10_000 }, 80, 100)).toBe(true);
  });
  it("at 100 % is due only when the limit is used up", () => {
    expect(alertDue({ used: 9_999, limit: 10_000 }, 100, 1)).toBe(false);
    expect(alertDue({ used: 10_000, limit: 10_000 }, 100, 1)).toBe(true);
  });
  it("names the share used in whole percent, rounded down", () => {
    expect(usedPct(8_000, 10_000)).toBe(80);
    expect(usedPct(7_999, 10_000)).toBe(79);
    expect(usedPct(10_000, 10_000)).toBe(100);
  });
});
