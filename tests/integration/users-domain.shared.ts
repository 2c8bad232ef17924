import { mkdtempSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

/**
 * The users domain against a real SQLite file, with the cache given by `kind`: the same suite runs
 * with valkey-server and with the in-process cache (two test files, each its own process).
 */
export function usersDomainSuite(kind: "valkey" | "memory") {
  const dir = mkdtempSync(path.join(inject("tmpRoot"), `domain-${kind}-`));
  process.env.DATABASE_URL = `file:${path.join(dir, "t.db")}`;
  process.env.BCRYPT_COST = "10";
  process.env.VALKEY_PREFIX = `domain-${kind}-${process.pid}:`;
  if (kind === "valkey") process.env.VALKEY_URL = inject("valkeyUrl");
  else delete process.env.VALKEY_URL;

  // Loaded after the environment above is in place: config() reads it once.
  const load = async () => ({
    users: await import("@/lib/users"),
    callers: await import("@/lib/callers"),
    usage: await import("@/lib/usage"),
    db: await import("@/db"),
    schema: await import("@/db/schema"),
    cache: await import("@/lib/cache"),
    migrate: await import("@/db/migrate"),
  });
  let m: Awaited<ReturnType<typeof load>>;
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

  beforeAll(async () => {
    m = await load();
    await m.migrate.runMigrations();
  });
  afterAll(async () => {
    await m.cache.closeCache();
    m.db.closeDb();
  });

  describe(`users domain (${kind} cache)`, () => {
    it("uses the configured cache", () => {
      expect(m.cache.cache().kind).toBe(kind);
    });

    it("creates the default admin once, with a forced password change", async () => {
      expect(await m.users.ensureDefaultAdmin()).toBe(true);
      expect(await m.users.ensureDefaultAdmin()).toBe(false);
      const admin = await m.users.verifyCredentials("admin", "changeme");
      expect(admin).toMatchObject({ username: "admin", role: "admin" });
      expect((await m.callers.sessionStateOf(admin!.id))?.mustChangePassword).toBe(true);
    });

    it("stores a bcrypt hash, never the password", async () => {
      const { id } = await m.users.createUser(system, input("hashcheck"));
      const { eq } = await import("drizzle-orm");
      const [row] = await m.db.getDb().select().from(m.schema.users).where(eq(m.schema.users.id, id));
      expect(row.hashedPassword).toMatch(/^\$2[aby]\$1\d\$/);
      expect(JSON.stringify(row)).not.toContain("password-123");
      expect(row.id).toMatch(/^[0-9a-f]{32}$/);
      expect(row.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });

    it("turns a race on the same username into a field error for the loser", async () => {
      const results = await Promise.allSettled([m.users.createUser(system, input("racer")), m.users.createUser(system, { ...input("racer"), email: "other@example.test" })]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(lost.reason.fieldErrors).toEqual({ username: ["This username is taken"] });
    });

    it("evicts the cached session record on suspend, so the next check sees it at once", async () => {
      const { id } = await m.users.createUser(system, input("cached"));
      expect((await m.callers.sessionStateOf(id))?.active).toBe(true); // now cached
      const v1 = (await m.callers.sessionStateOf(id))!.sessionVersion;
      await m.users.setActive(system, id, false);
      const after = await m.callers.sessionStateOf(id);
      expect(after?.active).toBe(false);
      expect(after?.sessionVersion).toBe(v1 + 1);
      expect(await m.users.verifyCredentials("cached", "password-123")).toBeNull();
      await m.users.setActive(system, id, true);
      expect(await m.users.verifyCredentials("cached", "password-123")).not.toBeNull();
    });

    it("evicts on a role change too", async () => {
      const { id } = await m.users.createUser(system, input("promoted"));
      expect((await m.callers.sessionStateOf(id))?.role).toBe("user");
      await m.users.setRole(system, id, "expert");
      expect((await m.callers.sessionStateOf(id))?.role).toBe("expert");
      const [u] = (await m.db.getClient().execute({ sql: "SELECT is_admin FROM users WHERE id = ?", args: [id] })).rows;
      expect(u.is_admin).toBe(0);
      await m.users.setRole(system, id, "admin");
      const [a] = (await m.db.getClient().execute({ sql: "SELECT is_admin FROM users WHERE id = ?", args: [id] })).rows;
      expect(a.is_admin).toBe(1);
      await m.users.setRole(system, id, "user");
    });

    it("never suspends, demotes or deletes the last active admin, even when two admins act at once", async () => {
      const client = m.db.getClient();
      const activeAdmins = async () => Number((await client.execute("SELECT count(*) AS n FROM users WHERE role = 'admin' AND is_active = 1")).rows[0].n);
      const [adminRow] = (await client.execute("SELECT id, username FROM users WHERE username = 'admin'")).rows;
      const a = { id: String(adminRow.id), username: "admin" };
      const b = await m.users.createUser(system, input("second-admin", "admin"));
      expect(await activeAdmins()).toBe(2);
      // Each suspends the other at the same moment: exactly one of them may win.
      const results = await Promise.allSettled([m.users.setActive(a, b.id, false), m.users.setActive({ id: b.id, username: b.username }, a.id, false)]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(await activeAdmins()).toBe(1);
      const [last] = (await client.execute("SELECT id FROM users WHERE role = 'admin' AND is_active = 1")).rows;
      const lastId = String(last.id);
      await expect(m.users.setActive(system, lastId, false)).rejects.toThrow(/last active admin/);
      await expect(m.users.setRole(system, lastId, "user")).rejects.toThrow(/last active admin/);
      await expect(m.users.deleteUser(system, lastId)).rejects.toThrow(/last active admin/);
      expect(await activeAdmins()).toBe(1);
      const refusedAudits = (await client.execute({ sql: "SELECT count(*) AS n FROM audit_log WHERE target_id = ? AND actor_id = 'system'", args: [lastId] })).rows[0].n;
      expect(Number(refusedAudits)).toBe(0);
    });

    it("sums usage for today, the month and in total from usage_events, in the user's own timezone", async () => {
      const { id } = await m.users.createUser(system, input("spender"));
      const now = new Date("2026-03-15T10:00:00.000Z");
      const ev = (at: string, inTok: number, outTok: number, eur: number) => ({ userId: id, createdAt: at, inputTokens: inTok, outputTokens: outTok, costEur: eur });
      await m.db.getDb().insert(m.schema.usageEvents).values([
        ev("2026-03-15T09:00:00.000Z", 100, 50, 0.5), // today
        ev("2026-03-14T23:30:00.000Z", 10, 0, 0.1), // yesterday in UTC, today at UTC+2
        ev("2026-03-02T00:00:00.000Z", 1000, 0, 1), // this month
        ev("2026-02-20T00:00:00.000Z", 5000, 0, 5), // last month
      ]);
      const base = { id, budgetType: "subscription" as const, budgetSetAt: null };
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
      const { id } = await m.users.createUser(system, input("leaver"));
      const client = m.db.getClient();
      await client.execute({ sql: "INSERT INTO api_keys (id, user_id, prefix, key_hash) VALUES ('leaver-key', ?, 'tg-sk-aaaaaaaaaa', 'hash-leaver')", args: [id] });
      await client.execute({ sql: "INSERT INTO usage_events (user_id, input_tokens) VALUES (?, 7)", args: [id] });
      await m.users.deleteUser(system, id);
      expect((await client.execute({ sql: "SELECT count(*) AS n FROM api_keys WHERE user_id = ?", args: [id] })).rows[0].n).toBe(0);
      expect((await client.execute({ sql: "SELECT count(*) AS n FROM usage_events WHERE user_id = ?", args: [id] })).rows[0].n).toBe(1);
      expect(await m.callers.sessionStateOf(id)).toBeUndefined();
    });

    it("searches, filters, sorts and pages in SQL with stable order", async () => {
      for (let i = 0; i < 12; i++) await m.users.createUser(system, { ...input(`page-${String(i).padStart(2, "0")}`), displayName: i % 2 ? "Odd Person" : "Even_Person" });
      const q = { q: "page-", sort: "username" as const, dir: "asc" as const, page: 1, size: 5 };
      const p1 = await m.users.listUsers(q);
      const p3 = await m.users.listUsers({ ...q, page: 3 });
      expect(p1.total).toBe(12);
      expect(p1.pages).toBe(3);
      expect(p1.rows.map((r) => r.username)).toEqual(["page-00", "page-01", "page-02", "page-03", "page-04"]);
      expect(p3.rows.map((r) => r.username)).toEqual(["page-10", "page-11"]);
      // LIKE wildcards in the search text are literal characters.
      expect((await m.users.listUsers({ ...q, q: "n_P", size: 25 })).total).toBe(6);
      expect((await m.users.listUsers({ ...q, q: "odd person", size: 25 })).total).toBe(6);
      expect((await m.users.listUsers({ ...q, q: "%", size: 25 })).total).toBe(0);
      const desc = await m.users.listUsers({ ...q, dir: "desc" });
      expect(desc.rows[0].username).toBe("page-11");
      expect(JSON.stringify(p1.rows)).not.toMatch(/hashed|\$2[aby]\$/);
    });

    it("keeps the search index in step with renames and deletes, and answers short and odd queries", async () => {
      const q = { sort: "created" as const, dir: "desc" as const, page: 1, size: 25 };
      const { id } = await m.users.createUser(system, { ...input("renamed"), displayName: "Zebediah Quux" });
      expect((await m.users.listUsers({ ...q, q: "zebediah" })).rows.map((r) => r.id)).toEqual([id]);
      await m.users.updateUser(system, id, { email: "renamed@example.test", displayName: "Xanthippe Vole", dailyLimit: null, monthlyLimit: null, totalLimit: null, budgetType: "subscription" });
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
      const rows = Array.from({ length: 2100 }, (_, i) => ({
        id: `dense${String(i).padStart(27, "0")}`,
        username: `dense-${i}`,
        email: `dense-${i}@example.test`,
        displayName: "Densely Matched",
        role: (i % 3 === 0 ? "expert" : "user") as "expert" | "user",
        createdAt: new Date(Date.UTC(2025, 0, 1) + (i % 500) * 60_000).toISOString(), // ties on purpose
        updatedAt: "2025-01-01T00:00:00.000Z",
      }));
      for (let i = 0; i < rows.length; i += 500) await m.db.getDb().insert(m.schema.users).values(rows.slice(i, i + 500));
      const expected = [...rows].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id)).map((r) => r.username);
      const seen: string[] = [];
      for (let page = 1; page <= 3; page++) {
        const res = await m.users.listUsers({ q: "densely", sort: "created", dir: "desc", page, size: 100 });
        expect(res.total).toBe(2100);
        seen.push(...res.rows.map((r) => r.username));
      }
      expect(seen).toEqual(expected.slice(0, 300));
      const experts = await m.users.listUsers({ q: "densely", role: "expert", sort: "role", dir: "asc", page: 1, size: 25 });
      expect(experts.total).toBe(700);
      expect(experts.rows.every((r) => r.role === "expert")).toBe(true);
    });

    it("rebuilds a search index that no longer lines up with the users table", async () => {
      const { ensureUsersSearchIndex } = await import("@/db/search-index");
      expect(await ensureUsersSearchIndex(m.db.getDb())).toBe("ok");
      await m.db.getClient().execute("DELETE FROM users_search WHERE rowid IN (SELECT rowid FROM users_search LIMIT 5)");
      expect(await ensureUsersSearchIndex(m.db.getDb())).toBe("rebuilt");
      expect(await ensureUsersSearchIndex(m.db.getDb())).toBe("ok");
      expect((await m.users.listUsers({ q: "densely", sort: "created", dir: "desc", page: 1, size: 25 })).total).toBe(2100);
    });
  });
}
