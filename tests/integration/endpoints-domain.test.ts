import { mkdtempSync } from "node:fs";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { unique } from "../support/names";
import { suiteModules } from "../support/domain";

// lib/endpoints against a real SQLite file (in-process cache): the routing list the gateway reads.
// Each test adds its own endpoints and looks at those only.

const dir = mkdtempSync(path.join(inject("tmpRoot"), "endpoints-domain-"));
process.env.DATABASE_URL = `file:${path.join(dir, "t.db")}`;
delete process.env.VALKEY_URL;

// Loaded after the environment above is in place: config() reads it once.
const load = async () => ({
  endpoints: await import("@/lib/endpoints"),
  callers: await import("@/lib/callers"),
  schemas: await import("@/lib/endpoints/schemas"),
  db: await import("@/db"),
  cache: await import("@/lib/cache"),
  migrate: await import("@/db/migrate"),
});
const m = suiteModules(load);
const system = { id: "system", username: "system" };
const add = (fields: Record<string, unknown>) => m.endpoints.createEndpoint(system, m.schemas.CreateEndpoint.parse(fields));


const DEFAULT_TERMS = { eurPerMCacheRead: null, eurPerMCacheWrite: null, maxOutputTokens: {}, outputCapField: "max_tokens" };

describe("endpoints domain", () => {
  it("lists the routing table for the gateway by name, key included; the admin list has only hasApiKey", async () => {
    const tag = unique("list");
    const [zeta, alpha] = [`zeta-${tag}`, `alpha-${tag}`];
    const mine = <T extends { name: string }>(list: T[]) => list.filter((e) => e.name === zeta || e.name === alpha);
    await add({ name: zeta, baseUrl: "https://api.anthropic.com/v1/", apiStyle: "anthropic", apiKey: "sk-ant-1", models: "claude-a, claude-b", eurPerMInput: "3", eurPerMOutput: 15 });
    await add({ name: alpha, baseUrl: "http://127.0.0.1:9/v1", apiStyle: "openai", models: ["m"] });

    const routing = mine(await m.endpoints.listRoutingEndpoints());
    expect(routing).toEqual([
      { id: expect.stringMatching(/^[0-9a-f]{32}$/), name: alpha, baseUrl: "http://127.0.0.1:9/v1", apiStyle: "openai", upstreamApiKey: null, models: ["m"], eurPerMInput: 0, eurPerMOutput: 0, ...DEFAULT_TERMS },
      { id: expect.any(String), name: zeta, baseUrl: "https://api.anthropic.com/v1", apiStyle: "anthropic", upstreamApiKey: "sk-ant-1", models: ["claude-a", "claude-b"], eurPerMInput: 3, eurPerMOutput: 15, ...DEFAULT_TERMS },
    ]);
    const all = await m.endpoints.listRoutingEndpoints();
    expect(all.map((e) => e.name)).toEqual(all.map((e) => e.name).sort());

    const list = await m.endpoints.listEndpoints();
    expect(mine(list).map((e) => [e.name, e.hasApiKey])).toEqual([[alpha, false], [zeta, true]]);
    expect(JSON.stringify(list)).not.toContain("sk-ant-1");
    expect(JSON.stringify(await m.endpoints.getEndpoint(routing[1].id))).not.toContain("sk-ant-1");
  });

  it("stores cache prices, output maxima and the cap field, for the gateway and the edit form; an Anthropic endpoint's cap field is max_tokens", async () => {
    const tag = unique("terms");
    const terms = { eurPerMCacheRead: "0.25", eurPerMCacheWrite: "3.75", maxOutputTokens: "m-1 = 16384\nm-2 = 128,000", outputCapField: "max_completion_tokens" };
    const { id } = await add({ name: `oa-${tag}`, baseUrl: "http://127.0.0.1:9/v1", apiStyle: "openai", models: "m-1, m-2, m-3", eurPerMInput: "2.5", ...terms });
    const { id: anId } = await add({ name: `an-${tag}`, baseUrl: "http://127.0.0.1:9/v1", apiStyle: "anthropic", models: "c-1", ...terms, maxOutputTokens: "c-1 = 64000" });
    const stored = { eurPerMCacheRead: 0.25, eurPerMCacheWrite: 3.75, maxOutputTokens: { "m-1": 16384, "m-2": 128_000 }, outputCapField: "max_completion_tokens" };
    const routing = await m.endpoints.listRoutingEndpoints();
    const oa = routing.find((e) => e.id === id)!;
    expect(oa).toMatchObject(stored);
    expect([m.endpoints.maxOutputOf(oa, "m-1"), m.endpoints.maxOutputOf(oa, "m-2"), m.endpoints.maxOutputOf(oa, "m-3")]).toEqual([16384, 128_000, 32_768]);
    expect(await m.endpoints.getEndpoint(id)).toMatchObject(stored);
    expect(routing.find((e) => e.id === anId)).toMatchObject({ maxOutputTokens: { "c-1": 64000 }, outputCapField: "max_tokens" });

    // Edited back to the defaults: the change is in the audit log, field by field.
    const edit = m.schemas.UpdateEndpoint.parse({ name: `oa-${tag}`, baseUrl: "http://127.0.0.1:9/v1", apiStyle: "openai", models: "m-1, m-2, m-3", eurPerMInput: "2.5" });
    await m.endpoints.updateEndpoint(system, id, edit);
    expect(await m.endpoints.getEndpoint(id)).toMatchObject(DEFAULT_TERMS);
    const { rows } = await m.db.getClient().execute({ sql: "SELECT details FROM audit_log WHERE action = 'endpoint.update' AND target_id = ?", args: [id] });
    expect(JSON.parse(String(rows[0].details))).toEqual({
      eurPerMCacheRead: { from: 0.25, to: null },
      eurPerMCacheWrite: { from: 3.75, to: null },
      outputCapField: { from: "max_completion_tokens", to: "max_tokens" },
      maxOutputTokens: { from: { "m-1": 16384, "m-2": 128_000 }, to: {} },
    });
    // The same maxima in another order are no change.
    await m.endpoints.updateEndpoint(system, anId, m.schemas.UpdateEndpoint.parse({ name: `an-${tag}`, baseUrl: "http://127.0.0.1:9/v1", apiStyle: "anthropic", models: "c-1", ...terms, maxOutputTokens: { "c-1": 64000 } }));
    const anUpdates = await m.db.getClient().execute({ sql: "SELECT count(*) AS n FROM audit_log WHERE action = 'endpoint.update' AND target_id = ?", args: [anId] });
    expect(anUpdates.rows[0].n).toBe(0);
  });

  it("serves the gateway's in-memory routing table until the resources version moves, which every write does", async () => {
    const version = async () => (await m.callers.keyCallerOf("no-such-key-hash")).resourcesVersion;
    const tag = unique("copy");
    const [kept, dropped] = [`kept-${tag}`, `dropped-${tag}`];
    const { id: droppedId } = await add({ name: dropped, baseUrl: "http://127.0.0.1:9/v1", apiStyle: "openai", models: ["m"] });
    const v1 = await version();
    const first = await m.endpoints.routingEndpoints(v1);
    expect(first.map((e) => e.name)).toContain(dropped); // the write before moved the version on
    expect(await m.endpoints.routingEndpoints(v1)).toBe(first); // the same copy while the version stands
    await add({ name: kept, baseUrl: "http://127.0.0.1:9/v1", apiStyle: "openai", models: ["m"] });
    const v2 = await version();
    expect(v2).not.toBe(v1);
    expect((await m.endpoints.routingEndpoints(v2)).map((e) => e.name)).toContain(kept);
    await m.endpoints.deleteEndpoint(system, droppedId);
    const names = (await m.endpoints.routingEndpoints(await version())).map((e) => e.name);
    expect(names.filter((n) => n === kept || n === dropped)).toEqual([kept]);
  });
});
