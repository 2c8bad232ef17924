import Redis from "ioredis";
import { RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";
import type { Cache, LimiterOptions } from "./types";

/**
 * Valkey through ioredis. Commands fail fast while the server is away (no offline queue), so a
 * request falls back to SQLite instead of waiting; a server that hangs costs at most commandTimeout.
 * An eviction that fails is remembered and retried every half second and on reconnect until it goes
 * through, so a stale record cannot outlive an outage; entries carry a short TTL as the last line of
 * defence.
 */
export class ValkeyCache implements Cache {
  readonly kind = "valkey" as const;
  readonly redis: Redis;
  private pendingEvictions = new Set<string>();
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(url: string, private prefix: string) {
    this.redis = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      // A Valkey that hangs must not hang requests: past this a command counts as failed.
      commandTimeout: 500,
      retryStrategy: (times) => Math.min(times * 100, 2000),
    });
    this.redis.on("error", (e) => console.warn(`[cache] valkey: ${e.message}`));
    this.redis.on("ready", () => void this.flushPendingEvictions());
  }

  /** Resolves when connected (or rejects after the connect timeout); used at start-up and in tests. */
  async ready(): Promise<void> {
    if (this.redis.status === "ready") return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("valkey did not become ready")), 5000);
      this.redis.once("ready", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async get<T>(key: string): Promise<T | undefined> {
    try {
      const raw = await this.redis.get(this.prefix + key);
      return raw === null ? undefined : (JSON.parse(raw) as T);
    } catch {
      return undefined; // treated as a miss: the caller reads SQLite
    }
  }

  async set(key: string, value: unknown, ttlSeconds: number) {
    try {
      await this.redis.set(this.prefix + key, JSON.stringify(value), "EX", ttlSeconds);
    } catch {
      // A cache that cannot be written is only slower.
    }
  }

  async del(...keys: string[]) {
    if (keys.length === 0) return;
    try {
      await this.redis.del(...keys.map((k) => this.prefix + k));
    } catch (e) {
      for (const key of keys) this.pendingEvictions.add(key);
      console.warn(`[cache] eviction queued until valkey is back: ${(e as Error).message}`);
      this.retryTimer ??= setTimeout(() => {
        this.retryTimer = undefined;
        void this.flushPendingEvictions();
      }, 500);
    }
  }

  limiter(options: LimiterOptions) {
    return new RateLimiterRedis({
      storeClient: this.redis,
      ...options,
      keyPrefix: this.prefix + options.keyPrefix,
      // While Valkey is away, limit in process rather than not at all.
      insuranceLimiter: new RateLimiterMemory(options),
    });
  }

  async close() {
    clearTimeout(this.retryTimer);
    this.redis.disconnect();
  }

  private async flushPendingEvictions() {
    if (this.pendingEvictions.size === 0) return;
    const keys = [...this.pendingEvictions];
    this.pendingEvictions.clear();
    await this.del(...keys);
  }
}
