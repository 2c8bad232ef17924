import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { MemoryCache } from "@/lib/cache/memory";
import type { Cache } from "@/lib/cache/types";
import { ValkeyCache } from "@/lib/cache/valkey";
import { startValkey, type ValkeyServer } from "../support/valkey";

// One contract, two implementations: the in-process cache and Valkey (a real valkey-server).

const kinds: [string, () => Promise<Cache>][] = [
  ["memory", async () => new MemoryCache()],
  [
    "valkey",
    async () => {
      const c = new ValkeyCache(inject("valkeyUrl"), `cache-test-${process.pid}:`);
      await c.ready();
      return c;
    },
  ],
];

describe.each(kinds)("the %s cache", (_kind, make) => {
  let cache: Cache;
  beforeAll(async () => {
    cache = await make();
  });
  afterAll(async () => {
    await cache.close();
  });

  it("stores JSON values and returns copies", async () => {
    const value = { a: 1, list: ["x"], nested: { ok: true } };
    await cache.set("k1", value, 30);
    const got = await cache.get<typeof value>("k1");
    expect(got).toEqual(value);
    expect(got).not.toBe(value);
  });

  it("misses unknown keys and evicted ones", async () => {
    expect(await cache.get("never-set")).toBeUndefined();
    await cache.set("k2", 1, 30);
    await cache.set("k3", 2, 30);
    await cache.evict("k2", "k3");
    expect(await cache.get("k2")).toBeUndefined();
    expect(await cache.get("k3")).toBeUndefined();
  });

  it("expires entries after their TTL", async () => {
    await cache.set("short", "v", 1);
    expect(await cache.get("short")).toBe("v");
    await new Promise((r) => setTimeout(r, 1100));
    expect(await cache.get("short")).toBeUndefined();
  });

  it("rate-limits through its limiter", async () => {
    const limiter = cache.limiter({ keyPrefix: `lim-${Date.now()}`, points: 3, duration: 60 });
    for (let i = 0; i < 3; i++) await limiter.consume("someone");
    await expect(limiter.consume("someone")).rejects.toMatchObject({ consumedPoints: 4 });
    await expect(limiter.consume("someone-else")).resolves.toMatchObject({ consumedPoints: 1 });
  });
});

describe("Valkey going away", () => {
  let server: ValkeyServer;
  let cache: ValkeyCache;
  let probe: Redis;

  beforeAll(async () => {
    server = await startValkey();
    cache = new ValkeyCache(server.url, "vanish:");
    await cache.ready();
    probe = new Redis(server.url);
  });
  afterAll(async () => {
    probe.disconnect();
    await cache.close();
    await server.stop();
  });

  // SIGSTOP freezes the server with its data: the outage a stale record could survive.
  const freeze = () => server.process.kill("SIGSTOP");
  const thaw = () => server.process.kill("SIGCONT");

  it("answers reads as misses and ignores writes while the server hangs, without throwing", async () => {
    await cache.set("k", "v", 60);
    freeze();
    try {
      await expect(cache.get("k")).resolves.toBeUndefined();
      await expect(cache.set("k2", "v", 60)).resolves.toBeUndefined();
    } finally {
      thaw();
    }
    await expect.poll(() => cache.get("k"), { timeout: 5000 }).toBe("v");
  });

  it("gets an eviction that failed during an outage through once the server is back", async () => {
    await cache.set("session-of-suspended-user", { active: true }, 60);
    freeze();
    try {
      await cache.evict("session-of-suspended-user"); // times out: queued for retry
    } finally {
      thaw();
    }
    await expect.poll(() => probe.get("vanish:session-of-suspended-user"), { timeout: 5000 }).toBeNull();
  });

  it("reads versions as unknown while the server hangs, and gets a bump made meanwhile through once it is back", async () => {
    const before = (await cache.getGuarded("x", ["resources"])).versions[0];
    freeze();
    try {
      expect((await cache.getGuarded("x", ["resources"])).versions).toEqual([undefined]);
      await cache.bump("resources"); // times out: queued for retry
    } finally {
      thaw();
    }
    await expect.poll(async () => (await cache.getGuarded("x", ["resources"])).versions[0], { timeout: 5000 }).not.toBe(before);
  });

  it("starts empty after a restart and the caller falls back to its source", async () => {
    await cache.set("k3", "v", 60);
    const port = server.port;
    await server.stop();
    await expect(cache.get("k3")).resolves.toBeUndefined();
    server = await startValkey(port);
    // Once reconnected, the old value is gone and new writes land again.
    const writeThenRead = async () => {
      await cache.set("k4", "again", 60);
      return cache.get("k4");
    };
    await expect.poll(writeThenRead, { timeout: 8000, interval: 200 }).toBe("again");
    expect(await cache.get("k3")).toBeUndefined();
  });
});

describe.each(kinds)("guarded fills on the %s cache", (_kind, make) => {
  let cache: Cache;
  beforeAll(async () => {
    cache = await make();
  });
  afterAll(async () => {
    await cache.close();
  });

  it("fills a miss when nothing was evicted meanwhile", async () => {
    const { value, generation } = await cache.getGuarded("g1");
    expect(value).toBeUndefined();
    await cache.setGuarded("g1", { active: true }, 30, generation);
    expect((await cache.getGuarded("g1")).value).toEqual({ active: true });
  });

  it("drops a fill read before an eviction (the stale record of a just-suspended user)", async () => {
    const { generation } = await cache.getGuarded("g2"); // a request misses and goes to SQLite…
    await cache.evict("g2"); // …a suspend commits and evicts meanwhile…
    await cache.setGuarded("g2", { active: true }, 30, generation); // …the stale read must not land
    expect((await cache.getGuarded("g2")).value).toBeUndefined();
  });

  it("evicts the given keys", async () => {
    await cache.set("g3", 1, 30);
    await cache.evict("g3");
    expect(await cache.get("g3")).toBeUndefined();
  });

  it("reads named versions in the same call as a guarded record; a bump moves only its own", async () => {
    const name = `v-${Date.now()}`;
    const other = `${name}-other`;
    const before = await cache.getGuarded("vk", [name, other]);
    expect(before.versions).toHaveLength(2);
    await cache.bump(name);
    const after = await cache.getGuarded("vk", [name, other]);
    expect(after.versions[0]).not.toBe(before.versions[0]);
    expect(after.versions[1]).toBe(before.versions[1]);
    expect((await cache.getGuarded("vk")).versions).toEqual([]);
  });
});
