// Token budgets' cost on a gateway call (issue 9): the same non-streaming chat completion sent straight
// to the mock upstream, through Tollgate for a user without limits ("budgets off": the call only reads
// where its user stands, and is forwarded as sent) and for a user with daily, monthly and total limits
// too large to refuse anything ("budgets on": the call reserves, is capped, and settles), one at a time
// and at concurrency 16. One private valkey-server, the mock upstream, Tollgate (built, VALKEY_URL set,
// one process serving both users) and this load generator are separate processes.
//
// The cases run interleaved in rounds (each round runs every case in turn, the order rotated by one
// each round) so that the slow phases of a shared machine hit them alike. The latencies of a case's
// rounds are pooled before its p50/p99 are taken; its req/s is the median of its rounds'.
//
// "Budgets off" is not the code without budgets: its call still runs the admit script (to read where
// the user stands, for the budget headers) and the settle script (its counters move too), so "on − off"
// is the price of a limit, and "on − before" (with the baseline below) the price of budgets.
//
// Also: Valkey commands per call (INFO commandstats before and after each timed phase, divided by its
// calls, so commands run inside the Lua scripts count too) and round trips per call (a short sample
// under MONITOR: the commands the app itself sent, by name); and admission alone, in this process:
// budgetStore().admit() and settle() on Valkey and on SQLite (no VALKEY_URL), in µs.
//
// Baseline (optional): BENCH_BASELINE_DIR=<dir> names a checkout of the code before budgets with its
// own build; its server is started too, on a database of its own (migrated by that server at its
// start, then seeded here) and measured in the same rounds as "before budgets". To make one:
//
//   git worktree add /tmp/tollgate-before 6084bcd^ && cd /tmp/tollgate-before && npm ci && npm run build
//
// 6084bcd ("Gateway: each call type-checked, then admitted against its user's budget…") is the budget
// integration; `git log --oneline -- lib/gateway/call.ts` lists it, and the commit below it there
// (e3d3d25, before the budget schema) has the same lib/gateway/call.ts and should do too (the seed uses
// only columns it has), but 6084bcd^ (e85d80b) differs from budgets by the integration alone. Remove
// the checkout afterwards with `git worktree remove /tmp/tollgate-before`.
//
// Run through `npm run bench`, or alone: `tsx --conditions=react-server bench/budgets.ts`
// (BENCH_BASELINE_DIR=/tmp/tollgate-before tsx --conditions=react-server bench/budgets.ts).
// BENCH_SEQUENTIAL (300), BENCH_REQUESTS (1000) and BENCH_ROUNDS (3) change the calls per case and
// round. Needs valkey-server (skipped without it); builds the app when no build is there.
import { createClient } from "@libsql/client";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Redis from "ioredis";
import { ensureBuilt, freePort, load, startProcess, stop, type Load } from "./gateway";
import { ms, percentile, runWhenMain, table } from "./stats";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 300);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const CONCURRENCY = 16;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MONITORED = 40; // calls per case under MONITOR
const ADMISSIONS = 2000; // per case of admission alone
const LIMIT = 1e12; // tokens: never reached in a run
const MAX_TOKENS = 256;
const AIM_P50_MS = 0.3;
const AIM_RATIO = 0.9;

const USER_ON = "b0000000000000000000000000000001";
const USER_OFF = "b0000000000000000000000000000002";
const AT = "2026-01-01T00:00:00Z";

type Case = { name: string; url: string; headers: Record<string, string>; valkeyPrefix?: string };
type Mode = { label: string; total: number; concurrency: number };
type Measured = { latencies: number[]; rps: number[]; errors: number; calls: number; commands: Map<string, number> };

/** The rows that make a user with a key (limits or none) and the endpoint: the same SQL for both servers. */
function seedStatements(mockUrl: string, users: { id: string; key: string; limit: number | null }[], hashKey: (k: string) => string) {
  return [
    ...users.flatMap((u, i) => [
      {
        // Limit columns only when set, so that the same statements seed an older schema.
        sql:
          u.limit === null
            ? "INSERT INTO users (id, username, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?)"
            : "INSERT INTO users (id, username, email, created_at, updated_at, daily_limit, monthly_limit, total_limit, budget_set_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        args: [u.id, `bench-${i}`, `bench-${i}@example.test`, AT, AT, ...(u.limit === null ? [] : [u.limit, u.limit, u.limit, AT])],
      },
      { sql: "INSERT INTO api_keys (id, user_id, label, prefix, key_hash) VALUES (?, ?, 'bench', ?, ?)", args: [`k${u.id.slice(1)}`, u.id, u.key.slice(0, 16), hashKey(u.key)] },
      // The permissions whitelist: every model (code before it ignores the row).
      { sql: "INSERT INTO permissions (user_id, resource_type, resource_id) VALUES (?, 'model_endpoint', '*')", args: [u.id] },
    ]),
    { sql: "INSERT INTO model_endpoints (id, name, base_url, api_style, models, eur_per_m_input, eur_per_m_output) VALUES ('e', 'mock', ?, 'openai', '[\"mock-gpt\"]', 1, 2)", args: [`${mockUrl}/v1`] },
  ];
}

/** Calls per command name since Valkey started (INFO commandstats), our own INFO left out. */
async function commandStats(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info("commandstats");
  const out = new Map<string, number>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) if (m[1] !== "info") out.set(m[1], Number(m[2]));
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const perCall = (n: number, calls: number) => (n > 0 && n / calls < 0.005 ? "<0.01" : (n / calls).toFixed(2).replace(/\.00$/, ""));

/** Milliseconds (positive or negative) for the delta rows. */
const delta = (v: number) => (v >= 0 ? "+" : "−") + ms(Math.abs(v));

export async function run() {
  if (spawnSync("sh", ["-c", "command -v valkey-server"]).status !== 0) {
    console.log("\n## budgets: skipped (valkey-server is not installed)");
    return;
  }
  ensureBuilt();
  const baselineDir = process.env.BENCH_BASELINE_DIR ? path.resolve(process.env.BENCH_BASELINE_DIR) : undefined;
  if (baselineDir && !(existsSync(path.join(baselineDir, "dist/server.mjs")) && existsSync(path.join(baselineDir, ".next/BUILD_ID"))))
    throw new Error(`BENCH_BASELINE_DIR=${baselineDir} has no build (dist/server.mjs and .next): run npm ci && npm run build there`);
  const dir = mkdtempSync(path.join(os.tmpdir(), "tollgate-bench-budgets-"));
  const children: ChildProcess[] = [];
  const clients: Redis[] = [];
  try {
    const tsx = [path.join(root, "node_modules/tsx/dist/cli.mjs"), "--conditions=react-server"];
    const valkeyPort = await freePort();
    const valkey = spawn("valkey-server", ["--port", String(valkeyPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore", detached: true });
    children.push(valkey);
    const valkeyUrl = `redis://127.0.0.1:${valkeyPort}`;
    const quiet = (r: Redis) => (clients.push(r), r.on("error", () => undefined)); // retried until Valkey listens
    const stats = quiet(new Redis(valkeyUrl));
    await stats.ping(); // queued until the server accepts connections
    const { child: mockChild, match } = await startProcess([...tsx, "bench/mock-server.ts"], process.env, /listening (http:\/\/\S+)/);
    children.push(mockChild);
    const mockUrl = match[1];

    // This code's database: two users with a key each (limits / none) and an endpoint pointing at the mock.
    process.env.DATABASE_URL = `file:${path.join(dir, "bench.db")}`;
    process.env.VALKEY_URL = valkeyUrl;
    process.env.VALKEY_PREFIX = "bench:";
    const { runMigrations } = await import("@/db/migrate");
    const { getClient, closeDb } = await import("@/db");
    const { generateKey, hashKey } = await import("@/lib/keys/format");
    await runMigrations();
    const keyOn = generateKey();
    const keyOff = generateKey();
    const seeded = [
      { id: USER_ON, key: keyOn, limit: LIMIT },
      { id: USER_OFF, key: keyOff, limit: null },
    ];
    await getClient().batch(seedStatements(mockUrl, seeded, hashKey), "write");

    const appEnv = (port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
      ...process.env,
      PORT: String(port),
      NODE_ENV: "production",
      ADMIN_PASSWORD: "changeme-bench",
      NEXTAUTH_SECRET: "bench-secret",
      ...extra,
    });
    const port = await freePort();
    const { child: app } = await startProcess(["--enable-source-maps", "dist/server.mjs"], appEnv(port), /Tollgate ready/);
    children.push(app);
    const via = (p: number, key: string) => ({ url: `http://127.0.0.1:${p}/v1/chat/completions`, headers: { "content-type": "application/json", authorization: `Bearer ${key}` } });
    const cases: Case[] = [
      { name: "direct to upstream", url: `${mockUrl}/v1/chat/completions`, headers: { "content-type": "application/json", authorization: "Bearer upstream" } },
      { name: "Tollgate, budgets off", ...via(port, keyOff), valkeyPrefix: "bench:" },
      { name: "Tollgate, budgets on", ...via(port, keyOn), valkeyPrefix: "bench:" },
    ];

    // The code before budgets: its server migrates its own database at start; the same rows go in after.
    if (baselineDir) {
      const beforeDb = `file:${path.join(dir, "before.db")}`;
      const beforePort = await freePort();
      const before = await startProcess(["--enable-source-maps", path.join(baselineDir, "dist/server.mjs")], appEnv(beforePort, { DATABASE_URL: beforeDb, VALKEY_PREFIX: "bench-before:" }), /Tollgate ready/);
      children.push(before.child);
      const keyBefore = generateKey();
      const db = createClient({ url: beforeDb });
      await db.batch(seedStatements(mockUrl, [{ id: USER_OFF, key: keyBefore, limit: null }], hashKey), "write");
      db.close();
      cases.push({ name: "before budgets", ...via(beforePort, keyBefore), valkeyPrefix: "bench-before:" });
    }

    const body = JSON.stringify({ model: "mock-gpt", messages: [{ role: "user", content: "Hello, benchmark" }], max_tokens: MAX_TOKENS });
    const modes: Mode[] = [
      { label: "one at a time", total: SEQUENTIAL, concurrency: 1 },
      { label: `concurrency ${CONCURRENCY}`, total: REQUESTS, concurrency: CONCURRENCY },
    ];

    // Each case answers as it should: budgets on carries the limits' headers, budgets off only Used.
    for (const c of cases.slice(1)) {
      const res = await fetch(c.url, { method: "POST", headers: c.headers, body });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${c.name}: HTTP ${res.status}`);
      const limit = res.headers.get("x-tollgate-budget-daily-limit");
      if ((c.name === "Tollgate, budgets on") !== (limit !== null)) throw new Error(`${c.name}: x-tollgate-budget-daily-limit is ${limit}`);
    }
    // Warm-up: JIT, connection pools, caches, the budget counters (built from the ledger at first use).
    for (const c of cases) {
      await load(c.url, c.headers, body, 300, CONCURRENCY);
      await load(c.url, c.headers, body, 100, 1);
    }

    console.log(`\n## budgets: non-streaming chat completions (max_tokens ${MAX_TOKENS}), ${SEQUENTIAL} one at a time and ${REQUESTS} at concurrency ${CONCURRENCY} per case and round, ${ROUNDS} rounds`);
    console.log(
      `node ${process.version}, ${os.cpus().length} CPU(s); valkey-server, the mock upstream, Tollgate${baselineDir ? ", Tollgate before budgets" : ""} and this load generator in separate processes; ` +
        `budgets on = daily, monthly and total limits of ${LIMIT.toExponential()} tokens`,
    );

    // The rounds.
    const results = new Map<string, Measured>();
    const at = (mode: Mode, c: Case) => {
      const k = `${mode.label}|${c.name}`;
      if (!results.has(k)) results.set(k, { latencies: [], rps: [], errors: 0, calls: 0, commands: new Map() });
      return results.get(k)!;
    };
    for (let r = 0; r < ROUNDS; r++) {
      const order = [...cases.slice(r % cases.length), ...cases.slice(0, r % cases.length)];
      for (const mode of modes)
        for (const c of order) {
          const s0 = await commandStats(stats);
          const l: Load = await load(c.url, c.headers, body, mode.total, mode.concurrency);
          const s1 = await commandStats(stats);
          const m = at(mode, c);
          m.latencies.push(...l.latencies);
          m.rps.push(l.rps);
          m.errors += l.errors;
          m.calls += mode.total;
          for (const [cmd, n] of s1) m.commands.set(cmd, (m.commands.get(cmd) ?? 0) + n - (s0.get(cmd) ?? 0));
        }
    }

    const rows: string[][] = [];
    const aims: string[] = [];
    for (const mode of modes) {
      const fig = (c: Case) => {
        const m = at(mode, c);
        const sorted = [...m.latencies].sort((a, b) => a - b);
        return { rps: median(m.rps), p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), errors: m.errors };
      };
      const [direct, off, on, before] = cases.map(fig);
      for (const [i, f] of [direct, off, on, before].entries()) if (f) rows.push([mode.label, cases[i].name, f.rps.toFixed(0), ms(f.p50), ms(f.p99), String(f.errors)]);
      const added = (label: string, a: typeof direct, b: typeof direct, rps = "") => rows.push([mode.label, label, rps, delta(a.p50 - b.p50), delta(a.p99 - b.p99), ""]);
      const ratio = (a: typeof direct, b: typeof direct) => `${((a.rps / b.rps) * 100).toFixed(0)} %`;
      if (before) added("added by Tollgate (before budgets)", before, direct);
      added("added by Tollgate (off)", off, direct);
      added("added by Tollgate (on)", on, direct);
      added("budgets add (on − off); req/s on/off", on, off, ratio(on, off));
      if (before) {
        added("budgets add (off − before); req/s off/before", off, before, ratio(off, before));
        added("budgets add (on − before); req/s on/before", on, before, ratio(on, before));
      }
      const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
      const d = on.p50 - off.p50;
      aims.push(`${mode.label}: on − off p50 ${delta(d)} ms (${verdict(d <= AIM_P50_MS)}), req/s on/off ${ratio(on, off)} (${verdict(on.rps / off.rps >= AIM_RATIO)})`);
      if (before) {
        const db = on.p50 - before.p50;
        aims.push(`${mode.label}: on − before p50 ${delta(db)} ms (${verdict(db <= AIM_P50_MS)}), req/s on/before ${ratio(on, before)} (${verdict(on.rps / before.rps >= AIM_RATIO)})`);
      }
    }
    console.log(
      `\nLatency percentiles over the pooled calls of all rounds; req/s the median of the rounds' (ms):\n\n` +
        table(["load", "case", "req/s", "p50 ms", "p99 ms", "errors"], rows, [0, 1]),
    );
    console.log(`\nAim (issue 9: budgets add ≤ ${AIM_P50_MS} ms p50, throughput with budgets ≥ ${AIM_RATIO * 100} % of without):\n${aims.map((a) => `- ${a}`).join("\n")}`);

    // Round trips: a short sample under MONITOR, sequential, which tells the app's own commands from
    // those its scripts ran. Budget scripts are named by their SHA-1.
    const { ADMIT, SETTLE, RENEW, INSTALL } = await import("@/lib/budgets/valkey-scripts");
    const scripts = new Map(Object.entries({ admit: ADMIT, settle: SETTLE, renew: RENEW, install: INSTALL }).map(([n, lua]) => [createHash("sha1").update(lua).digest("hex"), n]));
    const monitorClient = quiet(new Redis(valkeyUrl));
    const monitor = await monitorClient.monitor();
    let seen: { args: string[]; source: string }[] = [];
    monitor.on("monitor", (_time: string, args: string[], source: string) => seen.push({ args, source }));
    const sampled = new Map<string, { sent: Map<string, number>; inScripts: number }>();
    for (const c of cases.slice(1)) {
      await new Promise((r) => setTimeout(r, 100));
      seen = [];
      await load(c.url, c.headers, body, MONITORED, 1);
      await new Promise((r) => setTimeout(r, 100));
      const sent = new Map<string, number>();
      let inScripts = 0;
      for (const { args, source } of seen) {
        if (!args.some((a) => a.startsWith(c.valkeyPrefix!))) continue; // another server's, or ours
        if (source === "lua") {
          inScripts++;
          continue;
        }
        const cmd = args[0].toLowerCase();
        const name = cmd === "evalsha" || cmd === "eval" ? `${cmd} ${scripts.get(args[1]) ?? args[3]?.slice(c.valkeyPrefix!.length).split(":")[0] ?? "?"}` : cmd;
        sent.set(name, (sent.get(name) ?? 0) + 1);
      }
      sampled.set(c.name, { sent, inScripts });
    }
    monitorClient.disconnect();

    const trips: string[][] = [];
    for (const c of cases.slice(1)) {
      const s = sampled.get(c.name)!;
      const total = [...s.sent.values()].reduce((a, b) => a + b, 0);
      trips.push([
        c.name,
        perCall(total, MONITORED),
        [...s.sent].sort((a, b) => b[1] - a[1]).map(([n, k]) => `${n} ${perCall(k, MONITORED)}`).join(", "),
        perCall(s.inScripts, MONITORED),
      ]);
    }
    console.log(
      `\nValkey round trips per call (${MONITORED} calls per case one at a time under MONITOR; evalsha named by script, or by the key it touches):\n\n` +
        table(["case", "round trips / call", "commands sent / call", "commands run inside scripts / call"], trips, [0, 2]),
    );
    const cmdRows: string[][] = [];
    for (const mode of modes)
      for (const c of cases.slice(1)) {
        const m = at(mode, c);
        const all = [...m.commands].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
        const total = all.reduce((a, [, n]) => a + n, 0);
        cmdRows.push([mode.label, c.name, perCall(total, m.calls), all.map(([n, k]) => `${n} ${perCall(k, m.calls)}`).join(", ")]);
      }
    console.log(
      `\nValkey commands per call over the timed phases (INFO commandstats, commands run inside scripts included; at concurrency the lease renewals of calls in flight too):\n\n` +
        table(["load", "case", "commands / call", "by command"], cmdRows, [0, 1, 3]),
    );
    const [ledgerRow] = (await getClient().execute("SELECT count(*) AS n, coalesce(sum(over_cap), 0) AS over, coalesce(sum(estimated), 0) AS est FROM usage_events")).rows;
    console.log(
      `\nusage_events rows written by Tollgate (this code's server, warm-up included): ${ledgerRow.n}; ` +
        `marked over_cap (the upstream reported more output than the cap it was sent): ${ledgerRow.over}; estimated: ${ledgerRow.est}`,
    );

    // The servers stop here: admission alone runs in this process, on the same database and Valkey.
    for (const c of children.splice(2)) {
      stop(c);
      await new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(undefined) : c.once("exit", r)));
    }

    // Admission alone: admit(), then settle() (which writes the ledger row), as the gateway asks them.
    const { budgetStore, closeBudgetStore, budgetWindows } = await import("@/lib/budgets");
    const { keyCallerOf } = await import("@/lib/callers");
    const { routingEndpoints } = await import("@/lib/endpoints");
    const { resolveModel } = await import("@/lib/gateway/routing");
    const { permitOf } = await import("@/lib/permissions/rules");
    const { budgetAsk } = await import("@/lib/gateway/budget");
    const { cache, closeCache } = await import("@/lib/cache");
    const { shared } = await import("@/lib/shared");
    const { MemoryCache } = await import("@/lib/cache/memory");
    const { config } = await import("@/lib/config");
    const { usageInsert } = await import("@/lib/usage");
    await (cache() as { ready?: () => Promise<void> }).ready?.();
    const parsed = JSON.parse(body);
    const askOf = async (key: string) => {
      const { auth, resourcesVersion } = await keyCallerOf(hashKey(key));
      if (!auth.found) throw new Error("bench key not found");
      const target = resolveModel(await routingEndpoints(resourcesVersion), "mock-gpt", "openai", permitOf(auth));
      return { auth, target };
    };
    const callers = { on: await askOf(keyOn), off: await askOf(keyOff) };
    const rowOf = (requestId: string, auth: { userId: string; keyId: string }) => ({
      requestId,
      userId: auth.userId,
      keyId: auth.keyId,
      endpoint: "mock",
      model: "mock-gpt",
      inputTokens: 12,
      outputTokens: 20,
      costEur: 0.000052,
      status: "ok",
      latencyMs: 1,
      createdAt: new Date().toISOString(),
    });
    const pct = (t: number[]) => {
      t.sort((a, b) => a - b);
      return [percentile(t, 0.5).toFixed(0), percentile(t, 0.99).toFixed(0)];
    };
    const admissionRows: string[][] = [];
    for (const kind of ["valkey", "sqlite"] as const) {
      if (kind === "sqlite") {
        await closeBudgetStore();
        await closeCache();
        shared("cache", () => new MemoryCache());
      }
      const store = budgetStore();
      if (store.kind !== kind) throw new Error(`expected the ${kind} store, got ${store.kind}`);
      await store.start();
      for (const who of ["on", "off"] as const) {
        const { auth, target } = callers[who];
        const once = async () => {
          const requestId = randomUUID();
          const ask = budgetAsk({ requestId, userId: auth.userId, terms: auth, windows: budgetWindows(auth, new Date()), style: "openai" }, target, parsed, config().budgetAllowances);
          const t0 = performance.now();
          const admission = await store.admit(ask);
          const t1 = performance.now();
          if (!admission.ok) throw new Error(`admission refused: ${JSON.stringify(admission)}`);
          const row = rowOf(requestId, auth);
          await store.settle(row, { windows: budgetWindows(auth, new Date(row.createdAt)) });
          return [(t1 - t0) * 1000, (performance.now() - t0) * 1000];
        };
        for (let i = 0; i < 200; i++) await once();
        const admitOnly: number[] = [];
        const both: number[] = [];
        for (let i = 0; i < ADMISSIONS; i++) {
          const [a, b] = await once();
          admitOnly.push(a);
          both.push(b);
        }
        admissionRows.push([kind, who === "on" ? "limits set (reserves)" : "no limits (reads)", ...pct(admitOnly), ...pct(both)]);
      }
    }
    // What a call's finish wrote before budgets: the ledger row alone.
    const ledger: number[] = [];
    for (let i = 0; i < ADMISSIONS; i++) {
      const statement = usageInsert(rowOf(randomUUID(), callers.off.auth));
      const t = performance.now();
      await getClient().execute(statement);
      ledger.push((performance.now() - t) * 1000);
    }
    admissionRows.push(["(none)", "the ledger row alone (what finish wrote before budgets)", "", "", ...pct(ledger)]);
    console.log(
      `\nAdmission alone, in this process (${ADMISSIONS} calls per case one after the other; settle includes writing the ledger row), µs:\n\n` +
        table(["store", "user", "admit p50", "admit p99", "admit + settle p50", "admit + settle p99"], admissionRows, [0, 1]),
    );
    await closeBudgetStore();
    await closeCache();
    closeDb();
  } finally {
    for (const c of clients) c.disconnect();
    for (const c of children.reverse()) stop(c);
    rmSync(dir, { recursive: true, force: true });
  }
}

runWhenMain(import.meta.url, run);
