import type { UsageRow } from "@/lib/usage";
import type { BudgetWindow, WindowKind } from "./windows";

// The budget store's contract. One store per process: Valkey when configured (every instance shares
// it), else SQLite (one instance). Both keep, per user, the tokens used in each current window (equal
// to the ledger's sums) and the reservations of calls in flight, and both admit a call atomically
// against every limited window at once.

/** What a call asks of the budget before it is forwarded. */
export type Ask = {
  requestId: string;
  userId: string;
  /** The user's windows at this moment, with their limits. */
  windows: BudgetWindow[];
  /**
   * Reserve, or only read where the user stands (a user without any limit: nothing to reserve, and
   * the call is served even when the store is away).
   */
  reserve: boolean;
  /** Upper bound of the call's input tokens. */
  inputBound: number;
  /** Completions asked for (OpenAI `n`); the output cap applies to each. */
  n: number;
  /** The largest output cap the call may get: min(the client's cap, the model's maximum). */
  wantedCap: number;
  /** Below this cap the call is refused rather than forwarded: min(what was asked, 1,024). */
  minCap: number;
};

/** Where a user stands in one window: settled tokens only. */
export type Standing = { kind: WindowKind; used: number; limit: number | null; resetsAt: string | null };

export type Admission =
  | { ok: true; cap: number | undefined; reserved: number; standing: Standing[] }
  /** Refused: the window that is short, and where every window stands. */
  | { ok: false; reason: "budget"; window: Standing; standing: Standing[]; reserved: number }
  /** The shared store cannot be reached (or is rebuilding): nothing was reserved. */
  | { ok: false; reason: "unavailable"; retryAfterSeconds: number };

/** How a finished call settles: the windows at its row's created_at (its tokens count in each). */
export type Settlement = { windows: BudgetWindow[] };

export interface BudgetStore {
  readonly kind: "valkey" | "sqlite";
  admit(ask: Ask): Promise<Admission>;
  /**
   * Writes the ledger row (done when this returns) and settles: the reservation released, the
   * counters moved by the tokens, exactly once per request id — in the same transaction (SQLite), or
   * sent on after the row and finished by drain() (Valkey). Returns where the user stands afterwards,
   * when known.
   */
  settle(row: UsageRow, s: Settlement): Promise<Standing[] | undefined>;
  /** Waits for settlements still on their way to the counters. */
  drain(): Promise<void>;
  /** At server start, before calls are served. */
  start(): Promise<void>;
  close(): Promise<void>;
}
