import { mkdtempSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startApp, type App } from "../support/app";
import { migrationsUpTo } from "../support/migrations";

// The migration that makes templates and profiles go with their owner (drizzle/0009: both tables
// rebuilt with ON DELETE CASCADE and a unique name, users.active_cc_profile_id added) on a database from
// before it: rows written as 0008's schema had them, then the built app starts on that file (applying
// 0009 as every start applies what is new) — nothing is lost, and an owner's deletion now takes their
// records with it.

const dir = mkdtempSync(path.join(inject("tmpRoot"), "templates-upgrade-"));
const dbFile = path.join(dir, "before.db");
process.env.DATABASE_URL = `file:${dbFile}`;
delete process.env.VALKEY_URL;

const EXPERT = "e".repeat(32);
const SUBSCRIBER = "5".repeat(32);
const at = "2026-11-01T00:00:00.000Z";
const templates = [
  { id: "a".repeat(32), name: "reviewer", description: "Reviews code", owner: EXPERT, cost: 2.5, config: { target: "qwen@vllm", systemPrompt: "Review.", mode: "native" } },
  { id: "b".repeat(32), name: "admin-made", description: "", owner: null, cost: 1, config: { target: "llama@vllm", mode: "moe_reasoning" } },
];
const profile = { id: "c".repeat(32), name: "local-cc", owner: EXPERT, config: { toolModel: "qwen@vllm", toolMaxTokens: 4000, mode: "native", streamThinking: true } };

let app: App;

beforeAll(async () => {
  const { runMigrations } = await import("@/db/migrate");
  const { closeDb, getClient } = await import("@/db");
  const { closeCache } = await import("@/lib/cache");
  await runMigrations(migrationsUpTo(dir, 8));
  const c = getClient();
  await c.batch(
    [
      ...[
        [EXPERT, "old-expert", "expert"],
        [SUBSCRIBER, "old-subscriber", "subscriber"],
      ].map(([id, username, role]) => ({ sql: "INSERT INTO users (id, username, email, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)", args: [id, username, `${username}@example.test`, role, at, at] })),
      ...templates.map((t) => ({
        sql: "INSERT INTO expert_templates (id, name, description, config, owner_id, cost_factor, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        args: [t.id, t.name, t.description, JSON.stringify(t.config), t.owner, t.cost, at, at],
      })),
      { sql: "INSERT INTO cc_profiles (id, name, config, owner_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)", args: [profile.id, profile.name, JSON.stringify(profile.config), profile.owner, at, at] },
      { sql: "INSERT INTO permissions (user_id, resource_type, resource_id, created_at) VALUES (?, 'expert_template', ?, ?)", args: [SUBSCRIBER, templates[0].id, at] },
    ],
    "write",
  );
  await closeCache();
  closeDb();
  app = await startApp({ smtp: false, dbFile });
});

afterAll(async () => {
  await app?.stop();
});

describe("the upgrade that deletes templates and profiles with their owner", () => {
  it("keeps every template, profile and grant as it was, and gives users an empty active profile", async () => {
    const rows = (await app.db.execute("SELECT id, name, description, config, owner_id, cost_factor, created_at FROM expert_templates ORDER BY name")).rows;
    expect(rows.map((r) => ({ ...r }))).toEqual(
      [...templates]
        .sort((x, y) => x.name.localeCompare(y.name))
        .map((t) => ({ id: t.id, name: t.name, description: t.description, config: JSON.stringify(t.config), owner_id: t.owner, cost_factor: t.cost, created_at: at })),
    );
    const p = (await app.db.execute("SELECT id, name, config, owner_id FROM cc_profiles")).rows.map((r) => ({ ...r }));
    expect(p).toEqual([{ id: profile.id, name: profile.name, config: JSON.stringify(profile.config), owner_id: EXPERT }]);
    expect((await app.db.execute("SELECT count(*) AS n FROM permissions WHERE resource_type = 'expert_template'")).rows[0].n).toBe(1);
    const active = (await app.db.execute({ sql: "SELECT active_cc_profile_id AS a FROM users WHERE id IN (?, ?)", args: [EXPERT, SUBSCRIBER] })).rows;
    expect(active.map((r) => r.a)).toEqual([null, null]);
  });

  it("now deletes an owner's templates and profiles with them (a missing owner never reads as admin-made), and names stay unique", async () => {
    await app.db.execute("PRAGMA foreign_keys = ON");
    await app.db.execute({ sql: "DELETE FROM users WHERE id = ?", args: [EXPERT] });
    expect((await app.db.execute("SELECT name, owner_id FROM expert_templates")).rows.map((r) => ({ ...r }))).toEqual([{ name: "admin-made", owner_id: null }]);
    expect((await app.db.execute("SELECT count(*) AS n FROM cc_profiles")).rows[0].n).toBe(0);
    await expect(
      app.db.execute({ sql: "INSERT INTO expert_templates (id, name, config) VALUES (?, 'admin-made', '{}')", args: ["d".repeat(32)] }),
    ).rejects.toThrow(/UNIQUE constraint failed: expert_templates\.name/);
  });
});
