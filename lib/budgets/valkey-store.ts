import "server-only";
import { randomUUID } from "node:crypto";
import type Redis from "ioredis";
import { getClient } from "@/db";
import { usageInsert, type UsageRow } from "@/lib/usage";
import { rollupWrites } from "@/lib/usage/rollups";
import { standing } from "./decide";
import { InFlight, leaseEnd, type Held } from "./in-flight";
import { windowSums } from "./ledger-sums";
import type { Admission, Ask, BudgetStore, Settlement, Standing } from "./types";
import { ADMIT, INSTALL, RENEW, SETTLE } from "./valkey-scripts";
import type { BudgetWindow } from "./windows";

// The budget store on Valkey, shared by every instance. Admission is one script (ADMIT) over the
// user's counters and reservations; settlement writes the ledger row in SQLite, then runs SETTLE with
// the row's id. Counters are derived from the ledger and rebuilt from it, under a lock, whenever they
// are missing or cannot be trusted (see valkey-scripts for the rules that keep them equal to it).
//
// Valkey configured but unreachable: a user with a limit is refused (503) rather than admitted
// against anything else; a user without one is served, and their settlements are lost from the
// counters, which is why this instance then drops those users' counters once Valkey answers again
// (`dirty`), so they are summed afresh.

/** After Valkey restarts empty, reservations are refused this long, so that every instance (which
 * renews every RENEW_EVERY_MS) has registered the reservations it holds before anyone is admitted anew. */
const RENEW_EVERY_MS = 250;
const RESTART_GRACE_MS = 750;
const REBUILD_LOCK_MS = 10_000;
const ADMIT_PATIENCE_MS = 3_000;

type BudgetRedis = Redis & {
  budgetAdmit(...args: (string | number)[]): Promise<(string | number)[]>;
  budgetSettle(...args: (string | number)[]): Promise<(string | number)[]>;
  budgetInstall(...args: (string | number)[]): Promise<number>;
  budgetRenew(...args: (string | number)[]): Promise<string>;
};

/** ioredis's error for a command that got no answer within commandTimeout (lib/cache/valkey). */
const isCommandTimeout = (e: unknown) => (e as Error)?.message === "Command timed out";

/** When a window began, in ms (0 = since ever), as the scripts compare it with the counters' build time. */
const startMs = (w: BudgetWindow) => (w.start === null ? 0 : Date.parse(w.start));
const windowArgs = (windows: BudgetWindow[]) => windows.flatMap((w) => [w.id, startMs(w)]);

export class ValkeyBudgetStore implements BudgetStore {
  readonly kind = "valkey" as const;
  private redis: BudgetRedis;
  private epoch: string | undefined;
  private dirty = new Set<string>();
  private inFlight = new InFlight((held) => this.renew(held), RENEW_EVERY_MS);

  constructor(redis: Redis, private prefix: string) {
    if (!("budgetAdmit" in redis)) {
      redis.defineCommand("budgetAdmit", { numberOfKeys: 3, lua: ADMIT });
      redis.defineCommand("budgetSettle", { numberOfKeys: 4, lua: SETTLE });
      redis.defineCommand("budgetInstall", { numberOfKeys: 2, lua: INSTALL });
      redis.defineCommand("budgetRenew", { lua: RENEW });
    }
    this.redis = redis as BudgetRedis;
  }

  private key(what: string, userId: string) {
    return `${this.prefix}${what}:{${userId}}`;
  }
  private get epochKey() {
    return `${this.prefix}bg:epoch`;
  }
  private candidate() {
    return `${randomUUID()}:${Date.now()}`;
  }

  async admit(ask: Ask): Promise<Admission> {
    const unavailable = (retryAfterSeconds = 1): Admission => ({ ok: false, reason: "unavailable", retryAfterSeconds });
    try {
      // Counters that missed a settlement are dropped before anyone is admitted against them.
      for (const userId of [...this.dirty]) await this.forget(userId);
      const giveUp = Date.now() + ADMIT_PATIENCE_MS;
      let retried = false;
      for (;;) {
        const now = Date.now();
        const reply = await this.redis
          .budgetAdmit(
            this.key("bgt", ask.userId),
            this.key("bgr", ask.userId),
            this.epochKey,
            now,
            ask.reserve ? ask.requestId : "",
            ask.inputBound,
            ask.n,
            ask.wantedCap,
            ask.minCap,
            leaseEnd(now),
            this.candidate(),
            RESTART_GRACE_MS,
            ask.windows.length,
            ...ask.windows.flatMap((w) => [w.id, w.limit ?? -1, startMs(w)]),
          )
          .catch((e: unknown) => {
            // A Valkey too busy to answer within its command timeout (seen on a loaded machine) gets one
            // more try within the patience before the call is told to come back: the script is safe to
            // run twice for one request id (its own reservation does not count against it).
            if (retried || !isCommandTimeout(e) || Date.now() > giveUp) throw e;
            retried = true;
            return undefined;
          });
        if (reply === undefined) continue;
        const [status, epoch] = reply as [string, string];
        this.sawEpoch(epoch);
        if (status === "rebuild") {
          if (Date.now() > giveUp) return ask.reserve ? unavailable() : { ok: true, cap: undefined, reserved: 0, standing: [] };
          await this.rebuild(ask.userId, ask.windows);
          continue;
        }
        if (status === "young") return unavailable(Math.ceil(RESTART_GRACE_MS / 1000));
        const third = Number(reply[2]);
        const reserved = Number(reply[3]);
        const used = reply.slice(4).map(Number);
        const where = standing(ask, used);
        if (status === "refused") return { ok: false, reason: "budget", window: where[third - 1], standing: where, reserved };
        if (third < 0) return { ok: true, cap: undefined, reserved, standing: where };
        this.inFlight.add(ask.requestId, { userId: ask.userId, amount: ask.inputBound + third * ask.n });
        return { ok: true, cap: third, reserved, standing: where };
      }
    } catch (e) {
      console.warn(`[budgets] valkey: admission failed (${(e as Error).message})`);
      return ask.reserve ? unavailable() : { ok: true, cap: undefined, reserved: 0, standing: [] };
    }
  }

  async settle(row: UsageRow, s: Settlement): Promise<Standing[] | undefined> {
    const requestId = row.requestId!;
    const held = this.inFlight.held.has(requestId);
    // This instance stops renewing the reservation whatever happens below: at worst it lapses.
    this.inFlight.delete(requestId);
    // The ledger first: it is the truth the counters are derived from. No id back = the row was there.
    let rowId = -1;
    let failed: unknown;
    try {
      // With its rollups, in the same write (they move only when the row was written).
      const insert = usageInsert(row);
      const [written] = await getClient().batch([{ ...insert, sql: insert.sql + " RETURNING id" }, ...rollupWrites(row)], "write");
      if (written.rows.length) rowId = Number(written.rows[0].id);
    } catch (e) {
      failed = e; // the reservation is still released below; the caller logs the lost row
    }
    const tokens = rowId >= 0 ? row.inputTokens + row.outputTokens : 0;
    // Nothing reserved and nothing to count (a refusal, an error before the upstream answered).
    if (held || tokens > 0) {
      // Sent now but not waited for: the answer need not wait for Valkey, and nothing is lost by it —
      // until the script has run, the call's reservation (at least what it used) is still held, and
      // later commands of this instance reach Valkey after it on the same connection.
      const settling = this.settleCounters(row.userId, requestId, rowId, tokens, s).finally(() => this.settling.delete(settling));
      this.settling.add(settling);
    }
    if (failed) throw failed;
    return undefined;
  }

  /** Settlements sent to Valkey and not yet answered. */
  private settling = new Set<Promise<void>>();

  private async settleCounters(userId: string, requestId: string, rowId: number, tokens: number, s: Settlement) {
    try {
      const reply = await this.redis.budgetSettle(
        this.key("bgt", userId),
        this.key("bgr", userId),
        this.epochKey,
        this.key("bgp", userId),
        requestId,
        rowId,
        tokens,
        s.windows.length,
        ...windowArgs(s.windows),
      );
      this.sawEpoch(String(reply[1]));
    } catch (e) {
      // Whether the script ran is unknown: rather than guess (and count twice, or never), this user's
      // counters are dropped once Valkey answers, and summed from the ledger again.
      this.dirty.add(userId);
      console.warn(`[budgets] valkey: settlement of ${requestId} failed (${(e as Error).message}); counters of the user will be rebuilt`);
    }
  }

  async drain() {
    await Promise.all([...this.settling]);
  }

  /** Sums the user's windows from the ledger and installs them, unless another instance is doing it. */
  private async rebuild(userId: string, windows: BudgetWindow[]) {
    const lock = this.key("bgl", userId);
    const token = randomUUID();
    if ((await this.redis.set(lock, token, "PX", REBUILD_LOCK_MS, "NX")) !== "OK") {
      await new Promise((r) => setTimeout(r, 20));
      return;
    }
    try {
      const [row] = (await getClient().execute(windowSums(userId, windows))).rows;
      // Taken after the snapshot: a window that begins later has only rows newer than the mark.
      const built = Date.now();
      await this.redis.budgetInstall(
        this.key("bgt", userId),
        this.key("bgp", userId),
        Number(row.mark),
        built,
        windows.length,
        ...windows.flatMap((w, i) => [w.id, Number(row[`w${i}`])]),
      );
    } finally {
      if ((await this.redis.get(lock)) === token) await this.redis.del(lock);
    }
  }

  /** Drops a user's counters (they are rebuilt from the ledger at the next admission). */
  private async forget(userId: string) {
    await this.redis.del(this.key("bgt", userId));
    this.dirty.delete(userId);
  }

  private sawEpoch(epoch: string) {
    if (!epoch || epoch === this.epoch) return;
    const seen = this.epoch;
    this.epoch = epoch;
    // Valkey restarted empty: register what this instance holds at once, not at the next renewal.
    if (seen !== undefined && this.inFlight.held.size) void this.renew(this.inFlight.held, seen).catch(() => undefined);
  }

  /** Every second while anything is held: renews the leases (all of them again after a restart), and
   * drops the counters of users whose settlement failed. */
  private async renew(held: Map<string, Held>, seen = this.epoch) {
    for (const userId of [...this.dirty]) await this.forget(userId);
    if (held.size === 0) return;
    const entries = [...held];
    const epoch = await this.redis.budgetRenew(
      1 + entries.length,
      this.epochKey,
      ...entries.map(([, h]) => this.key("bgr", h.userId)),
      seen ?? "",
      this.candidate(),
      leaseEnd(),
      ...entries.flatMap(([id, h]) => [id, h.amount]),
    );
    this.epoch = epoch;
  }

  /**
   * At server start: makes sure Valkey has an epoch, and when this start made it (a new Valkey),
   * resolves only after the grace, so that the first calls are not refused as "young".
   */
  async start() {
    try {
      const epoch = await this.redis.budgetRenew(1, this.epochKey, "", this.candidate(), leaseEnd());
      this.epoch = epoch;
      const age = Date.now() - Number(epoch.split(":")[1]);
      if (age < RESTART_GRACE_MS) await new Promise((r) => setTimeout(r, RESTART_GRACE_MS - age));
    } catch (e) {
      console.warn(`[budgets] valkey: no epoch at start (${(e as Error).message}); limited users wait for it`);
    }
  }

  async close() {
    await this.drain();
    this.inFlight.stop();
  }
}
