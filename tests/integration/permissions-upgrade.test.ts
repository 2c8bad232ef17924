import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import path from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs } from "../support/admin";
import { startApp, type App } from "../support/app";
import { callAction, loginOrThrow } from "../support/http";
import { migrationsUpTo } from "../support/migrations";
import { startMockLlm, type MockLlm } from "../support/mock-llm";
import { unique } from "../support/names";

// The migration that turns the whitelist on (drizzle/0006) on a database from before it: users are
// made by this process's lib modules (keys as that code's SQL wrote them) on a database migrated up to
// 0005 only, then the built
// app starts on that file (applying 0006 as every start applies what is new) — and the old users'
// keys keep calling every model, with a grant and an audit row each saying why; an admin gets none;
// a user created after the upgrade starts with nothing.

const dir = mkdtempSync(path.join(inject("tmpRoot"), "perm-upgrade-"));
const dbFile = path.join(dir, "before.db");
process.env.DATABASE_URL = `file:${dbFile}`;
process.env.BCRYPT_COST = "10";
delete process.env.VALKEY_URL;

let app: App;
let mock: MockLlm;
const before: { username: string; role: string; id?: string; key?: string }[] = [
  { username: unique("old-user"), role: "user" },
  { username: unique("old-sub"), role: "subscriber" },
  { username: unique("old-admin"), role: "admin" },
];

beforeAll(async () => {
  const { runMigrations } = await import("@/db/migrate");
  const { closeDb, getClient } = await import("@/db");
  const { closeCache } = await import("@/lib/cache");
  const { hashPassword } = await import("@/lib/users/passwords");
  const { generateKey, hashKey, prefixOf } = await import("@/lib/keys/format");
  // The migrations folder as it was before the whitelist: 0000–0005.
  await runMigrations(migrationsUpTo(dir, 5));
  expect((await getClient().execute("SELECT name FROM sqlite_master WHERE name = 'skills'")).rows).toHaveLength(0);
  const hashed = await hashPassword("password-123");
  for (const u of before) {
    // The user and key rows as the code of 0005 wrote them: today's createUser and createKey also write
    // columns that came later (api_keys.suspended_by, 0007; users.active_cc_profile_id, 0009), which
    // this database does not have yet.
    u.id = randomUUID().replaceAll("-", "");
    const at = new Date().toISOString();
    await getClient().execute({
      sql: "INSERT INTO users (id, username, email, hashed_password, role, is_admin, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      args: [u.id, u.username, `${u.username}@example.test`, hashed, u.role, u.role === "admin" ? 1 : 0, at, at],
    });
    u.key = generateKey();
    await getClient().execute({
      sql: "INSERT INTO api_keys (id, user_id, label, prefix, key_hash, status, created_at) VALUES (?, ?, 'before the upgrade', ?, ?, 'active', ?)",
      args: [randomUUID().replaceAll("-", ""), u.id, prefixOf(u.key), hashKey(u.key), new Date().toISOString()],
    });
  }
  await closeCache();
  closeDb();
  mock = await startMockLlm();
  app = await startApp({ smtp: false, dbFile });
});

afterAll(async () => {
  await app?.stop();
  await mock?.stop();
});

describe("the upgrade to the permissions whitelist", () => {
  it("grants every existing non-admin user model_endpoint:* once, with an audit row saying why", async () => {
    const grants = (await app.db.execute("SELECT user_id, resource_type, resource_id, granted_by FROM permissions ORDER BY user_id")).rows;
    const [user, sub, oldAdmin] = before;
    expect(grants.map((g) => [g.user_id, g.resource_type, g.resource_id, g.granted_by]).sort()).toEqual(
      [
        [user.id, "model_endpoint", "*", "system"],
        [sub.id, "model_endpoint", "*", "system"],
      ].sort(),
    );
    expect(grants.some((g) => g.user_id === oldAdmin.id)).toBe(false);
    const audit = (await app.db.execute("SELECT actor_name, action, target_id, details FROM audit_log WHERE action = 'permission.grant'")).rows;
    expect(audit.map((r) => r.target_id).sort()).toEqual([user.id, sub.id].sort());
    for (const r of audit) {
      expect(r.actor_name).toBe("system");
      expect(JSON.parse(String(r.details))).toMatchObject({ grants: [{ type: "model_endpoint", id: "*" }], reason: expect.stringContaining("whitelist") });
    }
  });

  it("keeps the old users' keys calling every model, while a user created afterwards can call none", async () => {
    // The old admin (a default admin is made only on a database without one), through their forced password change.
    const oldAdmin = before[2].username;
    const first = await loginOrThrow(app.url, oldAdmin, "password-123");
    const changed = await callAction(app.url, "/change-password", "changePasswordAction", { current: "password-123", password: "password-456", confirm: "password-456" }, { session: first });
    expect(changed.state, changed.body).toMatchObject({ ok: true });
    const admin = await loginOrThrow(app.url, oldAdmin, "password-456");
    await createEndpointAs(app, admin, { name: unique("upgrade-ep"), baseUrl: `${mock.url}/v1`, models: ["mock-gpt"] });
    const chat = (key: string) =>
      new OpenAI({ apiKey: key, baseURL: `${app.url}/v1`, maxRetries: 0 }).chat.completions.create({ model: "mock-gpt", messages: [{ role: "user", content: "hi" }] }).then(
        () => "ok",
        (e: unknown) => (e instanceof OpenAI.PermissionDeniedError ? "403" : String(e)),
      );
    for (const u of before) expect(await chat(u.key!), u.username).toBe("ok");
    const fresh = await createUserAs(app, admin, unique("new-user"), "user", { modelGrants: [] });
    expect(await chat(await createKeyAs(app, admin, fresh))).toBe("403");
  });
});
