// Gateway overhead: the same load sent straight to the mock upstream and through Tollgate, in one run,
// each side in its own process (mock, Tollgate, and this load generator). Also the key check alone.
// Run through `npm run bench`, or alone: `tsx --conditions=react-server bench/gateway.ts`.
// Builds the app when no build is there; uses valkey-server when installed.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ms, percentile, runWhenMain, table } from "./stats";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const CONCURRENCY = 32;
const SEQUENTIAL = 300;

/** A load's throughput, percentiles (ms), failed calls, and every call's latency (ms, sorted). */
export type Load = { rps: number; p50: number; p99: number; errors: number; latencies: number[] };

export function startProcess(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let out = "";
    const timer = setTimeout(() => reject(new Error(`did not start:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = out.match(ready);
      if (m) {
        clearTimeout(timer);
        resolve({ child, match: m });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
}

export const stop = (child?: ChildProcess) => {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, process.env.BENCH_PROFILE ? "SIGTERM" : "SIGKILL");
  } catch {
    /* already gone */
  }
};

/** `total` POSTs of `body` to `url`, `concurrency` at a time. */
export async function load(url: string, headers: Record<string, string>, body: string, total: number, concurrency: number): Promise<Load> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      next++;
      const t = performance.now();
      const res = await fetch(url, { method: "POST", headers, body });
      await res.arrayBuffer();
      if (!res.ok) errors++;
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { rps: total / elapsed, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), errors, latencies };
}

export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Builds the app when no build is there (the benchmarks time the built server). */
export function ensureBuilt() {
  if (existsSync(path.join(root, ".next/BUILD_ID")) && existsSync(path.join(root, "dist/server.mjs"))) return;
  console.log("building the app first (npm run build)…");
  spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
}

/** What a gateway benchmark runs against: valkey-server (when installed), the mock upstream, one user with one key. */
export type Stack = { dir: string; children: ChildProcess[]; valkeyUrl?: string; mockUrl: string; key: string };

/**
 * Starts valkey-server (when installed) and the mock upstream, and writes the database: one user
 * granted every model, one key, and the given endpoints (all pointing at the mock). The caller stops
 * `children` and removes `dir`.
 */
export async function startStack(endpoints: { name: string; apiStyle: "openai" | "anthropic"; model: string }[]): Promise<Stack> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tollgate-bench-gw-"));
  const children: ChildProcess[] = [];
  const tsx = [path.join(root, "node_modules/tsx/dist/cli.mjs"), "--conditions=react-server"];
  const haveValkey = spawnSync("sh", ["-c", "command -v valkey-server"]).status === 0;
  let valkeyUrl: string | undefined;
  if (haveValkey) {
    const port = await freePort();
    const v = spawn("valkey-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore", detached: true });
    children.push(v);
    valkeyUrl = `redis://127.0.0.1:${port}`;
    await new Promise((r) => setTimeout(r, 300));
  }
  const { child: mockChild, match } = await startProcess([...tsx, "bench/mock-server.ts"], process.env, /listening (http:\/\/\S+)/);
  children.push(mockChild);
  const mockUrl = match[1];

  process.env.DATABASE_URL = `file:${path.join(dir, "bench.db")}`;
  if (valkeyUrl) process.env.VALKEY_URL = valkeyUrl;
  process.env.VALKEY_PREFIX = "bench:";
  const { runMigrations } = await import("@/db/migrate");
  const { getClient } = await import("@/db");
  const { generateKey, hashKey } = await import("@/lib/keys/format");
  await runMigrations();
  const key = generateKey();
  await getClient().batch([
    { sql: "INSERT INTO users (id, username, email, created_at, updated_at) VALUES ('b0000000000000000000000000000001', 'bench', 'bench@example.test', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')", args: [] },
    { sql: "INSERT INTO api_keys (id, user_id, label, prefix, key_hash) VALUES ('k0000000000000000000000000000001', 'b0000000000000000000000000000001', 'bench', ?, ?)", args: [key.slice(0, 16), hashKey(key)] },
    { sql: "INSERT INTO permissions (user_id, resource_type, resource_id) VALUES ('b0000000000000000000000000000001', 'model_endpoint', '*')", args: [] },
    ...endpoints.map((e, i) => ({
      sql: "INSERT INTO model_endpoints (id, name, base_url, api_style, models, eur_per_m_input, eur_per_m_output) VALUES (?, ?, ?, ?, ?, 1, 2)",
      args: [`e${i}`, e.name, `${mockUrl}/v1`, e.apiStyle, JSON.stringify([e.model])],
    })),
  ]);
  return { dir, children, valkeyUrl, mockUrl, key };
}

/** Starts the built server on a free port against the stack's database (and Valkey unless `memory`). */
export async function startGateway(stack: Stack, memory = false): Promise<{ app: ChildProcess; url: string }> {
  const port = await freePort();
  const appEnv: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), NODE_ENV: "production", ADMIN_PASSWORD: "changeme-bench", NEXTAUTH_SECRET: "bench-secret" };
  if (memory) delete appEnv.VALKEY_URL;
  // BENCH_PROFILE=dir runs the server under --cpu-prof (profile written to dir when it stops).
  const profile = process.env.BENCH_PROFILE;
  const server = ["--enable-source-maps", "dist/server.mjs"];
  const { child: app } = await startProcess(profile ? ["--cpu-prof", `--cpu-prof-dir=${profile}`, ...server] : server, appEnv, /Tollgate ready/);
  return { app, url: `http://127.0.0.1:${port}` };
}

export async function run() {
  ensureBuilt();
  const stack = await startStack([{ name: "mock", apiStyle: "openai", model: "mock-gpt" }]);
  const { children, valkeyUrl, mockUrl, key } = stack;
  try {
    const { getClient, closeDb } = await import("@/db");
    const { hashKey } = await import("@/lib/keys/format");

    const body = JSON.stringify({ model: "mock-gpt", messages: [{ role: "user", content: "Hello, benchmark" }] });
    const direct = { url: `${mockUrl}/v1/chat/completions`, headers: { "content-type": "application/json", authorization: "Bearer upstream" } };
    console.log(`\n## gateway: ${REQUESTS} non-streaming chat completions at concurrency ${CONCURRENCY}, and ${SEQUENTIAL} one at a time`);
    console.log(`node ${process.version}, ${os.cpus().length} CPU(s); the mock upstream, Tollgate and this load generator in three processes`);

    // One Tollgate per cache configuration, each measured against the upstream alone in the same run.
    const rows: string[][] = [];
    for (const mode of valkeyUrl ? ["valkey-server", "in-process cache"] : ["in-process cache"]) {
      const { app, url } = await startGateway(stack, mode !== "valkey-server");
      const viaGateway = { url: `${url}/v1/chat/completions`, headers: { "content-type": "application/json", authorization: `Bearer ${key}` } };
      // Warm-up: JIT, connection pools, caches.
      await load(direct.url, direct.headers, body, 300, CONCURRENCY);
      await load(viaGateway.url, viaGateway.headers, body, 300, CONCURRENCY);
      for (const [label, n, c] of [[`concurrency ${CONCURRENCY}`, REQUESTS, CONCURRENCY], ["one at a time", SEQUENTIAL, 1]] as const) {
        const d = await load(direct.url, direct.headers, body, n, c);
        const g = await load(viaGateway.url, viaGateway.headers, body, n, c);
        rows.push(
          [`${label}: direct to upstream`, "", d.rps.toFixed(0), ms(d.p50), ms(d.p99), String(d.errors)],
          [`${label}: through Tollgate`, mode, g.rps.toFixed(0), ms(g.p50), ms(g.p99), String(g.errors)],
          [`${label}: added by Tollgate`, mode, "", ms(g.p50 - d.p50), ms(g.p99 - d.p99), ""],
        );
      }
      stop(app);
      await new Promise((r) => app.once("exit", r));
    }
    console.log("\n" + table(["load", "Tollgate's cache", "req/s", "p50 ms", "p99 ms", "errors"], rows, [0, 1]));
    const recorded = (await getClient().execute("SELECT count(*) AS n FROM usage_events")).rows[0].n;
    console.log(`usage_events rows written by Tollgate: ${recorded}`);

    // The key check alone, in this process: cached (one cache round trip) and uncached (SQLite + fill).
    const { keyCallerOf, evictCallers } = await import("@/lib/callers");
    const { cache, closeCache } = await import("@/lib/cache");
    const { shared } = await import("@/lib/shared");
    const { MemoryCache } = await import("@/lib/cache/memory");
    const hash = hashKey(key);
    const live = cache() as { ready?: () => Promise<void> };
    await live.ready?.(); // measure the connected cache, not the fallback while it connects
    const time = async (n: number, fn: () => Promise<unknown>) => {
      const t: number[] = [];
      for (let i = 0; i < n; i++) {
        const s = performance.now();
        await fn();
        t.push((performance.now() - s) * 1000);
      }
      t.sort((a, b) => a - b);
      return [percentile(t, 0.5).toFixed(0), percentile(t, 0.99).toFixed(0)];
    };
    const keyRows: string[][] = [];
    for (const kind of [valkeyUrl ? "valkey" : undefined, "memory"].filter(Boolean) as string[]) {
      if (kind === "memory") {
        await closeCache();
        shared("cache", () => new MemoryCache());
      }
      await keyCallerOf(hash);
      keyRows.push([`${kind}: cached`, ...(await time(5000, () => keyCallerOf(hash)))]);
      keyRows.push([`${kind}: uncached (evicted before each)`, ...(await time(2000, async () => {
        await evictCallers({ keyHash: hash });
        await keyCallerOf(hash);
      }))]);
    }
    console.log(`\nThe key check alone (lib/callers keyCallerOf: the key's record and the resources version), µs:\n\n${table(["cache", "p50 µs", "p99 µs"], keyRows)}`);
    closeDb();
  } finally {
    for (const c of children.reverse()) stop(c);
    rmSync(stack.dir, { recursive: true, force: true });
  }
}

runWhenMain(import.meta.url, run);
