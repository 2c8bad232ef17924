import type { RateLimiterAbstract } from "rate-limiter-flexible";

export type LimiterOptions = { keyPrefix: string; points: number; duration: number; blockDuration?: number };

/**
 * One interface over Valkey (when VALKEY_URL is set) and an in-process map (when it is not).
 * A cache may lose everything at any moment: callers treat a miss or an error the same way,
 * by reading SQLite, which stays the source of truth.
 */
export interface Cache {
  readonly kind: "valkey" | "memory";
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  /** Evicts the keys; resolves once they are gone (or are queued to be removed on reconnect). */
  del(...keys: string[]): Promise<void>;
  limiter(options: LimiterOptions): RateLimiterAbstract;
  close(): Promise<void>;
}
