import "server-only";
import type { InStatement } from "@libsql/client";
import { getClient } from "@/db";
import { usageWrite, type UsageRow } from "@/lib/usage";
import { decide, standing } from "./decide";
import { InFlight, leaseEnd } from "./in-flight";
import { windowSum } from "./ledger-sums";
import type { Admission, Ask, BudgetStore, Settlement, Standing } from "./types";
import type { BudgetWindow } from "./windows";

// The budget store without Valkey (one instance). Counters live in budget_usage, one row per user and
// current window, and move in the same transaction as the ledger row that moves them, so they cannot
// drift from the ledger; a missing row (a new window, or a user's first call) is summed from the ledger
// by the statement that creates it. Reservations live in budget_reservations as leases.
//
// Admission reads, decides (lib/budgets/decide) and then inserts the reservation with a statement that
// re-checks every limited window itself, so even two processes on one database file could not both
// pass; within this process, calls of one user are admitted one after the other.

const MAX_ATTEMPTS = 5;

export class SqliteBudgetStore implements BudgetStore {
  readonly kind = "sqlite" as const;
  private queues = new Map<string, Promise<unknown>>();
  private inFlight = new InFlight(async (held) => {
    const ids = [...held.keys()];
    await getClient().execute({
      sql: `UPDATE budget_reservations SET expires_at = ? WHERE request_id IN (${ids.map(() => "?").join(",")})`,
      args: [leaseEnd(), ...ids],
    });
  }, 5_000);

  admit(ask: Ask): Promise<Admission> {
    return this.inTurn(ask.userId, async () => {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const now = Date.now();
        const { used, reserved } = await this.read(ask, now);
        const d = decide(ask, used, reserved);
        if (!d.ok) return { ok: false, reason: "budget", window: standing(ask, used)[d.short], standing: standing(ask, used), reserved };
        if (d.cap === undefined) return { ok: true, cap: undefined, reserved, standing: standing(ask, used) };
        if (await this.reserve(ask, d.amount, now)) {
          this.inFlight.add(ask.requestId, { userId: ask.userId, amount: d.amount });
          return { ok: true, cap: d.cap, reserved, standing: standing(ask, used) };
        }
        // Another writer moved the counters between the read and the insert: decide again.
      }
      return { ok: false, reason: "unavailable", retryAfterSeconds: 1 };
    });
  }

  async settle(row: UsageRow, s: Settlement): Promise<Standing[] | undefined> {
    const requestId = row.requestId!;
    const ids = s.windows.map((w) => w.id);
    const marks = ids.map(() => "?").join(",");
    // This process stops renewing the reservation whatever happens below: if the write fails, it lapses.
    this.inFlight.delete(requestId);
    const results = await getClient().batch(
      [
        // The ledger row and its rollups; they move (one row changed each) only when the row was written.
        ...usageWrite(row),
        // Only when the ones above wrote: a request id settles once.
        {
          sql: `UPDATE budget_usage SET used = used + ? WHERE user_id = ? AND window_id IN (${marks})
                AND changes() = 1`,
          args: [row.inputTokens + row.outputTokens, row.userId, ...ids],
        },
        { sql: "DELETE FROM budget_reservations WHERE request_id = ?", args: [requestId] },
        { sql: `SELECT window_id, used FROM budget_usage WHERE user_id = ? AND window_id IN (${marks})`, args: [row.userId, ...ids] },
      ],
      "write",
    );
    const found = new Map(results[results.length - 1].rows.map((r) => [String(r.window_id), Number(r.used)]));
    if (found.size < ids.length) return undefined;
    return standing(s, ids.map((id) => found.get(id)!));
  }

  /** Settled tokens per window (counter rows made from the ledger where missing) and the reserved sum. */
  private async read(ask: Ask, now: number): Promise<{ used: number[]; reserved: number }> {
    const client = getClient();
    const ids = ask.windows.map((w) => w.id);
    const readAll = (): InStatement[] => [
      { sql: "SELECT window_id, used FROM budget_usage WHERE user_id = ?", args: [ask.userId] },
      { sql: "SELECT coalesce(sum(amount), 0) AS r FROM budget_reservations WHERE user_id = ? AND expires_at >= ?", args: [ask.userId, now] },
    ];
    let [counters, reservations] = await client.batch(readAll(), "read");
    const have = new Map(counters.rows.map((r) => [String(r.window_id), Number(r.used)]));
    const missing = ask.windows.filter((w) => !have.has(w.id));
    const stale = [...have.keys()].filter((id) => !ids.includes(id));
    if (missing.length || stale.length) {
      const writes: InStatement[] = missing.map((w) => createCounter(ask.userId, w));
      if (stale.length) writes.push({ sql: `DELETE FROM budget_usage WHERE user_id = ? AND window_id IN (${stale.map(() => "?").join(",")})`, args: [ask.userId, ...stale] });
      // Lapsed reservations (their process died) are dropped here too; the ledger already has whatever they wrote.
      writes.push({ sql: "DELETE FROM budget_reservations WHERE user_id = ? AND expires_at < ?", args: [ask.userId, now] });
      [counters, reservations] = (await client.batch([...writes, ...readAll()], "write")).slice(writes.length);
    }
    const after = new Map(counters.rows.map((r) => [String(r.window_id), Number(r.used)]));
    return { used: ids.map((id) => after.get(id) ?? 0), reserved: Number(reservations.rows[0].r) };
  }

  /** Inserts the reservation only if, at that moment, every limited window still holds it. */
  private async reserve(ask: Ask, amount: number, now: number): Promise<boolean> {
    const reserved = "(SELECT coalesce(sum(amount), 0) FROM budget_reservations WHERE user_id = ? AND expires_at >= ?)";
    const conditions: string[] = [];
    const args: (string | number)[] = [ask.requestId, ask.userId, amount, leaseEnd(now)];
    for (const w of ask.windows) {
      if (w.limit === null) continue;
      conditions.push(`coalesce((SELECT used FROM budget_usage WHERE user_id = ? AND window_id = ?), 0) + ${reserved} + ? <= ?`);
      args.push(ask.userId, w.id, ask.userId, now, amount, w.limit);
    }
    const r = await getClient().execute({
      sql: `INSERT INTO budget_reservations (request_id, user_id, amount, expires_at) SELECT ?, ?, ?, ? WHERE ${conditions.join(" AND ")}`,
      args,
    });
    return r.rowsAffected === 1;
  }

  /** Runs `fn` after every earlier admission of this user in this process has finished. */
  private inTurn<T>(userId: string, fn: () => Promise<T>): Promise<T> {
    const before = this.queues.get(userId) ?? Promise.resolve();
    const mine = before.then(fn, fn);
    const tail = mine.catch(() => undefined);
    this.queues.set(userId, tail);
    void tail.then(() => {
      if (this.queues.get(userId) === tail) this.queues.delete(userId);
    });
    return mine;
  }

  async start() {}

  async drain() {} // settlements are done when settle() returns

  async close() {
    this.inFlight.stop();
  }
}

/** A counter row for a window that has none, summed from the ledger in the same statement. */
function createCounter(userId: string, w: BudgetWindow): InStatement {
  const sum = windowSum(userId, w);
  return {
    sql: `INSERT INTO budget_usage (user_id, window_id, used) SELECT ?, ?, (${sum.sql}) WHERE true ON CONFLICT DO NOTHING`,
    args: [userId, w.id, ...sum.args],
  };
}
