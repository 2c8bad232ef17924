import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { unique } from "../support/names";

// The sign-in counters (lib/auth/login-limits) against each real cache: counted before the password
// is compared, atomically, so parallel attempts never get more comparisons than the limits allow.

process.env.VALKEY_PREFIX = `limits-${process.pid}:`;
const load = async () => ({ limits: await import("@/lib/auth/login-limits"), cache: await import("@/lib/cache"), shared: await import("@/lib/shared") });
let m: Awaited<ReturnType<typeof load>>;

beforeAll(async () => {
  m = await load();
});
afterAll(async () => {
  await m.cache.closeCache();
});

const ip = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
const admitted = (results: { admitted: boolean }[]) => results.filter((r) => r.admitted).length;

describe.each(["memory", "valkey"] as const)("sign-in counters on the %s cache", (kind) => {
  beforeAll(async () => {
    await m.cache.closeCache();
    // The process's cache, made here for each kind (config() is read only once per process).
    const { MemoryCache } = await import("@/lib/cache/memory");
    const { ValkeyCache } = await import("@/lib/cache/valkey");
    m.shared.dropShared("cache");
    const made = kind === "valkey" ? new ValkeyCache(inject("valkeyUrl"), `limits-${process.pid}:`) : new MemoryCache();
    if (made instanceof ValkeyCache) await made.ready();
    m.shared.shared("cache", () => made);
  });

  it("lets 60 parallel attempts at one account from one address compare at most 5 passwords", async () => {
    const user = unique("target");
    const results = await Promise.all(Array.from({ length: 60 }, () => m.limits.admitLogin(user, "10.0.0.1")));
    expect(admitted(results)).toBe(5);
    expect(results.filter((r) => !r.admitted).every((r) => !r.admitted && r.retryAfterSeconds > 0)).toBe(true);
  });

  it("lets one address try at most 50 usernames", async () => {
    const address = ip(Math.floor(Math.random() * 60000) + 1000);
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => m.limits.admitLogin(unique(`u${i}`), address)));
    expect(admitted(results)).toBe(50);
  });

  it("slows one account down across addresses without locking its owner out", async () => {
    const user = unique("spread");
    // 30 addresses at once: the 10 free attempts, and one more holding the account's first slot.
    const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => m.limits.admitLogin(user, ip(100 + i))));
    expect(admitted(burst)).toBe(11);
    const waiting = await m.limits.admitLogin(user, "192.0.2.7");
    expect(waiting.admitted).toBe(false);
    const wait = !waiting.admitted ? waiting.retryAfterSeconds : 0;
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(30);
  });

  it("doubles the wait with every attempt past the free ones, and lets the next one in once it has passed", async () => {
    const user = unique("slow");
    for (let i = 0; i < 10; i++) expect((await m.limits.admitLogin(user, ip(2000 + i))).admitted).toBe(true);
    expect((await m.limits.admitLogin(user, ip(3000))).admitted).toBe(true); // the 11th takes a 1 s slot
    const refused = await m.limits.admitLogin(user, ip(3001)); // the 12th meets it
    expect(refused).toEqual({ admitted: false, retryAfterSeconds: 1 });
    await new Promise((r) => setTimeout(r, 1100));
    expect((await m.limits.admitLogin(user, ip(3002))).admitted).toBe(true); // 13th: a 4 s slot
    const longer = await m.limits.admitLogin(user, ip(3003));
    expect(longer.admitted).toBe(false);
    expect(!longer.admitted && longer.retryAfterSeconds).toBeGreaterThan(1);
    expect(m.limits.LOGIN_LIMITS.slowdownSeconds(1)).toBe(1);
    expect(m.limits.LOGIN_LIMITS.slowdownSeconds(3)).toBe(4);
    expect(m.limits.LOGIN_LIMITS.slowdownSeconds(40)).toBe(30);
  });

  it("forgets the account's failures after a successful sign-in, and counts usernames trimmed and lower-cased", async () => {
    const user = unique("owner");
    for (let i = 0; i < 4; i++) await m.limits.admitLogin(`  ${user.toUpperCase()} `, "10.9.9.9");
    const fifth = await m.limits.admitLogin(user, "10.9.9.9");
    expect(fifth.admitted).toBe(true);
    expect((await m.limits.admitLogin(user, "10.9.9.9")).admitted).toBe(false); // the pair's 6th
    if (fifth.admitted) await fifth.succeeded();
    expect((await m.limits.admitLogin(user, "10.9.9.9")).admitted).toBe(true);
  });
});
