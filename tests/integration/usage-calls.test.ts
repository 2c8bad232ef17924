import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { suiteModules } from "../support/domain";
import { unique } from "../support/names";

// lib/usage/history's callHistory and callModels (the portal's /user/usage) against a real SQLite file,
// the ledger written with recordUsage as the gateway writes it and keys made through lib/keys: the
// period is the user's local days, each filter keeps exactly its rows, a page past the end is the
// last, and the count stops at its cap. Every test makes its own user through lib/users.

const dir = mkdtempSync(path.join(inject("tmpRoot"), "usage-calls-"));
process.env.DATABASE_URL = `file:${path.join(dir, "t.db")}`;
process.env.BCRYPT_COST = "10";
delete process.env.VALKEY_URL;

const m = suiteModules(async () => ({
  users: await import("@/lib/users"),
  keys: await import("@/lib/keys"),
  usage: await import("@/lib/usage"),
  history: await import("@/lib/usage/history"),
  db: await import("@/db"),
  cache: await import("@/lib/cache"),
  migrate: await import("@/db/migrate"),
}));

const system = { id: "system", username: "system" };
const NOW = new Date("2026-03-10T12:00:00.000Z");
const ALL = { days: 30, key: null, model: null, status: null, page: 1 } as const;

async function newUser() {
  const username = unique("calls");
  const { id } = await m.users.createUser(system, {
    username,
    email: `${username}@example.test`,
    displayName: null,
    password: "password-123",
    role: "user",
    dailyLimit: null,
    monthlyLimit: null,
    totalLimit: null,
    sendWelcome: false,
    includePassword: false,
  });
  return id;
}

const terms = (id: string, timezoneOffsetHours = 0) => ({ id, timezoneOffsetHours, tzPreviousOffsetHours: null, tzSwitchAt: null });

type Spend = { keyId?: string | null; model?: string; status?: string; input?: number };
const spend = (userId: string, createdAt: string, o: Spend = {}) =>
  m.usage.recordUsage({
    requestId: randomUUID(),
    userId,
    keyId: o.keyId ?? null,
    endpoint: "ep",
    model: o.model ?? "model-a",
    inputTokens: o.input ?? 1,
    outputTokens: 1,
    costEur: 0.5,
    status: o.status ?? "ok",
    latencyMs: 7,
    createdAt,
  });

const inputs = (page: { rows: { inputTokens: number }[] }) => page.rows.map((r) => r.inputTokens);

describe("callHistory", () => {
  it("shows the period's local days at the offset in force, newest first, and nothing of other users", async () => {
    const id = await newUser();
    const other = await newUser();
    await spend(id, "2026-03-03T18:29:59.999Z", { input: 1 }); // 3 Mar 23:59 at +05:30: before the 7 days
    await spend(id, "2026-03-03T18:30:00.000Z", { input: 2 }); // 4 Mar 00:00: the first of them
    await spend(id, "2026-03-10T18:29:59.999Z", { input: 3 }); // the end of today
    await spend(id, "2026-02-01T00:00:00.000Z", { input: 4 }); // in 90 days only
    await spend(other, "2026-03-10T10:00:00.000Z", { input: 99 });
    const week = await m.history.callHistory(terms(id, 5.5), { ...ALL, days: 7 }, NOW);
    expect(inputs(week)).toEqual([3, 2]);
    expect(week).toMatchObject({ total: 2, page: 1, pages: 1, capped: false, from: "2026-03-03T18:30:00.000Z", to: "2026-03-10T18:30:00.000Z", offset: 5.5 });
    expect(inputs(await m.history.callHistory(terms(id, 5.5), { ...ALL, days: 30 }, NOW))).toEqual([3, 2, 1]);
    expect(inputs(await m.history.callHistory(terms(id, 5.5), { ...ALL, days: 90 }, NOW))).toEqual([3, 2, 1, 4]);
  });

  it("keeps exactly the rows of a key, of deleted keys, of a model and of a status group", async () => {
    const id = await newUser();
    const kept = await m.keys.createKey(system, id, "kept");
    const gone = await m.keys.createKey(system, id, "gone");
    const rows: [string, Spend][] = [
      ["2026-03-10T01:00:00.000Z", { keyId: kept.id, model: "model-a", status: "ok", input: 1 }],
      ["2026-03-10T02:00:00.000Z", { keyId: kept.id, model: "model-b", status: "ok_no_usage", input: 2 }],
      ["2026-03-10T03:00:00.000Z", { keyId: gone.id, model: "model-a", status: "budget_exceeded", input: 3 }],
      ["2026-03-10T04:00:00.000Z", { keyId: gone.id, model: "model-b", status: "upstream_502", input: 4 }],
      ["2026-03-10T05:00:00.000Z", { keyId: kept.id, model: "model-a", status: "timeout", input: 5 }],
      ["2026-03-10T06:00:00.000Z", { keyId: kept.id, model: "model-a", status: "permission_denied", input: 6 }],
      ["2026-03-10T07:00:00.000Z", { keyId: kept.id, model: "model-b", status: "client_aborted", input: 7 }],
      ["2026-03-10T08:00:00.000Z", { keyId: kept.id, model: "model-a", status: "internal_error", input: 8 }],
      ["2026-03-10T09:00:00.000Z", { keyId: null, model: "model-a", status: "ok", input: 9 }],
    ];
    for (const [at, o] of rows) await spend(id, at, o);
    await m.keys.deleteKey(system, gone.id);
    const q = async (f: Partial<typeof ALL> | Record<string, unknown>) => inputs(await m.history.callHistory(terms(id), { ...ALL, ...f }, NOW));
    expect(await q({})).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(await q({ key: kept.id })).toEqual([8, 7, 6, 5, 2, 1]);
    expect(await q({ key: "deleted" })).toEqual([9, 4, 3]);
    expect(await q({ key: "0".repeat(32) })).toEqual([]);
    expect(await q({ model: "model-b" })).toEqual([7, 4, 2]);
    expect(await q({ status: "ok" })).toEqual([9, 2, 1]);
    expect(await q({ status: "error" })).toEqual([8, 7, 6, 5, 4, 3]);
    expect(await q({ status: "budget" })).toEqual([3]);
    expect(await q({ status: "refused" })).toEqual([6]);
    expect(await q({ status: "upstream" })).toEqual([5, 4]);
    expect(await q({ status: "aborted" })).toEqual([7]);
    expect(await q({ key: kept.id, model: "model-a", status: "error" })).toEqual([8, 6, 5]);
    // A deleted key's calls show no prefix; a kept key's show its prefix and label.
    const page = await m.history.callHistory(terms(id), ALL, NOW);
    expect(page.rows.find((r) => r.inputTokens === 3)).toMatchObject({ keyPrefix: null, keyLabel: null, status: "budget_exceeded" });
    expect(page.rows.find((r) => r.inputTokens === 1)).toMatchObject({ keyPrefix: kept.prefix, keyLabel: "kept", model: "model-a", endpoint: "ep" });
  });

  it("pages 20 at a time with ties on created_at, a page past the end answered with the last", async () => {
    const id = await newUser();
    for (let i = 0; i < 45; i++) await spend(id, `2026-03-10T10:00:${String(Math.floor(i / 2)).padStart(2, "0")}.000Z`, { input: i });
    const first = await m.history.callHistory(terms(id), ALL, NOW);
    expect(first).toMatchObject({ page: 1, pages: 3, total: 45, size: 20 });
    const pages = [first, await m.history.callHistory(terms(id), { ...ALL, page: 2 }, NOW), await m.history.callHistory(terms(id), { ...ALL, page: 99 }, NOW)];
    expect(pages[2].page).toBe(3);
    expect(pages.flatMap(inputs)).toEqual(Array.from({ length: 45 }, (_, i) => 44 - i));
    // A filter that matches none of them: one empty page.
    expect(await m.history.callHistory(terms(id), { ...ALL, status: "error", page: 3 }, NOW)).toMatchObject({ total: 0, pages: 1, page: 1, rows: [] });
  });

  it("counts up to the cap and says so beyond it", async () => {
    const id = await newUser();
    const N = m.history.CALLS_COUNT_CAP + 5;
    const statements = Array.from({ length: N }, (_, i) =>
      m.usage.usageInsert({
        requestId: randomUUID(),
        userId: id,
        keyId: null,
        endpoint: "ep",
        model: "model-a",
        inputTokens: i,
        outputTokens: 1,
        costEur: 0,
        status: "ok",
        latencyMs: 1,
        createdAt: new Date(NOW.getTime() - 1000 - i * 1000).toISOString(),
      }),
    );
    await m.db.getClient().batch(statements, "write");
    const capped = await m.history.callHistory(terms(id), { ...ALL, page: 100_000 }, NOW);
    expect(capped).toMatchObject({ capped: true, total: m.history.CALLS_COUNT_CAP, pages: m.history.CALLS_COUNT_CAP / 20, page: m.history.CALLS_COUNT_CAP / 20 });
    expect(inputs(capped)[0]).toBe(m.history.CALLS_COUNT_CAP - 20);
    expect((await m.history.callHistory(terms(id), { ...ALL, days: 7, model: "model-a" }, NOW)).capped).toBe(true);
  });
});

describe("callModels", () => {
  it("lists the models of the last 90 days' calls, once each, sorted, none of other users or older", async () => {
    const id = await newUser();
    await spend(id, "2026-03-10T01:00:00.000Z", { model: "zeta" });
    await spend(id, "2026-03-09T01:00:00.000Z", { model: "alpha" });
    await spend(id, "2026-03-08T01:00:00.000Z", { model: "zeta" });
    await spend(id, "2025-11-01T00:00:00.000Z", { model: "ancient" });
    await spend(await newUser(), "2026-03-10T01:00:00.000Z", { model: "theirs" });
    expect(await m.history.callModels(terms(id), NOW)).toEqual(["alpha", "zeta"]);
  });
});
