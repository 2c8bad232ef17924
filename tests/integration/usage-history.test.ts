import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { suiteModules } from "../support/domain";
import { unique } from "../support/names";

// lib/usage/history and lib/usage/export against a real SQLite file, the ledger written with
// recordUsage as the gateway writes it: days on the user's clock with every day present, the latest
// calls a page at a time, and the download's keyset pages neither losing nor repeating a row, ties of
// created_at included. Every test makes its own user through lib/users.

const dir = mkdtempSync(path.join(inject("tmpRoot"), "usage-history-"));
process.env.DATABASE_URL = `file:${path.join(dir, "t.db")}`;
process.env.BCRYPT_COST = "10";
delete process.env.VALKEY_URL;

const m = suiteModules(async () => ({
  users: await import("@/lib/users"),
  keys: await import("@/lib/keys"),
  usage: await import("@/lib/usage"),
  history: await import("@/lib/usage/history"),
  rollups: await import("@/lib/usage/rollups"),
  exports: await import("@/lib/usage/export"),
  db: await import("@/db"),
  cache: await import("@/lib/cache"),
  migrate: await import("@/db/migrate"),
}));

const system = { id: "system", username: "system" };
const NOW = new Date("2026-03-10T12:00:00.000Z");

async function newUser() {
  const username = unique("usage");
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

const spend = (userId: string, createdAt: string, input: number, opts: { keyId?: string | null; costEur?: number; cacheRead?: number } = {}) =>
  m.usage.recordUsage({
    requestId: randomUUID(),
    userId,
    keyId: opts.keyId ?? null,
    endpoint: "ep",
    model: "model",
    inputTokens: input,
    outputTokens: 1,
    cacheReadTokens: opts.cacheRead ?? 0,
    costEur: opts.costEur ?? 0.5,
    status: "ok",
    latencyMs: 7,
    createdAt,
  });

async function readAll(stream: ReadableStream<Uint8Array>) {
  return new Response(stream).text();
}

describe("dailySeries", () => {
  it("sums each local day at the user's offset, every day present, zeros included", async () => {
    const id = await newUser();
    await spend(id, "2026-03-09T18:29:59.999Z", 10, { cacheRead: 4 }); // 9 Mar 23:59 at +05:30
    await spend(id, "2026-03-09T18:30:00.000Z", 20); // 10 Mar 00:00 at +05:30
    await spend(id, "2026-03-10T11:00:00.000Z", 30);
    await spend(id, "2026-03-03T18:30:00.000Z", 99); // 4 Mar 00:00: the first of 7 days
    await spend(id, "2026-03-03T18:29:59.999Z", 1000); // 3 Mar: before them
    const days = await m.rollups.dailySeries(terms(id, 5.5), 7, NOW);
    expect(days.map((d) => d.day)).toEqual(["2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09", "2026-03-10"]);
    expect(days[0]).toEqual({ day: "2026-03-04", inputTokens: 99, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, calls: 1, eur: 0.5 });
    expect(days[1]).toEqual({ day: "2026-03-05", inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, calls: 0, eur: 0 });
    expect(days[5]).toEqual({ day: "2026-03-09", inputTokens: 10, outputTokens: 1, cacheReadTokens: 4, cacheWriteTokens: 0, calls: 1, eur: 0.5 });
    expect(days[6]).toEqual({ day: "2026-03-10", inputTokens: 50, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0, calls: 2, eur: 1 });
    // At UTC the same rows fall on other days.
    const utc = await m.rollups.dailySeries(terms(id), 7, NOW);
    expect(utc.at(-1)).toMatchObject({ day: "2026-03-10", inputTokens: 30, calls: 1 });
    expect(utc.at(-2)).toMatchObject({ day: "2026-03-09", inputTokens: 30, calls: 2 });
  });
});

describe("latestCalls", () => {
  it("pages the calls newest first with their key's prefix and label, a page past the end answered with the last", async () => {
    const id = await newUser();
    const key = await m.keys.createKey(system, id, "=formula label");
    for (let i = 0; i < 5; i++) await spend(id, `2026-03-10T10:00:0${i}.000Z`, i + 1, { keyId: key.id });
    await spend(id, "2026-03-10T10:00:04.000Z", 6); // a tie on created_at, no key
    const first = await m.history.latestCalls(id, 1, 4);
    expect(first).toMatchObject({ page: 1, pages: 2, total: 6, size: 4 });
    expect(first.rows.map((r) => r.inputTokens)).toEqual([6, 5, 4, 3]);
    expect(first.rows[0]).toMatchObject({ keyPrefix: null, keyLabel: null });
    expect(first.rows[1]).toMatchObject({ keyPrefix: key.prefix, keyLabel: "=formula label", estimated: false, latencyMs: 7 });
    const second = await m.history.latestCalls(id, 9, 4);
    expect(second.page).toBe(2);
    expect(second.rows.map((r) => r.inputTokens)).toEqual([2, 1]);
    expect((await m.history.latestCalls(await newUser(), 1)).rows).toEqual([]);
  });
});

describe("usageExport", () => {
  it("streams every row of the window once, in (created_at, id) order, across pages of 1,000 with ties on created_at", async () => {
    const id = await newUser();
    const N = 2 * m.exports.EXPORT_PAGE_ROWS + 345;
    const client = m.db.getClient();
    // Many rows on one instant, so that page boundaries fall inside a tie.
    const statements = Array.from({ length: N }, (_, i) =>
      m.usage.usageInsert({
        requestId: randomUUID(),
        userId: id,
        keyId: null,
        endpoint: "ep",
        model: "model",
        inputTokens: i,
        outputTokens: 1,
        costEur: 0.001,
        status: "ok",
        latencyMs: 1,
        createdAt: `2026-03-0${8 + Math.floor((i * 3) / N)}T0${i % 3}:00:00.000Z`,
      }),
    );
    await client.batch(statements, "write");
    await spend(id, "2026-02-01T00:00:00.000Z", 1); // outside the last 30 days
    const { stream, firstDay, lastDay } = m.exports.usageExport(terms(id), 30, "json", NOW);
    expect([firstDay, lastDay]).toEqual(["2026-02-09", "2026-03-10"]);
    const rows = JSON.parse(await readAll(stream)) as { id: number; created_at: string; input_tokens: number }[];
    expect(rows).toHaveLength(N);
    expect(new Set(rows.map((r) => r.id)).size).toBe(N);
    const sorted = [...rows].sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id - b.id));
    expect(rows.map((r) => r.id)).toEqual(sorted.map((r) => r.id));
    const csv = await readAll(m.exports.usageExport(terms(id), 30, "csv", NOW).stream);
    expect(csv.split("\r\n").filter(Boolean)).toHaveLength(N + 1);
  });

  it("sends the header with the first page in one chunk, and ends after a short page", async () => {
    const id = await newUser();
    for (let i = 0; i < 3; i++) await spend(id, `2026-03-10T0${i}:00:00.000Z`, i);
    const reader = m.exports.usageExport(terms(id), 1, "csv", NOW).stream.getReader();
    const { value } = await reader.read();
    const text = new TextDecoder().decode(value);
    expect(text.startsWith(`${m.exports.EXPORT_COLUMNS.join(",")}\r\n`)).toBe(true);
    expect(text.split("\r\n").filter(Boolean)).toHaveLength(4);
    expect((await reader.read()).done).toBe(true);
  });
});
