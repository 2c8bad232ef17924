import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { suiteModules } from "../support/domain";
import { unique } from "../support/names";

// lib/budgets/status and lib/users setTimezone against a real SQLite file and a real valkey-server:
// what the Budget tab shows is the ledger (rows written with recordUsage, as the gateway writes them)
// summed over exactly the windows lib/budgets/windows gives, edges included; a timezone change is
// stored as timezoneChange says, audited, and evicts the cached records of the user's keys. Every
// test makes its own user through lib/users.

const dir = mkdtempSync(path.join(inject("tmpRoot"), "budget-status-"));
process.env.DATABASE_URL = `file:${path.join(dir, "t.db")}`;
process.env.BCRYPT_COST = "10";
process.env.VALKEY_PREFIX = `budget-status-${process.pid}:`;
process.env.VALKEY_URL = inject("valkeyUrl");

const m = suiteModules(async () => ({
  users: await import("@/lib/users"),
  keys: await import("@/lib/keys"),
  keyFormat: await import("@/lib/keys/format"),
  callers: await import("@/lib/callers"),
  usage: await import("@/lib/usage"),
  status: await import("@/lib/budgets/status"),
  windows: await import("@/lib/budgets/windows"),
  db: await import("@/db"),
  cache: await import("@/lib/cache"),
  migrate: await import("@/db/migrate"),
}));

// As the server does before taking requests: evictions then reach Valkey rather than wait for it.
beforeAll(() => m.cache.connectCache());

const system = { id: "system", username: "system" };
const at = (s: string) => new Date(s);

async function newUser(limits: { dailyLimit?: number | null; monthlyLimit?: number | null; totalLimit?: number | null } = {}) {
  const username = unique("budget");
  const { id } = await m.users.createUser(system, {
    username,
    email: `${username}@example.test`,
    displayName: null,
    password: "password-123",
    role: "user",
    dailyLimit: limits.dailyLimit ?? null,
    monthlyLimit: limits.monthlyLimit ?? null,
    totalLimit: limits.totalLimit ?? null,
    sendWelcome: false,
    includePassword: false,
  });
  return id;
}

const detail = async (id: string) => (await m.users.getUserDetail(id))!;

/** One gateway call in the ledger, as the gateway writes it. */
const spend = (userId: string, createdAt: string, tokens: number, costEur: number) =>
  m.usage.recordUsage({
    requestId: randomUUID(),
    userId,
    keyId: null,
    endpoint: "test-endpoint",
    model: "test-model",
    inputTokens: tokens - 1,
    outputTokens: 1,
    costEur,
    status: "ok",
    latencyMs: 1,
    createdAt,
  });

async function auditRows(targetId: string) {
  const { rows } = await m.db.getClient().execute({ sql: "SELECT actor_name, action, details FROM audit_log WHERE target_id = ? AND action = 'user.timezone' ORDER BY id", args: [targetId] });
  return rows.map((r) => ({ actor: r.actor_name, details: JSON.parse(String(r.details)) }));
}

describe("budgetStatus: the ledger over the windows the gateway enforces", () => {
  it("counts each row in exactly the windows whose [start, reset) holds it, on the user's own clock", async () => {
    const id = await newUser({ dailyLimit: 100, monthlyLimit: 12_000 });
    await m.users.setTimezone(system, id, 5.5, at("2026-01-01T00:00:00.000Z"));
    // At 23:30 on 15 March at UTC+05:30 (the change above has long applied): the day began at
    // 18:30 UTC on the 14th, the month at 18:30 UTC on 28 February.
    const now = at("2026-03-15T18:00:00.000Z");
    await spend(id, "2025-01-01T00:00:00.000Z", 100_000, 100); // long ago: total only
    await spend(id, "2026-02-28T18:29:59.999Z", 1000, 10); // the last moment of February, locally
    await spend(id, "2026-02-28T18:30:00.000Z", 10_000, 1); // the first of March, locally
    await spend(id, "2026-03-14T18:29:59.999Z", 1, 0.001); // the last moment of yesterday
    await spend(id, "2026-03-14T18:30:00.000Z", 10, 0.01); // the first moment of today
    await spend(id, "2026-03-15T17:59:59.999Z", 100, 0.1); // just now
    await spend(id, "2026-03-15T18:30:00.000Z", 5, 0.5); // tomorrow's first moment (a clock ahead)

    const user = await detail(id);
    const status = await m.status.budgetStatus(user, now);
    const windows = m.windows.budgetWindows(user, now);
    expect(status.windows.map((w) => [w.kind, w.resetsAt])).toEqual(windows.map((w) => [w.kind, w.resetsAt]));
    const [daily, monthly, total] = status.windows;
    expect(daily).toMatchObject({ kind: "daily", used: 110, limit: 100, remaining: 0, percent: 110, level: "high", resetsAt: "2026-03-15T18:30:00.000Z" });
    expect(daily.eur).toBeCloseTo(0.11);
    expect(monthly).toMatchObject({ kind: "monthly", used: 10_116, limit: 12_000, remaining: 1884, level: "warn", resetsAt: "2026-03-31T18:30:00.000Z" });
    expect(monthly.percent).toBeCloseTo((10_116 / 12_000) * 100);
    expect(monthly.eur).toBeCloseTo(1.611);
    expect(total).toMatchObject({ kind: "total", used: 111_116, limit: null, remaining: null, percent: null, level: "ok", resetsAt: null });
    expect(total.eur).toBeCloseTo(111.611);
    expect(status.timezone).toEqual({ offsetHours: 5.5, inForceHours: 5.5, switchAt: null });

    // The same sums as the usage cards read, from the same query.
    const summary = await m.usage.usageSummary(user, now);
    expect([summary.today.tokens, summary.month.tokens, summary.total.tokens]).toEqual([110, 10_116, 111_116]);

    // At the reset, the new day holds only its own row.
    const next = await m.status.budgetStatus(user, at("2026-03-15T18:30:00.000Z"));
    expect(next.windows[0]).toMatchObject({ used: 5, remaining: 95, percent: 5, level: "ok", resetsAt: "2026-03-16T18:30:00.000Z" });
    expect(next.windows[1].used).toBe(10_116); // the same month
  });

  it("counts a one-time allotment from when it was set, never resetting", async () => {
    const id = await newUser({ monthlyLimit: 1000 });
    await spend(id, "2026-02-01T00:00:00.000Z", 300, 0); // before the budget was set
    await spend(id, "2026-02-10T00:00:00.000Z", 400, 0);
    await spend(id, "2026-03-15T09:00:00.000Z", 300, 0);
    const user = { ...(await detail(id)), budgetType: "one_time" as const, budgetSetAt: "2026-02-10T00:00:00.000Z" };
    const [daily, monthly, total] = (await m.status.budgetStatus(user, at("2026-03-15T10:00:00.000Z"))).windows;
    expect(daily).toMatchObject({ used: 300, limit: null, percent: null, level: "ok" });
    expect(monthly).toMatchObject({ used: 700, limit: 1000, remaining: 300, percent: 70, level: "warn", resetsAt: null });
    expect(total.used).toBe(1000);
  });

  it("calls a limit of 0 spent", async () => {
    const id = await newUser({ totalLimit: 0 });
    const total = (await m.status.budgetStatus(await detail(id))).windows[2];
    expect(total).toMatchObject({ used: 0, limit: 0, remaining: 0, percent: 100, level: "high" });
  });

  it("keeps the day in progress through a timezone change, and says when the new offset takes over", async () => {
    const id = await newUser({ dailyLimit: 1000 });
    const changedAt = at("2026-03-10T20:00:00.000Z"); // 20:00 on 10 March at UTC
    await spend(id, "2026-03-10T12:00:00.000Z", 600, 0);
    await m.users.setTimezone(system, id, -8, changedAt);
    const user = await detail(id);
    expect(user).toMatchObject({ timezoneOffsetHours: -8, tzPreviousOffsetHours: 0, tzSwitchAt: "2026-03-11T08:00:00.000Z" });
    // Still 10 March (UTC) as far as the budget goes: the 600 tokens spent today stay spent.
    const during = await m.status.budgetStatus(user, at("2026-03-11T07:00:00.000Z"));
    expect(during.windows[0]).toMatchObject({ used: 600, resetsAt: "2026-03-11T08:00:00.000Z" });
    expect(during.timezone).toEqual({ offsetHours: -8, inForceHours: 0, switchAt: "2026-03-11T08:00:00.000Z" });
    const after = await m.status.budgetStatus(user, at("2026-03-11T08:00:00.000Z"));
    expect(after.windows[0]).toMatchObject({ used: 0, resetsAt: "2026-03-12T08:00:00.000Z" });
    expect(after.timezone).toEqual({ offsetHours: -8, inForceHours: -8, switchAt: null });
  });
});

describe("setTimezone", () => {
  it("writes the columns timezoneChange gives, with an audit row, and nothing when nothing changes", async () => {
    const id = await newUser();
    const now = at("2026-03-15T10:00:00.000Z");
    const before = await detail(id);
    expect(await m.users.setTimezone(system, id, 5.75, now)).toEqual({ switchAt: "2026-03-16T18:15:00.000Z" });
    const after = await detail(id);
    expect({ timezoneOffsetHours: after.timezoneOffsetHours, tzPreviousOffsetHours: after.tzPreviousOffsetHours, tzSwitchAt: after.tzSwitchAt }).toEqual(
      m.windows.timezoneChange(before, 5.75, now),
    );
    expect(await auditRows(id)).toEqual([{ actor: "system", details: { from: 0, to: 5.75, appliesFrom: "2026-03-16T18:15:00.000Z" } }]);
    // The same offset again: no write, no second audit row.
    await m.users.setTimezone(system, id, 5.75, now);
    expect(await auditRows(id)).toHaveLength(1);
    // Back to the offset in force before the switch: the change is called off, at once.
    expect(await m.users.setTimezone(system, id, 0, now)).toEqual({ switchAt: null });
    expect(await detail(id)).toMatchObject({ timezoneOffsetHours: 0, tzPreviousOffsetHours: null, tzSwitchAt: null });
    expect((await auditRows(id)).map((r) => r.details)).toEqual([
      { from: 0, to: 5.75, appliesFrom: "2026-03-16T18:15:00.000Z" },
      { from: 5.75, to: 0, appliesFrom: now.toISOString() },
    ]);
  });

  it("evicts the cached record of the user's keys before it returns", async () => {
    const id = await newUser();
    const key = await m.keys.createKey(system, id, "tz key");
    const hash = m.keyFormat.hashKey(key.key);
    const cached = (await m.callers.keyCallerOf(hash)).auth;
    expect(cached).toMatchObject({ found: true, timezoneOffsetHours: 0 });
    await m.users.setTimezone(system, id, -3.5);
    expect((await m.callers.keyCallerOf(hash)).auth).toMatchObject({ found: true, timezoneOffsetHours: -3.5 });
  });

  it("lets two changes made at once end as if made one after the other (the first one's switch moment kept)", async () => {
    const id = await newUser();
    const now = at("2026-03-15T10:00:00.000Z");
    const initial = await detail(id);
    await Promise.all([m.users.setTimezone(system, id, 3, now), m.users.setTimezone(system, id, 5, now)]);
    const final = await detail(id);
    const columns = { timezoneOffsetHours: final.timezoneOffsetHours, tzPreviousOffsetHours: final.tzPreviousOffsetHours, tzSwitchAt: final.tzSwitchAt };
    const inOrder = (a: number, b: number) => m.windows.timezoneChange({ ...initial, ...m.windows.timezoneChange(initial, a, now) }, b, now);
    expect([inOrder(3, 5), inOrder(5, 3)]).toContainEqual(columns);
    expect(await auditRows(id)).toHaveLength(2);
  });

  it("refuses a user who no longer exists", async () => {
    const id = await newUser();
    await m.users.deleteUser(system, id);
    await expect(m.users.setTimezone(system, id, 1)).rejects.toThrow("This user no longer exists.");
  });
});
