// What a template or an active CC profile adds to a call: each against a plain call to the same target
// model (same upstream, same answer), in one run, one call at a time, in interleaved rounds; then the
// resolve step's own work (routeOverlay + applyOverlay) in this process. Run through `npm run bench`,
// or alone: `tsx --conditions=react-server bench/templates.ts`.
import os from "node:os";
import { rmSync } from "node:fs";
import { ensureBuilt, startGateway, startStack, stop } from "./gateway";
import { ms, percentile, runWhenMain, table } from "./stats";
import { timeCall } from "./translate";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const PER_ROUND = 50;
const USER = "b0000000000000000000000000000001";

const prompt = [{ role: "user", content: "Hello, benchmark" }];
const anthropic = { "anthropic-version": "2023-06-01" };
// Pairs: a plain call, then the same target through a template or profile.
const ROUTES = [
  { label: "OpenAI client → mock-gpt (plain)", path: "/v1/chat/completions", body: { model: "mock-gpt", messages: prompt } },
  { label: "OpenAI client → template on mock-gpt", path: "/v1/chat/completions", body: { model: "bench-template", messages: prompt } },
  { label: "Anthropic client → mock-gpt (plain, translated)", path: "/v1/messages", body: { model: "mock-gpt", max_tokens: 256, messages: prompt }, headers: anthropic },
  { label: "Anthropic client → claude-* via CC profile on mock-gpt", path: "/v1/messages", body: { model: "claude-sonnet-4-5", max_tokens: 256, messages: prompt }, headers: anthropic },
];

export async function run() {
  ensureBuilt();
  const stack = await startStack([{ name: "oa", apiStyle: "openai", model: "mock-gpt" }]);
  try {
    const { getClient } = await import("@/db");
    // An expert with an admin-made template and an active admin-made profile, both on mock-gpt@oa.
    await getClient().batch([
      { sql: "UPDATE users SET role = 'expert', active_cc_profile_id = 'p0000000000000000000000000000001' WHERE id = ?", args: [USER] },
      { sql: "INSERT INTO expert_templates (id, name, config, cost_factor) VALUES ('t0000000000000000000000000000001', 'bench-template', ?, 2)", args: [JSON.stringify({ target: "mock-gpt@oa", systemPrompt: "Be brief.", maxTokens: 256, mode: "native" })] },
      { sql: "INSERT INTO cc_profiles (id, name, config) VALUES ('p0000000000000000000000000000001', 'bench-profile', ?)", args: [JSON.stringify({ toolModel: "mock-gpt@oa", toolMaxTokens: 256, systemPromptPrefix: "Be brief.", mode: "native", streamThinking: true })] },
      { sql: "INSERT INTO permissions (user_id, resource_type, resource_id) VALUES (?, 'expert_template', '*'), (?, 'cc_profile', '*')", args: [USER, USER] },
    ]);
    const { app, url } = await startGateway(stack);
    const headersOf = (r: (typeof ROUTES)[number]) => ({ "content-type": "application/json", authorization: `Bearer ${stack.key}`, ...r.headers });
    console.log(`\n## templates and CC profiles: each route ${ROUNDS * PER_ROUND} calls one at a time, in ${ROUNDS} interleaved rounds, against the same mock upstream`);
    console.log(`node ${process.version}, ${os.cpus().length} CPU(s); ${stack.valkeyUrl ? "valkey-server" : "in-process cache"}; mock upstream, Tollgate and this load generator in three processes`);
    const times = ROUTES.map(() => [] as number[]);
    for (const r of ROUTES) for (let i = 0; i < 100; i++) await timeCall(url + r.path, headersOf(r), JSON.stringify(r.body));
    for (let round = 0; round < ROUNDS; round++)
      for (const [i, r] of ROUTES.entries())
        for (let k = 0; k < PER_ROUND; k++) times[i].push((await timeCall(url + r.path, headersOf(r), JSON.stringify(r.body))).total);
    const p50 = times.map((t) => percentile(t.sort((a, b) => a - b), 0.5));
    const rows = ROUTES.map((r, i) => [r.label, ms(p50[i]), ms(percentile(times[i], 0.99)), i % 2 ? `${p50[i] - p50[i - 1] >= 0 ? "+" : ""}${ms(p50[i] - p50[i - 1])}` : ""]);
    console.log("\n" + table(["route", "p50 ms", "p99 ms", "through it − plain p50 ms"], rows, [0]));
    stop(app);
    await new Promise((r) => app.once("exit", r));
    console.log(`\n${await resolveAlone()}`);
  } finally {
    for (const c of stack.children.reverse()) stop(c);
    rmSync(stack.dir, { recursive: true, force: true });
  }
}

/** The resolve step's own work for a template call, with 200 templates in the table, µs. */
async function resolveAlone(): Promise<string> {
  const { routeOverlay, applyOverlay } = await import("@/lib/gateway/overlay");
  const { noGrants } = await import("@/lib/permissions/rules");
  const endpoints = [{ id: "e", name: "oa", baseUrl: "http://x/v1", apiStyle: "openai" as const, upstreamApiKey: null, models: ["m"], eurPerMInput: 0, eurPerMOutput: 0, eurPerMCacheRead: null, eurPerMCacheWrite: null, maxOutputTokens: {}, outputCapField: "max_tokens" as const }];
  const templates = new Map(
    Array.from({ length: 200 }, (_, i) => [`t${i}`, { id: `id${i}`, name: `t${i}`, ownerId: "o", owner: { id: "o", username: "o", role: "expert" as const, grants: ["m@oa"] }, active: true, costFactor: 1, config: { target: "m@oa", systemPrompt: "Be brief.", maxTokens: 256, mode: "native" as const } }]),
  );
  const table_ = { templates, profiles: new Map() };
  const caller = { userId: "u", role: "subscriber" as const, grants: { ...noGrants(), expert_template: Array.from({ length: 50 }, (_, i) => `id${i}`) } };
  const body = { model: "t42", messages: Array.from({ length: 40 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", content: "Some text. ".repeat(50) })) };
  const t: number[] = [];
  for (let i = 0; i < 20000; i++) {
    const s = performance.now();
    const routed = routeOverlay(table_, endpoints, caller, "openai", "t42")!;
    applyOverlay("openai", body, routed.overlay, "max_tokens");
    if (i >= 2000) t.push((performance.now() - s) * 1000);
  }
  t.sort((a, b) => a - b);
  return `The resolve step's own work for a template call (routeOverlay + applyOverlay; 200 templates, 50 grants, 40 messages), in this process, µs:\n\n${table(["work", "p50 µs", "p99 µs"], [["template call", percentile(t, 0.5).toFixed(1), percentile(t, 0.99).toFixed(1)]])}`;
}

runWhenMain(import.meta.url, run);
