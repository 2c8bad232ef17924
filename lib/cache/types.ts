import type { RateLimiterAbstract } from "rate-limiter-flexible";

export type LimiterOptions = {
  keyPrefix: string;
  points: number;
  duration: number;
  blockDuration?: number;
  /**
   * With Valkey: when a command fails, count in process instead (the default). Off, the failure is
   * the caller's to handle: a limit that must hold across instances cannot silently get a second,
   * per-process budget whenever a command times out.
   */
  insurance?: boolean;
};

/** A guarded read: the value, the eviction generation, and the named versions asked for (undefined = unknown). */
export type GuardedRead<T> = { value: T | undefined; generation: string; versions: (string | undefined)[] };

/**
 * One interface over Valkey (when VALKEY_URL is set) and an in-process map (when it is not).
 * A cache may lose everything at any moment: callers treat a miss or an error the same way,
 * by reading SQLite, which stays the source of truth.
 */
export interface Cache {
  readonly kind: "valkey" | "memory";
  /** False while Valkey is unreachable (the in-process cache always is). */
  readonly reachable: boolean;
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  /**
   * The guarded pair for records that must never outlive an eviction (sessions, API-key auth):
   * `getGuarded` returns the value and the eviction generation in one round trip; after a miss the
   * caller reads SQLite and fills with `setGuarded`, which writes only if no eviction happened in
   * between. Without it, a request that read SQLite just before a suspend could put the old record
   * back into the cache right after the suspend evicted it. `versions` names counters (see `bump`)
   * to read in the same round trip.
   */
  getGuarded<T>(key: string, versions?: readonly string[]): Promise<GuardedRead<T>>;
  setGuarded(key: string, value: unknown, ttlSeconds: number, generation: string): Promise<void>;
  /** Removes the keys and moves the eviction generation on, so that fills read before it are dropped. */
  evict(...keys: string[]): Promise<void>;
  /** Moves a named version on; whoever holds a copy made at another version reloads it. */
  bump(version: string): Promise<void>;
  limiter(options: LimiterOptions): RateLimiterAbstract;
  close(): Promise<void>;
}
