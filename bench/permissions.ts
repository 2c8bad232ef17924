// The permissions whitelist's cost on a call (issue 11): the same non-streaming chat completion through
// the built server with valkey-server, once with an admin's key (no grants needed, none checked) and
// once with a user's key whose cached record carries 60 grants (the one that allows the call last), in
// rounds that alternate the two, one at a time and at concurrency 16, in the same run. Also, in this
// process, resolve + permit alone (lib/gateway/routing resolveModel) for both callers, µs.
// Run through `npm run bench`, or alone: `tsx --conditions=react-server bench/permissions.ts`.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBuilt, freePort, load, startProcess, stop, type Load } from "./gateway";
import { ms, percentile, runWhenMain, table } from "./stats";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ROUNDS = 4;
const SEQUENTIAL = 300;
const CONCURRENT = 1000;
const CONCURRENCY = 16;
const OTHER_MODELS = 40;
const OTHER_ENDPOINTS = 10;

export async function run() {
  ensureBuilt();
  if (spawnSync("sh", ["-c", "command -v valkey-server"]).status !== 0) throw new Error("bench/permissions needs valkey-server");
  const dir = mkdtempSync(path.join(os.tmpdir(), "tollgate-bench-perm-"));
  const children: ChildProcess[] = [];
  try {
    const vPort = await freePort();
    children.push(spawn("valkey-server", ["--port", String(vPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore", detached: true }));
    await new Promise((r) => setTimeout(r, 300));
    const tsx = [path.join(root, "node_modules/tsx/dist/cli.mjs"), "--conditions=react-server"];
    const { child: mockChild, match } = await startProcess([...tsx, "bench/mock-server.ts"], process.env, /listening (http:\/\/\S+)/);
    children.push(mockChild);
    const mockUrl = match[1];

    process.env.DATABASE_URL = `file:${path.join(dir, "bench.db")}`;
    process.env.VALKEY_URL = `redis://127.0.0.1:${vPort}`;
    process.env.VALKEY_PREFIX = "bench:";
    const { runMigrations } = await import("@/db/migrate");
    const { getClient, closeDb } = await import("@/db");
    const { generateKey, hashKey } = await import("@/lib/keys/format");
    await runMigrations();
    const keys = { admin: generateKey(), user: generateKey() };
    const models = ["mock-gpt", ...Array.from({ length: OTHER_MODELS }, (_, i) => `other-${i}`)];
    // 60 grants: other endpoints' models and wildcards first, the one that allows the call last.
    const grants = [
      ...Array.from({ length: OTHER_ENDPOINTS }, (_, e) => `*@ep-${e}`),
      ...models.slice(1).map((m, i) => `${m}@ep-${i % OTHER_ENDPOINTS}`),
      ...Array.from({ length: 9 }, (_, i) => `other-${i}@mock`),
      "mock-gpt@mock",
    ];
    await getClient().batch([
      "INSERT INTO users (id, username, email, role, created_at, updated_at) VALUES ('a0000000000000000000000000000001', 'bench-admin', 'a@example.test', 'admin', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
      "INSERT INTO users (id, username, email, role, created_at, updated_at) VALUES ('b0000000000000000000000000000001', 'bench-user', 'b@example.test', 'user', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
      { sql: "INSERT INTO api_keys (id, user_id, label, prefix, key_hash) VALUES ('ka', 'a0000000000000000000000000000001', 'bench', ?, ?)", args: [keys.admin.slice(0, 16), hashKey(keys.admin)] },
      { sql: "INSERT INTO api_keys (id, user_id, label, prefix, key_hash) VALUES ('kb', 'b0000000000000000000000000000001', 'bench', ?, ?)", args: [keys.user.slice(0, 16), hashKey(keys.user)] },
      { sql: "INSERT INTO model_endpoints (id, name, base_url, api_style, models) VALUES ('e', 'mock', ?, 'openai', ?)", args: [`${mockUrl}/v1`, JSON.stringify(models)] },
      ...Array.from({ length: OTHER_ENDPOINTS }, (_, e) => ({
        sql: "INSERT INTO model_endpoints (id, name, base_url, api_style, models) VALUES (?, ?, ?, 'openai', ?)",
        args: [`e${e}`, `ep-${e}`, `${mockUrl}/v1`, JSON.stringify(models.slice(1))],
      })),
      ...grants.map((g) => ({ sql: "INSERT INTO permissions (user_id, resource_type, resource_id) VALUES ('b0000000000000000000000000000001', 'model_endpoint', ?)", args: [g] })),
    ]);

    console.log(`\n## permissions: the same call with an admin's key (no grants checked) and with a user's key carrying ${grants.length} grants`);
    console.log(`node ${process.version}, ${os.cpus().length} CPU(s); valkey-server, the mock upstream, Tollgate and this load generator on the same machine`);
    const port = await freePort();
    const appEnv: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), NODE_ENV: "production", ADMIN_PASSWORD: "changeme-bench", NEXTAUTH_SECRET: "bench-secret" };
    const { child: app } = await startProcess(["--enable-source-maps", "dist/server.mjs"], appEnv, /Tollgate ready/);
    children.push(app);
    const url = `http://127.0.0.1:${port}/v1/chat/completions`;
    const body = JSON.stringify({ model: "mock-gpt", messages: [{ role: "user", content: "Hello, benchmark" }] });
    const headers = (key: string) => ({ "content-type": "application/json", authorization: `Bearer ${key}` });
    for (const key of Object.values(keys)) await load(url, headers(key), body, 300, CONCURRENCY); // warm-up

    const pooled: Record<string, Record<"admin" | "user", Load[]>> = { "one at a time": { admin: [], user: [] }, [`concurrency ${CONCURRENCY}`]: { admin: [], user: [] } };
    for (let round = 0; round < ROUNDS; round++) {
      // The order alternates, so that neither caller always runs on a warmer machine.
      const order = round % 2 === 0 ? (["admin", "user"] as const) : (["user", "admin"] as const);
      for (const who of order) {
        pooled["one at a time"][who].push(await load(url, headers(keys[who]), body, SEQUENTIAL, 1));
        pooled[`concurrency ${CONCURRENCY}`][who].push(await load(url, headers(keys[who]), body, CONCURRENT, CONCURRENCY));
      }
    }
    const rows: string[][] = [];
    for (const [label, byWho] of Object.entries(pooled)) {
      const stats = (loads: Load[]) => {
        const all = loads.flatMap((l) => l.latencies).sort((a, b) => a - b);
        const rps = loads.map((l) => l.rps).sort((a, b) => a - b)[Math.floor(loads.length / 2)];
        return { p50: percentile(all, 0.5), p99: percentile(all, 0.99), rps, errors: loads.reduce((n, l) => n + l.errors, 0), calls: all.length };
      };
      const [adm, usr] = [stats(byWho.admin), stats(byWho.user)];
      rows.push(
        [label, "admin (no grants checked)", String(adm.calls), adm.rps.toFixed(0), ms(adm.p50), ms(adm.p99), String(adm.errors)],
        [label, `user with ${grants.length} grants`, String(usr.calls), usr.rps.toFixed(0), ms(usr.p50), ms(usr.p99), String(usr.errors)],
        [label, "difference (user − admin)", "", "", ms(usr.p50 - adm.p50), ms(usr.p99 - adm.p99), ""],
      );
    }
    console.log(`\n${ROUNDS} rounds, pooled (req/s: the median round):\n\n${table(["load", "caller", "calls", "req/s", "p50 ms", "p99 ms", "errors"], rows, [0, 1])}`);

    // resolve + permit alone, in this process (the routing table as the gateway holds it).
    const { resolveModel } = await import("@/lib/gateway/routing");
    const { noGrants } = await import("@/lib/permissions/rules");
    const { routingEndpoints } = await import("@/lib/endpoints");
    const endpoints = await routingEndpoints(undefined);
    const time = (fn: () => unknown) => {
      for (let i = 0; i < 2000; i++) fn();
      const t: number[] = [];
      for (let i = 0; i < 20000; i++) {
        const s = performance.now();
        fn();
        t.push((performance.now() - s) * 1000);
      }
      t.sort((a, b) => a - b);
      return [percentile(t, 0.5).toFixed(2), percentile(t, 0.99).toFixed(2)];
    };
    const userPermit = { admin: false as const, grants: { ...noGrants(), model_endpoint: grants } };
    const resolveRows = [
      ["admin", ...time(() => resolveModel(endpoints, "mock-gpt", "openai", { admin: true }))],
      [`user with ${grants.length} grants`, ...time(() => resolveModel(endpoints, "mock-gpt", "openai", userPermit))],
    ];
    console.log(`\nresolve + permit alone (resolveModel over ${endpoints.length} endpoints, 20,000 runs), µs:\n\n${table(["caller", "p50 µs", "p99 µs"], resolveRows)}`);
    const { closeCache } = await import("@/lib/cache");
    await closeCache();
    closeDb();
  } finally {
    for (const c of children.reverse()) stop(c);
    rmSync(dir, { recursive: true, force: true });
  }
}

runWhenMain(import.meta.url, run);
