import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import path from "node:path";
import { describe, expect, inject, it, onTestFinished, vi } from "vitest";
import { unique } from "../support/names";
import { suiteModules } from "../support/domain";

/**
 * The users domain against a real SQLite file, with the cache given by `kind`: the same suite runs
 * with valkey-server and with the in-process cache (two test files, each its own process). Every test
 * makes its own users through lib/users (and keys and usage through lib/keys and lib/usage); the tests
 * about the whole deployment (its first start, its last admin, a table of thousands) get a deployment
 * of their own.
 */
export function usersDomainSuite(kind: "valkey" | "memory") {
  const dir = mkdtempSync(path.join(inject("tmpRoot"), `domain-${kind}-`));
  const prefix = `domain-${kind}-${process.pid}:`;
  process.env.DATABASE_URL = `file:${path.join(dir, "t.db")}`;
  process.env.BCRYPT_COST = "10";
  process.env.VALKEY_PREFIX = prefix;
  if (kind === "valkey") process.env.VALKEY_URL = inject("valkeyUrl");
  else delete process.env.VALKEY_URL;

  // Loaded after the environment above is in place: config() reads it once.
  const load = async () => ({
    config: await import("@/lib/config"),
    users: await import("@/lib/users"),
    keys: await import("@/lib/keys"),
    callers: await import("@/lib/callers"),
    keyFormat: await import("@/lib/keys/format"),
    usage: await import("@/lib/usage"),
    db: await import("@/db"),
    cache: await import("@/lib/cache"),
    migrate: await import("@/db/migrate"),
  });
  type Modules = Awaited<ReturnType<typeof load>>;
  const m = suiteModules(load);
  const system = { id: "system", username: "system" };
  const input = (username: string, role: "user" | "admin" = "user") => ({
    username,
    email: `${username}@example.test`,
    displayName: null,
    password: "password-123",
    role,
    dailyLimit: null,
    monthlyLimit: null,
    totalLimit: null,
    sendWelcome: false,
    includePassword: false,
  });

  /**
   * A deployment of its own for one test: a new SQLite file (migrated, as at every start) and a cache
   * namespace, read by fresh instances of the product's modules. The suite's database and cache are
   * closed meanwhile (the connection lives on globalThis) and reopen from their own configuration when
   * next used, after the test.
   */
  async function freshDeployment(): Promise<Modules> {
    const name = unique("fresh");
    await m.cache.closeCache();
    m.db.closeDb();
    vi.resetModules();
    process.env.DATABASE_URL = `file:${path.join(dir, `${name}.db`)}`;
    process.env.VALKEY_PREFIX = `${prefix}${name}:`;
    let f: Modules;
    try {
      f = await load();
      f.config.config(); // read now, while the environment names the new file
    } finally {
      process.env.DATABASE_URL = `file:${path.join(dir, "t.db")}`;
      process.env.VALKEY_PREFIX = prefix;
    }
    onTestFinished(async () => {
      await f.cache.closeCache();
      f.db.closeDb();
    });
    await f.migrate.runMigrations();
    return f;
  }

  /** One gateway call's row in the ledger, written as the gateway writes it. */
  const usageRow = (userId: string, createdAt: string, inputTokens: number, outputTokens: number, costEur: number, keyId: string | null = null) =>
    m.usage.recordUsage({
      requestId: randomUUID(),
      userId,
      keyId,
      endpoint: "test-endpoint",
      model: "test-model",
      inputTokens,
      outputTokens,
      costEur,
      status: "ok",
      latencyMs: 1,
      createdAt,
    });

  describe(`users domain (${kind} cache)`, () => {
    it("uses the configured cache", () => {
      expect(m.cache.cache().kind).toBe(kind);
    });

    it("creates the default admin once, with a forced password change", async () => {
      const f = await freshDeployment();
      expect(await f.users.ensureDefaultAdmin()).toBe(true);
      expect(await f.users.ensureDefaultAdmin()).toBe(false);
      const admin = await f.users.verifyCredentials("admin", "changeme");
      expect(admin).toMatchObject({ username: "admin", role: "admin" });
      expect((await f.callers.sessionStateOf(admin!.id))?.mustChangePassword).toBe(true);
      const { rows } = await f.db.getClient().execute("SELECT username FROM users WHERE role = 'admin'");
      expect(rows.map((r) => r.username)).toEqual(["admin"]);
    });

    it("stores a bcrypt hash, never the password", async () => {
      const { id } = await m.users.createUser(system, input(unique("hashcheck")));
      const { rows } = await m.db.getClient().execute({ sql: "SELECT * FROM users WHERE id = ?", args: [id] });
      const [row] = rows;
      expect(row.hashed_password).toMatch(/^\$2[aby]\$1\d\$/);
      expect(JSON.stringify(row)).not.toContain("password-123");
      expect(row.id).toMatch(/^[0-9a-f]{32}$/);
      expect(row.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });

    it("turns a race on the same username into a field error for the loser", async () => {
      const racer = unique("racer");
      const results = await Promise.allSettled([m.users.createUser(system, input(racer)), m.users.createUser(system, { ...input(racer), email: `${unique("other")}@example.test` })]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(lost.reason.fieldErrors).toEqual({ username: ["This username is taken"] });
    });

    it("evicts the cached session record on suspend, so the next check sees it at once", async () => {
      const cached = unique("cached");
      const { id } = await m.users.createUser(system, input(cached));
      expect((await m.callers.sessionStateOf(id))?.active).toBe(true); // now cached
      const v1 = (await m.callers.sessionStateOf(id))!.sessionVersion;
      await m.users.setActive(system, id, false);
      const after = await m.callers.sessionStateOf(id);
      expect(after?.active).toBe(false);
      expect(after?.sessionVersion).toBe(v1 + 1);
      expect(await m.users.verifyCredentials(cached, "password-123")).toBeNull();
      await m.users.setActive(system, id, true);
      expect(await m.users.verifyCredentials(cached, "password-123")).not.toBeNull();
    });

    it("evicts on a role change too", async () => {
      const { id } = await m.users.createUser(system, input(unique("promoted")));
      expect((await m.callers.sessionStateOf(id))?.role).toBe("user");
      await m.users.setRole(system, id, "expert");
      expect((await m.callers.sessionStateOf(id))?.role).toBe("expert");
      const [u] = (await m.db.getClient().execute({ sql: "SELECT is_admin FROM users WHERE id = ?", args: [id] })).rows;
      expect(u.is_admin).toBe(0);
      await m.users.setRole(system, id, "admin");
      expect((await m.callers.sessionStateOf(id))?.role).toBe("admin");
      const [a] = (await m.db.getClient().execute({ sql: "SELECT is_admin FROM users WHERE id = ?", args: [id] })).rows;
      expect(a.is_admin).toBe(1);
    });

    it("never suspends, demotes or deletes the last active admin, even when two admins act at once", async () => {
      // The guard counts every admin of the deployment: this one has exactly the two of this test.
      const f = await freshDeployment();
      await f.users.ensureDefaultAdmin();
      const client = f.db.getClient();
      const activeAdmins = async () => Number((await client.execute("SELECT count(*) AS n FROM users WHERE role = 'admin' AND is_active = 1")).rows[0].n);
      const [adminRow] = (await client.execute("SELECT id, username FROM users WHERE username = 'admin'")).rows;
      const a = { id: String(adminRow.id), username: "admin" };
      const b = await f.users.createUser(system, input(unique("second-admin"), "admin"));
      expect(await activeAdmins()).toBe(2);
      // Each suspends the other at the same moment: exactly one of them may win.
      const results = await Promise.allSettled([f.users.setActive(a, b.id, false), f.users.setActive({ id: b.id, username: b.username }, a.id, false)]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(await activeAdmins()).toBe(1);
      const [last] = (await client.execute("SELECT id FROM users WHERE role = 'admin' AND is_active = 1")).rows;
      const lastId = String(last.id);
      await expect(f.users.setActive(system, lastId, false)).rejects.toThrow(/last active admin/);
      await expect(f.users.setRole(system, lastId, "user")).rejects.toThrow(/last active admin/);
      await expect(f.users.deleteUser(system, lastId)).rejects.toThrow(/last active admin/);
      expect(await activeAdmins()).toBe(1);
      const refusedAudits = (await client.execute({ sql: "SELECT count(*) AS n FROM audit_log WHERE target_id = ? AND actor_id = 'system'", args: [lastId] })).rows[0].n;
      expect(Number(refusedAudits)).toBe(0);
    });

    it("sums usage for today, the month and in total from usage_events, in the user's own timezone", async () => {
      const { id } = await m.users.createUser(system, input(unique("spender")));
      const now = new Date("2026-03-15T10:00:00.000Z");
      await usageRow(id, "2026-03-15T09:00:00.000Z", 100, 50, 0.5); // today
      await usageRow(id, "2026-03-14T23:30:00.000Z", 10, 0, 0.1); // yesterday in UTC, today at UTC+2
      await usageRow(id, "2026-03-02T00:00:00.000Z", 1000, 0, 1); // this month
      await usageRow(id, "2026-02-20T00:00:00.000Z", 5000, 0, 5); // last month
      const base = { id, budgetType: "subscription" as const, budgetSetAt: null, dailyLimit: null, monthlyLimit: null, totalLimit: null, tzPreviousOffsetHours: null, tzSwitchAt: null };
      const utc = await m.usage.usageSummary({ ...base, timezoneOffsetHours: 0 }, now);
      expect(utc.today).toEqual({ tokens: 150, eur: 0.5 });
      expect(utc.month.tokens).toBe(1160);
      expect(utc.total.tokens).toBe(6160);
      expect(utc.total.eur).toBeCloseTo(6.6);
      const plus2 = await m.usage.usageSummary({ ...base, timezoneOffsetHours: 2 }, now);
      expect(plus2.today.tokens).toBe(160);
      const oneTime = await m.usage.usageSummary({ ...base, budgetType: "one_time", budgetSetAt: "2026-02-01T00:00:00.000Z", timezoneOffsetHours: 0 }, now);
      expect(oneTime.month.tokens).toBe(6160); // everything since the budget was set
    });

    it("keeps usage rows and removes keys when a user is deleted", async () => {
      const { id } = await m.users.createUser(system, input(unique("leaver")));
      const key = await m.keys.createKey(system, id, "leaver key");
      await usageRow(id, new Date().toISOString(), 7, 0, 0, key.id);
      const client = m.db.getClient();
      expect((await client.execute({ sql: "SELECT count(*) AS n FROM api_keys WHERE user_id = ?", args: [id] })).rows[0].n).toBe(1);
      await m.users.deleteUser(system, id);
      expect((await client.execute({ sql: "SELECT count(*) AS n FROM api_keys WHERE user_id = ?", args: [id] })).rows[0].n).toBe(0);
      expect((await client.execute({ sql: "SELECT count(*) AS n FROM usage_events WHERE user_id = ?", args: [id] })).rows[0].n).toBe(1);
      expect(await m.callers.sessionStateOf(id)).toBeUndefined();
      expect((await m.callers.keyCallerOf(m.keyFormat.hashKey(key.key))).auth).toEqual({ found: false });
    });

    it("searches, filters, sorts and pages in SQL with stable order", async () => {
      const page = unique("page"); // in every username, so that the search sees only this test's users
      for (let i = 0; i < 12; i++) await m.users.createUser(system, { ...input(`${page}-${String(i).padStart(2, "0")}`), displayName: i % 2 ? `Odd Person ${page}` : `Even_Person ${page}` });
      const q = { q: `${page}-`, sort: "username" as const, dir: "asc" as const, page: 1, size: 5 };
      const p1 = await m.users.listUsers(q);
      const p3 = await m.users.listUsers({ ...q, page: 3 });
      expect(p1.total).toBe(12);
      expect(p1.pages).toBe(3);
      expect(p1.rows.map((r) => r.username)).toEqual([0, 1, 2, 3, 4].map((i) => `${page}-0${i}`));
      expect(p3.rows.map((r) => r.username)).toEqual([`${page}-10`, `${page}-11`]);
      // LIKE wildcards in the search text are literal characters.
      expect((await m.users.listUsers({ ...q, q: `n_Person ${page}`, size: 25 })).total).toBe(6);
      expect((await m.users.listUsers({ ...q, q: `odd person ${page}`, size: 25 })).total).toBe(6);
      expect((await m.users.listUsers({ ...q, q: `${page}%`, size: 25 })).total).toBe(0);
      expect((await m.users.listUsers({ ...q, q: "%", size: 25 })).total).toBe(0);
      const desc = await m.users.listUsers({ ...q, dir: "desc" });
      expect(desc.rows[0].username).toBe(`${page}-11`);
      expect(JSON.stringify(p1.rows)).not.toMatch(/hashed|\$2[aby]\$/);
    });

    it("keeps the search index in step with renames and deletes, and answers short and odd queries", async () => {
      const q = { sort: "created" as const, dir: "desc" as const, page: 1, size: 25 };
      const renamed = unique("renamed");
      const { id } = await m.users.createUser(system, { ...input(renamed), displayName: "Zebediah Quux" });
      expect((await m.users.listUsers({ ...q, q: "zebediah" })).rows.map((r) => r.id)).toEqual([id]);
      await m.users.updateUser(system, id, { email: `${renamed}@example.test`, displayName: "Xanthippe Vole", dailyLimit: null, monthlyLimit: null, totalLimit: null, budgetType: "subscription" });
      expect((await m.users.listUsers({ ...q, q: "zebediah" })).total).toBe(0);
      expect((await m.users.listUsers({ ...q, q: "XANTHIPPE" })).rows.map((r) => r.id)).toEqual([id]);
      expect((await m.users.listUsers({ ...q, q: "vo" })).rows.map((r) => r.id)).toContain(id); // 2 characters: LIKE
      await m.users.deleteUser(system, id);
      expect((await m.users.listUsers({ ...q, q: "xanthippe" })).total).toBe(0);
      for (const odd of ['a"b', '"', "OR", "x*", "NEAR(a b)", "-nope", "ä€"]) {
        await expect(m.users.listUsers({ ...q, q: odd })).resolves.toMatchObject({ page: 1 });
      }
    });

    it("pages a search with thousands of matches in the same order as a plain sort", async () => {
      // Thousands of users as `npm run seed` makes them (one shared hash: hashing 2100 passwords would
      // take minutes), plus a few created through lib/users at one and the same instant, among the
      // newest and across the boundary of pages 2 and 3, so that paging must break created_at ties by id.
      const f = await freshDeployment();
      const { seedUsers } = await import("@/scripts/seed");
      expect((await seedUsers(2100, "password-123")).inserted).toBe(2100);
      const client = f.db.getClient();
      const [tieAt] = (await client.execute("SELECT created_at FROM users ORDER BY created_at DESC LIMIT 1 OFFSET 196")).rows;
      vi.useFakeTimers({ toFake: ["Date"] });
      try {
        vi.setSystemTime(new Date(String(tieAt.created_at)));
        for (let i = 0; i < 6; i++) await f.users.createUser(system, { ...input(`user0-tie-${i}`), role: i % 2 ? "expert" : "user" });
      } finally {
        vi.useRealTimers();
      }
      type Row = { id: string; username: string; role: string; createdAt: string };
      const all = (await client.execute("SELECT id, username, role, created_at FROM users")).rows.map(
        (r) => ({ id: String(r.id), username: String(r.username), role: String(r.role), createdAt: String(r.created_at) }) as Row,
      );
      // "user0" is in every seeded username (user000001 …) and the tied ones, and in nothing else.
      const matching = all.filter((r) => r.username.includes("user0"));
      expect(matching).toHaveLength(2106);
      expect(matching.filter((r) => r.createdAt === tieAt.created_at).length).toBeGreaterThanOrEqual(7);
      const expected = [...matching].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id)).map((r) => r.username);
      const tied = expected.flatMap((u, i) => (matching.find((r) => r.username === u)!.createdAt === tieAt.created_at ? [i] : []));
      expect(Math.min(...tied)).toBeLessThan(200);
      expect(Math.max(...tied)).toBeGreaterThanOrEqual(200);
      const seen: string[] = [];
      for (let page = 1; page <= 3; page++) {
        const res = await f.users.listUsers({ q: "user0", sort: "created", dir: "desc", page, size: 100 });
        expect(res.total).toBe(2106);
        seen.push(...res.rows.map((r) => r.username));
      }
      expect(seen).toEqual(expected.slice(0, 300));
      const experts = await f.users.listUsers({ q: "user0", role: "expert", sort: "role", dir: "asc", page: 1, size: 25 });
      expect(experts.total).toBe(matching.filter((r) => r.role === "expert").length);
      expect(experts.total).toBeGreaterThan(25);
      expect(experts.rows).toHaveLength(25);
      expect(experts.rows.every((r) => r.role === "expert")).toBe(true);
    });

    it("rebuilds a search index that no longer lines up with the users table", async () => {
      const { ensureUsersSearchIndex } = await import("@/db/search-index");
      const token = unique("indexed");
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await m.users.createUser(system, { ...input(`${token}-${i}`), displayName: "Indexed Person" })).id);
      const found = async () => (await m.users.listUsers({ q: token, sort: "created", dir: "desc", page: 1, size: 25 })).total;
      expect(await found()).toBe(3);
      expect(await ensureUsersSearchIndex(m.db.getDb())).toBe("ok");
      // Damage the index as a VACUUM or a partial restore would: these users' rows go missing.
      await m.db.getClient().execute({ sql: `DELETE FROM users_search WHERE id IN (?, ?, ?)`, args: ids });
      expect(await found()).toBe(0);
      expect(await ensureUsersSearchIndex(m.db.getDb())).toBe("rebuilt");
      expect(await ensureUsersSearchIndex(m.db.getDb())).toBe("ok");
      expect(await found()).toBe(3);
    });
  });
}
