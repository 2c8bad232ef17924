import { RateLimiterMemory } from "rate-limiter-flexible";
import type { Cache, GuardedRead, LimiterOptions } from "./types";

/** The single-instance cache: a Map with expiry. Values are copied in and out as JSON, like Valkey's. */
export class MemoryCache implements Cache {
  readonly kind = "memory" as const;
  readonly reachable = true;
  private entries = new Map<string, { json: string; expiresAt: number }>();
  private generation = 0;
  private versions = new Map<string, number>();

  async get<T>(key: string): Promise<T | undefined> {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return JSON.parse(hit.json) as T;
  }

  async set(key: string, value: unknown, ttlSeconds: number) {
    // Bound memory: expired entries are swept when the map grows.
    if (this.entries.size > 50_000) this.sweep();
    this.entries.set(key, { json: JSON.stringify(value), expiresAt: Date.now() + ttlSeconds * 1000 });
  }

  async getGuarded<T>(key: string, versions: readonly string[] = []): Promise<GuardedRead<T>> {
    return { value: await this.get<T>(key), generation: String(this.generation), versions: versions.map((v) => String(this.versions.get(v) ?? 0)) };
  }

  async setGuarded(key: string, value: unknown, ttlSeconds: number, generation: string) {
    if (generation === String(this.generation)) await this.set(key, value, ttlSeconds);
  }

  async evict(...keys: string[]) {
    this.generation++;
    for (const key of keys) this.entries.delete(key);
  }

  async bump(version: string) {
    this.versions.set(version, (this.versions.get(version) ?? 0) + 1);
  }

  limiter({ insurance: _insurance, ...options }: LimiterOptions) {
    return new RateLimiterMemory(options);
  }

  async close() {
    this.entries.clear();
  }

  private sweep() {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
