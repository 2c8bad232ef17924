import { describe, expect, it } from "vitest";
import type { Standing } from "@/lib/budgets";
import { budgetHeaders, budgetRefusal } from "@/lib/gateway/budget";
import { errorBody } from "@/lib/gateway/errors";

const now = Date.parse("2026-03-10T23:20:00.000Z");
const daily = (over: Partial<Standing> = {}): Standing => ({ kind: "daily", used: 990, limit: 1_000, resetsAt: "2026-03-11T00:00:00.000Z", ...over });
const refusal = (window: Standing, reserved = 0) => budgetRefusal({ ok: false, reason: "budget", window, standing: [window], reserved }, now);

describe("a budget refusal", () => {
  it("says which window, where it stands, and when it resets; retry-after only within the hour", () => {
    const e = refusal(daily(), 5);
    expect(e.status).toBe(429);
    expect(e.message).toBe("Your daily token budget cannot hold this request: 990 of 1,000 tokens used, 5 more held by your calls in progress. It resets at 2026-03-11T00:00:00.000Z (in 40 min).");
    expect(e.headers).toMatchObject({ "x-should-retry": "false", "retry-after": "2400" });
    const later = refusal(daily({ resetsAt: "2026-03-11T05:00:00.000Z" }));
    expect(later.headers["retry-after"]).toBeUndefined();
    expect(later.message).toMatch(/in 5 h 40 min/);
  });

  it("calls a one-time allotment by its name and says it does not reset", () => {
    const e = refusal({ kind: "monthly", used: 50_000, limit: 50_000, resetsAt: null });
    expect(e.message).toMatch(/^Your one-time token budget .* It does not reset; ask an admin to raise it\.$/);
    expect(e.headers["retry-after"]).toBeUndefined();
  });

  it("takes each client's own error shape: OpenAI's insufficient_quota, Anthropic's rate_limit_error", () => {
    const e = refusal(daily());
    expect(errorBody("openai", e)).toMatchObject({ error: { type: "insufficient_quota", code: "insufficient_quota" } });
    expect(errorBody("anthropic", e)).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
  });
});

describe("budget headers", () => {
  it("give used, limit, remaining and reset per limited window, and only used where unlimited", () => {
    expect(budgetHeaders([daily({ used: 1_200 }), { kind: "monthly", used: 5, limit: null, resetsAt: "2026-04-01T00:00:00.000Z" }, { kind: "total", used: 7, limit: 100, resetsAt: null }])).toEqual({
      "x-tollgate-budget-daily-used": "1200",
      "x-tollgate-budget-daily-limit": "1000",
      "x-tollgate-budget-daily-remaining": "0",
      "x-tollgate-budget-daily-reset": "2026-03-11T00:00:00.000Z",
      "x-tollgate-budget-monthly-used": "5",
      "x-tollgate-budget-total-used": "7",
      "x-tollgate-budget-total-limit": "100",
      "x-tollgate-budget-total-remaining": "93",
    });
  });
});
