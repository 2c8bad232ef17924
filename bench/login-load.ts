// Sign-ins against the gateway: Tollgate's added latency one call at a time, with and without 16
// clients signing in with wrong passwords without pause (bench/login-flood.ts, a process of its own),
// on the built server with bcrypt at cost 12. Run once with the password hashing pool and once with
// PASSWORD_HASHING=inline (bcrypt on the event loop, as before the pool: the baseline), in one run.
// With the pool the load runs twice: as it is, and with the clients' process at nice 19, standing in
// for clients on other machines (here they share the server's two cores). Also prints what the
// sign-ins got (compared, refused, limited) and where the CPU went in each phase.
// Run through `npm run bench`, or alone: `tsx --conditions=react-server bench/login-load.ts`.
import bcrypt from "bcryptjs";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBuilt, freePort, startProcess, stop } from "./gateway";
import type { FloodOutcome } from "./login-flood";
import { ms, percentile, runWhenMain, table } from "./stats";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CALLS = 300;
const LOADED_CAP_MS = 30_000; // bcrypt on the event loop makes each call wait seconds: stop counting after this
const FLOOD = 16;
const COST = 12;
const KNOWN = 200; // known users taken in turn, so that none reaches the per-username limit (10)

type Timed = { n: number; p50: number; p99: number; errors: number };

// CPU time from /proc (Linux; blank elsewhere), in clock ticks of 1/100 s: where the two cores went
// during a phase, to tell the sign-ins' cost to Tollgate from the load generators' and other users'.
const TICKS_PER_S = 100;
const procTicks = (file: string) => {
  const stat = readFileSync(file, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(f[11]) + Number(f[12]); // utime + stime
};
type Cpu = { at: number; loop: number; app: number; flood: number; machine: number };
function cpu(appPid: number, floodPid?: number): Cpu | undefined {
  try {
    const [, ...all] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).map(Number);
    return {
      at: performance.now(),
      loop: procTicks(`/proc/${appPid}/task/${appPid}/stat`), // the main thread: the event loop
      app: procTicks(`/proc/${appPid}/stat`), // every thread, those that ended included
      flood: floodPid ? procTicks(`/proc/${floodPid}/stat`) : 0,
      machine: all.reduce((a, b) => a + b, 0) - all[3] - all[4], // all but idle and iowait
    };
  } catch {
    return undefined;
  }
}
/** Percent of one core per column over the phase from `a` to `b`. */
function cpuRow(a?: Cpu, b?: Cpu): string[] {
  if (!a || !b) return ["", "", "", ""];
  const pct = (ticks: number) => `${((ticks / TICKS_PER_S / ((b.at - a.at) / 1000)) * 100).toFixed(0)} %`;
  return [pct(b.loop - a.loop), pct(b.app - b.loop - (a.app - a.loop)), pct(b.flood - a.flood), pct(b.machine - a.machine)];
}

/** Non-streaming chat completions one at a time, `max` of them or until `capMs` has passed. */
async function sequential(url: string, headers: Record<string, string>, body: string, max: number, capMs = Infinity): Promise<Timed> {
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + capMs;
  while (latencies.length < max && performance.now() < until) {
    const t = performance.now();
    const res = await fetch(url, { method: "POST", headers, body });
    await res.arrayBuffer();
    if (!res.ok) errors++;
    latencies.push(performance.now() - t);
  }
  latencies.sort((a, b) => a - b);
  return { n: latencies.length, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), errors };
}

/**
 * The sign-in clients' process. `niceness` > 0 starts it under `nice`: on this machine the clients take
 * CPU that an attacker elsewhere would not take from the server, and a niced process stands in for them.
 */
function startFlood(url: string, niceness = 0): Promise<{ child: ChildProcess; stop: () => Promise<FloodOutcome> }> {
  const node = [process.execPath, "--import", "tsx", "--conditions=react-server", path.join(root, "bench/login-flood.ts"), url, String(FLOOD), "known-", String(KNOWN)];
  const [command, ...args] = niceness > 0 ? ["nice", "-n", String(niceness), ...node] : node;
  const child = spawn(command, args, { cwd: root, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("message", () =>
      resolve({
        child,
        stop: () =>
          new Promise((done) => {
            child.once("message", (m) => done(m as FloodOutcome));
            child.send("stop");
          }),
      }),
    );
  });
}

export async function run() {
  ensureBuilt();
  const dir = mkdtempSync(path.join(os.tmpdir(), "tollgate-bench-login-"));
  const children: ChildProcess[] = [];
  try {
    const tsx = [path.join(root, "node_modules/tsx/dist/cli.mjs"), "--conditions=react-server"];
    const { child: mockChild, match } = await startProcess([...tsx, "bench/mock-server.ts"], process.env, /listening (http:\/\/\S+)/);
    children.push(mockChild);
    const mockUrl = match[1];

    // The database: one user with a key, an endpoint pointing at the mock, and KNOWN users sharing one
    // password hash at the deployed cost (made here, once).
    process.env.DATABASE_URL = `file:${path.join(dir, "bench.db")}`;
    delete process.env.VALKEY_URL;
    const { runMigrations } = await import("@/db/migrate");
    const { getClient, closeDb } = await import("@/db");
    const { generateKey, hashKey } = await import("@/lib/keys/format");
    await runMigrations();
    const key = generateKey();
    const hash = bcrypt.hashSync("the-right-password", COST);
    const at = "2026-01-01T00:00:00Z";
    await getClient().batch([
      { sql: "INSERT INTO users (id, username, email, created_at, updated_at) VALUES ('b0000000000000000000000000000001', 'bench', 'bench@example.test', ?, ?)", args: [at, at] },
      { sql: "INSERT INTO api_keys (id, user_id, label, prefix, key_hash) VALUES ('k0000000000000000000000000000001', 'b0000000000000000000000000000001', 'bench', ?, ?)", args: [key.slice(0, 16), hashKey(key)] },
      { sql: "INSERT INTO permissions (user_id, resource_type, resource_id) VALUES ('b0000000000000000000000000000001', 'model_endpoint', '*')", args: [] },
      { sql: "INSERT INTO model_endpoints (id, name, base_url, api_style, models, eur_per_m_input, eur_per_m_output) VALUES ('e', 'mock', ?, 'openai', '[\"mock-gpt\"]', 1, 2)", args: [`${mockUrl}/v1`] },
      ...Array.from({ length: KNOWN }, (_, i) => ({
        sql: "INSERT INTO users (id, username, email, hashed_password, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        args: [`c${String(i).padStart(31, "0")}`, `known-${i}`, `known-${i}@example.test`, hash, at, at],
      })),
    ]);
    closeDb();

    const body = JSON.stringify({ model: "mock-gpt", messages: [{ role: "user", content: "Hello, benchmark" }] });
    console.log(`\n## sign-ins under load: gateway calls one at a time, with and without ${FLOOD} clients signing in with wrong passwords without pause`);
    console.log(`node ${process.version}, ${os.cpus().length} CPU(s), bcrypt cost ${COST}, in-process cache; the mock upstream, Tollgate, the sign-in clients and this process are four processes`);

    const rows: string[][] = [];
    const floods: string[][] = [];
    const cpus: string[][] = [];
    for (const mode of ["pool", "inline"] as const) {
      const label = mode === "pool" ? "worker pool" : "inline (before)";
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const appEnv: NodeJS.ProcessEnv = {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        NODE_ENV: "production",
        BCRYPT_COST: String(COST),
        PASSWORD_HASHING: mode,
        // Each attempt speaks from its own x-forwarded-for (one trusted hop), so that no sign-in limit
        // cuts the bcrypt work short.
        TRUST_PROXY: "1",
        ADMIN_PASSWORD: "changeme-bench",
        NEXTAUTH_SECRET: "bench-secret",
      };
      const { child: app } = await startProcess(["--enable-source-maps", "dist/server.mjs"], appEnv, /Tollgate ready/);
      const gateway = { url: `${url}/v1/chat/completions`, headers: { "content-type": "application/json", authorization: `Bearer ${key}` } };
      // Warm-up: JIT, connections, the key's record, the pool's threads and the dummy hash of unknown users.
      await sequential(gateway.url, gateway.headers, body, CALLS);
      const { signInAttempt } = await import("../tests/support/http");
      await signInAttempt(url, "warm-up-unknown", "wrong-password");

      const q0 = cpu(app.pid!);
      const quiet = await sequential(gateway.url, gateway.headers, body, CALLS);
      const q1 = cpu(app.pid!);
      // With the pool, a second loaded phase with the clients' process niced (see startFlood).
      const loads: { niceness: number; timed: Timed; outcome: FloodOutcome; cpu: string[] }[] = [];
      for (const niceness of mode === "pool" ? [0, 19] : [0]) {
        const flood = await startFlood(url, niceness);
        await new Promise((r) => setTimeout(r, 1000)); // the clients have their csrf tokens and the queue is full
        const l0 = cpu(app.pid!, flood.child.pid);
        const timed = await sequential(gateway.url, gateway.headers, body, CALLS, LOADED_CAP_MS);
        const l1 = cpu(app.pid!, flood.child.pid);
        loads.push({ niceness, timed, outcome: await flood.stop(), cpu: cpuRow(l0, l1) });
      }
      stop(app);
      await new Promise((r) => app.once("exit", r));

      rows.push([label, "none", String(quiet.n), ms(quiet.p50), ms(quiet.p99), String(quiet.errors)]);
      cpus.push([label, "none", ...cpuRow(q0, q1)]);
      for (const { niceness, timed, outcome, cpu: cpuUse } of loads) {
        const load = `${FLOOD} clients${niceness ? `, at nice ${niceness}` : ""}`;
        rows.push(
          [label, load, String(timed.n), ms(timed.p50), ms(timed.p99), String(timed.errors)],
          [label, `ratio: ${load} / none`, "", `${(timed.p50 / quiet.p50).toFixed(1)}×`, `${(timed.p99 / quiet.p99).toFixed(1)}×`, ""],
        );
        cpus.push([label, load, ...cpuUse]);
        const perSecond = (n: number) => (n / outcome.seconds).toFixed(1);
        floods.push([
          label,
          load,
          perSecond(outcome.attempts),
          perSecond(outcome.compared),
          perSecond(outcome.refused),
          String(outcome.limited),
          outcome.other ? `${outcome.other} (${outcome.otherSample})` : "0",
        ]);
      }
    }
    console.log("\n" + table(["password hashing", "bad sign-ins", "gateway calls", "p50 ms", "p99 ms", "errors"], rows, [0, 1]));
    console.log(
      "\nWhat the bad sign-ins got, while they ran:\n\n" +
        table(["password hashing", "bad sign-ins", "attempts/s", "compared (401)/s", "refused (503)/s", "stopped by a sign-in limit", "other"], floods, [0, 1]),
    );
    console.log(
      "\nCPU while the gateway calls were timed, % of one core (the machine has " + os.cpus().length + "; its total includes every other process on it):\n\n" +
        table(["password hashing", "bad sign-ins", "Tollgate's event loop", "Tollgate's other threads (bcrypt pool, GC, I/O)", "sign-in clients", "whole machine"], cpus, [0, 1]),
    );
  } finally {
    for (const c of children.reverse()) stop(c);
    rmSync(dir, { recursive: true, force: true });
  }
}

runWhenMain(import.meta.url, run);
