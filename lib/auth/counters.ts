import "server-only";
import { RateLimiterMemory, type RateLimiterAbstract, type RateLimiterRes } from "rate-limiter-flexible";
import { cache, type Cache } from "@/lib/cache";
import { shared } from "@/lib/shared";

// Request counters (rate-limiter-flexible) for the sign-in limits and the password-reset limits. Each
// counter is atomic in Valkey when it is configured (shared by every instance), with an in-process twin
// that counts only while Valkey is unreachable, so the limits hold through an outage per instance.
// There is no silent second budget: a command that fails while Valkey is connected (e.g. a timeout
// under load) refuses that request for `failWaitMs`.

export type Counter = { shared: RateLimiterAbstract; local: RateLimiterAbstract };
export type CounterOptions = { keyPrefix: string; points: number; duration: number };

/** The named counters over the current cache, made once per cache (a closed and reopened cache gets new ones). */
export function countersFor<K extends string>(name: string, options: Record<K, CounterOptions>): Record<K, Counter> {
  const byCache = shared(`counters:${name}`, () => new WeakMap<Cache, Record<K, Counter>>());
  const c = cache();
  let found = byCache.get(c);
  if (!found) {
    const make = (o: CounterOptions): Counter => ({ shared: c.limiter({ ...o, insurance: false }), local: new RateLimiterMemory(o) });
    found = Object.fromEntries(Object.entries<CounterOptions>(options).map(([k, o]) => [k, make(o)])) as Record<K, Counter>;
    byCache.set(c, found);
  }
  return found;
}

export type Take = { ok: boolean; consumed: number; waitMs: number };

/** A consume that answers instead of throwing: whether it fitted, the count so far, and the wait if not. */
async function consume(limiter: RateLimiterAbstract, key: string, durationSeconds?: number): Promise<Take | Error> {
  try {
    const res = await limiter.consume(key, 1, durationSeconds === undefined ? undefined : { customDuration: durationSeconds });
    return { ok: true, consumed: res.consumedPoints, waitMs: 0 };
  } catch (e) {
    if (e instanceof Error) return e;
    const res = e as RateLimiterRes;
    return { ok: false, consumed: res.consumedPoints, waitMs: res.msBeforeNext };
  }
}

/** One request on a counter: shared, or in process while Valkey is unreachable; refused for `failWaitMs` if the store failed otherwise. */
export async function take(counter: Counter, key: string, opts: { label: string; failWaitMs: number; durationSeconds?: number }): Promise<Take> {
  const got = await consume(counter.shared, key, opts.durationSeconds);
  if (!(got instanceof Error)) return got;
  if (!cache().reachable) {
    const local = await consume(counter.local, key, opts.durationSeconds);
    if (!(local instanceof Error)) return local;
  }
  console.warn(`[${opts.label}] refused a request: the count could not be taken (${got.message})`);
  return { ok: false, consumed: Infinity, waitMs: opts.failWaitMs };
}
