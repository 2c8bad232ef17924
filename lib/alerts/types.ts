import type { Standing } from "@/lib/budgets/types";
import type { KeyAuth } from "@/lib/callers";

export type Caller = Extract<KeyAuth, { found: true }>;

/** What a settled call tells the alerts: who, when its row was written, where they stand after it, its tokens. */
export type AlertCheck = { caller: Caller; at: Date; standing: Standing[]; tokens: number };
