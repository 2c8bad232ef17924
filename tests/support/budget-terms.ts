import type { BudgetTerms } from "@/lib/budgets/windows";

/** A user's budget terms for a domain test: no limits, a subscription, UTC — changed by `over`. */
export const budgetTerms = (over: Partial<BudgetTerms> = {}): BudgetTerms => ({
  dailyLimit: null,
  monthlyLimit: null,
  totalLimit: null,
  budgetType: "subscription",
  budgetSetAt: null,
  timezoneOffsetHours: 0,
  tzPreviousOffsetHours: null,
  tzSwitchAt: null,
  ...over,
});
