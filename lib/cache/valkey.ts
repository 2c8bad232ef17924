import Redis from "ioredis";
import { RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";
import type { Cache, GuardedRead, LimiterOptions } from "./types";

/**
 * Valkey through ioredis. Commands fail fast while the server is away (no offline queue), so a
 * request falls back to SQLite instead of waiting; a server that hangs costs at most commandTimeout.
 * An eviction (or a version bump) that fails is remembered and retried every half second and on
 * reconnect until it goes through, so a stale record cannot outlive an outage; entries carry a short
 * TTL as the last line of defence.
 */
// Writes the value only while the eviction generation is still the one the caller read.
const SET_GUARDED = `
if (redis.call('GET', KEYS[2]) or '0') == ARGV[3] then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
end
return 0`;

type GuardedRedis = Redis & { setGuarded(key: string, genKey: string, value: string, ttl: number, generation: string): Promise<number> };

export class ValkeyCache implements Cache {
  readonly kind = "valkey" as const;
  readonly redis: GuardedRedis;
  private pendingEvictions = new Set<string>();
  private pendingBumps = new Set<string>();
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(url: string, readonly prefix: string) {
    this.redis = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      // A Valkey that hangs must not hang requests: past this a command counts as failed.
      commandTimeout: 500,
      retryStrategy: (times) => Math.min(times * 100, 2000),
    }) as GuardedRedis;
    this.redis.defineCommand("setGuarded", { numberOfKeys: 2, lua: SET_GUARDED });
    this.redis.on("error", (e) => console.warn(`[cache] valkey: ${e.message}`));
    this.redis.on("ready", () => void this.flushPending());
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

  private get generationKey() {
    return this.prefix + "evictions";
  }

  private versionKey(name: string) {
    return `${this.prefix}version:${name}`;
  }

  async getGuarded<T>(key: string, versions: readonly string[] = []): Promise<GuardedRead<T>> {
    try {
      const [raw, generation, ...found] = await this.redis.mget(this.prefix + key, this.generationKey, ...versions.map((v) => this.versionKey(v)));
      return { value: raw === null ? undefined : (JSON.parse(raw) as T), generation: generation ?? "0", versions: found.map((v) => v ?? "0") };
    } catch {
      // Unreachable: a miss, a generation no fill can match (nothing is written back), versions unknown.
      return { value: undefined, generation: "unavailable", versions: versions.map(() => undefined) };
    }
  }

  async setGuarded(key: string, value: unknown, ttlSeconds: number, generation: string) {
    if (generation === "unavailable") return;
    try {
      await this.redis.setGuarded(this.prefix + key, this.generationKey, JSON.stringify(value), ttlSeconds, generation);
    } catch {
      // Only slower.
    }
  }

  async evict(...keys: string[]) {
    try {
      const tx = this.redis.multi();
      if (keys.length) tx.del(...keys.map((k) => this.prefix + k));
      await tx.incr(this.generationKey).exec();
    } catch (e) {
      for (const key of keys) this.pendingEvictions.add(key);
      this.retryLater("eviction", e as Error);
    }
  }

  async bump(version: string) {
    try {
      await this.redis.incr(this.versionKey(version));
    } catch (e) {
      this.pendingBumps.add(version);
      this.retryLater("version bump", e as Error);
    }
  }

  get reachable() {
    return this.redis.status === "ready";
  }

  limiter({ insurance = true, ...options }: LimiterOptions) {
    return new RateLimiterRedis({
      storeClient: this.redis,
      ...options,
      keyPrefix: this.prefix + options.keyPrefix,
      // While Valkey is away, limit in process rather than not at all.
      insuranceLimiter: insurance ? new RateLimiterMemory(options) : undefined,
    });
  }

  async close() {
    clearTimeout(this.retryTimer);
    this.redis.disconnect();
  }

  private retryLater(what: string, e: Error) {
    console.warn(`[cache] ${what} queued until valkey is back: ${e.message}`);
    this.retryTimer ??= setTimeout(() => {
      this.retryTimer = undefined;
      void this.flushPending();
    }, 500);
  }

  /** Sends what failed during an outage; what fails again is queued again by evict() / bump(). */
  private async flushPending() {
    const keys = [...this.pendingEvictions];
    const bumps = [...this.pendingBumps];
    this.pendingEvictions.clear();
    this.pendingBumps.clear();
    if (keys.length) await this.evict(...keys);
    for (const version of bumps) await this.bump(version);
  }
}
