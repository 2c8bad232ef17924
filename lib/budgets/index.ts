import "server-only";
import { cache } from "@/lib/cache";
import { ValkeyCache } from "@/lib/cache/valkey";
import { dropShared, shared } from "@/lib/shared";
import { SqliteBudgetStore } from "./sqlite-store";
import type { BudgetStore } from "./types";
import { ValkeyBudgetStore } from "./valkey-store";

export type { Admission, Ask, BudgetStore, Settlement, Standing } from "./types";
export { budgetWindows, timezoneChange, unlimited, type BudgetTerms, type BudgetWindow, type WindowKind } from "./windows";

/** The process's budget store: on Valkey when it is configured (all instances share it), else SQLite. */
export function budgetStore(): BudgetStore {
  return shared("budgets", () => {
    const c = cache();
    return c instanceof ValkeyCache ? new ValkeyBudgetStore(c.redis, c.prefix) : new SqliteBudgetStore();
  });
}

export async function closeBudgetStore() {
  await dropShared<BudgetStore>("budgets")?.close();
}
