import bcrypt from "bcryptjs";
import { mkdtempSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";

/**
 * The password hashing pool (lib/users/hash-pool) in this process, as the product uses it: real worker
 * threads running lib/users/hash-worker.cjs, found by its path from the source tree.
 */
const dir = mkdtempSync(path.join(inject("tmpRoot"), "hashing-"));
process.env.DATABASE_URL = `file:${path.join(dir, "t.db")}`;
process.env.AUTH_SECRET = "password-hashing-test";
process.env.BCRYPT_COST = "10";
delete process.env.PASSWORD_HASHING;

// Loaded after the environment above is in place: config() reads it once.
const load = async () => ({ passwords: await import("@/lib/users/passwords"), pool: await import("@/lib/users/hash-pool") });
type Modules = Awaited<ReturnType<typeof load>>;

describe("password hashing in the worker pool", () => {
  let m: Modules;
  beforeAll(async () => {
    m = await load();
  });
  afterEach(() => {
    delete process.env.PASSWORD_HASHING;
  });

  it("makes bcrypt hashes that bcryptjs verifies, and verifies the hashes bcryptjs makes", async () => {
    const { pool } = m.pool.hashPool();
    const before = pool.completed;
    for (const password of ["correct horse", "pässwörd mit 🔑"]) {
      const hash = await m.passwords.hashPassword(password);
      expect(hash).toMatch(/^\$2b\$10\$/); // BCRYPT_COST
      expect(bcrypt.compareSync(password, hash)).toBe(true);
      expect(bcrypt.compareSync(password + "x", hash)).toBe(false);
      const theirs = bcrypt.hashSync(password, 11);
      expect(await m.passwords.verifyPassword(password, theirs)).toBe(true);
      expect(await m.passwords.verifyPassword(password + "x", theirs)).toBe(false);
    }
    // Every one of them ran in the pool's threads, not on this event loop.
    expect(pool.completed - before).toBe(6);
  });

  it("is one pool per process, whichever copy of lib/ asks first", async () => {
    const first = m.pool.hashPool();
    // A second copy of the modules, as Next's bundles load beside the server bundle.
    vi.resetModules();
    const second = await load();
    expect(second.pool).not.toBe(m.pool);
    expect(second.pool.hashPool()).toBe(first);
    expect(first.pool.threads).toHaveLength(second.pool.HASH_THREADS);
    expect(second.pool.HASH_THREADS).toBeGreaterThanOrEqual(1);
    // The dummy hash for unknown users is made once too.
    expect(await second.passwords.dummyPasswordHash()).toBe(await m.passwords.dummyPasswordHash());
  });

  it("refuses a sign-in at once when every slot is taken, while admin hashing still waits its turn", async () => {
    const { reserveSignIn, SIGN_IN_SLOTS, HASH_THREADS, hashPool } = m.pool;
    expect(SIGN_IN_SLOTS).toBe(HASH_THREADS * 5);
    const held = Array.from({ length: SIGN_IN_SLOTS }, () => reserveSignIn());
    expect(held.every((r) => r !== null)).toBe(true);
    expect(reserveSignIn()).toBeNull(); // synchronously: nothing waits
    // An admin's create / reset / own change is not refused: it goes through the pool's queue.
    expect(bcrypt.compareSync("made while full", await m.passwords.hashPassword("made while full"))).toBe(true);
    held[0]!();
    held[0]!(); // a second release of the same slot frees nothing more
    const again = reserveSignIn();
    expect(again).not.toBeNull();
    expect(reserveSignIn()).toBeNull();
    for (const release of [...held.slice(1), again]) release!();
    expect(hashPool().signIns).toBe(0);
  });

  it("runs on the event loop without a bound under PASSWORD_HASHING=inline, the benchmark's baseline", async () => {
    const { pool } = m.pool.hashPool();
    process.env.PASSWORD_HASHING = "inline";
    vi.resetModules();
    const inline = await load();
    const before = pool.completed;
    const hash = await inline.passwords.hashPassword("inline one");
    expect(await inline.passwords.verifyPassword("inline one", hash)).toBe(true);
    expect(pool.completed).toBe(before); // the pool did none of it
    const held = Array.from({ length: inline.pool.SIGN_IN_SLOTS + 5 }, () => inline.pool.reserveSignIn());
    expect(held.every((r) => r !== null)).toBe(true);
  });
});
