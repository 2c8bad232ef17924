import "server-only";
import bcrypt from "bcryptjs";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import { config } from "@/lib/config";
import { shared } from "@/lib/shared";

// bcrypt costs ~250 ms of CPU at cost 12. On the event loop that also serves the gateway, a handful of
// sign-ins stall every gateway call for seconds, so hashes and comparisons run in worker threads. One
// pool per process: both copies of lib/ (the server bundle and Next's, see lib/shared.ts) get this one.

/** One thread fewer than the cores, so that a core is always left for the event loop. */
export const HASH_THREADS = Math.max(1, availableParallelism() - 1);

/**
 * Sign-ins admitted at once: one hashing per thread and 4 waiting per thread, so that an admitted
 * sign-in waits for at most ~4 comparisons (about 1 s at cost 12, whatever the core count). Past that a
 * sign-in is refused at once with 503 (lib/auth/sign-in-admission.ts) rather than queued without end.
 */
export const SIGN_IN_SLOTS = HASH_THREADS * (1 + 4);

// The worker threads run below the event loop's priority, so that on a busy machine the gateway gets
// the CPU first and sign-ins take longer (best effort: piscina applies it through @napi-rs/nice).
const WORKER_NICENESS = 10;

const WORKER_FILE = "lib/users/hash-worker.cjs";

/**
 * The worker file, by absolute path, found by walking up from this module's own URL to the folder that
 * holds it: lib/users itself from source (`npm run dev`, vitest), dist/ in the built server (esbuild
 * leaves import.meta.url as dist/server.mjs), and lib/users again in Next's bundles (Turbopack gives
 * each module the URL of its source file, under the project root as found at run time). The working
 * directory is the fallback.
 */
function workerFile(): string {
  const starts = [process.cwd()];
  if (import.meta.url.startsWith("file:")) starts.unshift(path.dirname(fileURLToPath(import.meta.url)));
  for (const start of starts) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      const file = path.join(dir, WORKER_FILE);
      if (existsSync(file)) return file;
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new Error(`${WORKER_FILE} not found above ${starts.join(" or ")}`);
}

export type HashPool = { pool: Piscina; signIns: number };

/** The process's pool, started on first use. */
export function hashPool(): HashPool {
  return shared("hash-pool", () => {
    const pool = new Piscina({
      filename: workerFile(),
      minThreads: HASH_THREADS,
      maxThreads: HASH_THREADS,
      idleTimeout: Infinity,
      niceIncrement: WORKER_NICENESS,
    });
    // A thread that dies outside a task is replaced by piscina; without a listener the event would end the process.
    pool.on("error", (e) => console.error("[hash-pool]", e));
    return { pool, signIns: 0 };
  });
}

// PASSWORD_HASHING=inline: bcrypt on the event loop as before the pool, for the benchmark's baseline only.
const inline = () => config().passwordHashing === "inline";

export function bcryptHash(password: string, cost: number): Promise<string> {
  if (inline()) return bcrypt.hash(password, cost);
  return hashPool().pool.run({ password, cost }, { name: "hash" });
}

export function bcryptCompare(password: string, hash: string): Promise<boolean> {
  if (inline()) return bcrypt.compare(password, hash);
  return hashPool().pool.run({ password, hash }, { name: "compare" });
}

/** True while every sign-in slot is taken (a look only: reserveSignIn() is what takes one). */
export function signInSlotsFull(): boolean {
  return !inline() && hashPool().signIns >= SIGN_IN_SLOTS;
}

/**
 * A slot for one sign-in attempt, or null at once when all SIGN_IN_SLOTS are taken. Call the returned
 * function when the attempt has ended. Only sign-ins are counted: the hashing of admin actions and of a
 * user's own password change (behind a session, and few) waits in the pool's queue instead, behind at
 * most SIGN_IN_SLOTS sign-ins, so that a flood of anonymous sign-ins can delay them but not refuse them.
 */
export function reserveSignIn(): (() => void) | null {
  if (inline()) return () => {}; // the code before the pool had no bound
  if (signInSlotsFull()) return null;
  const state = hashPool();
  state.signIns++;
  let released = false;
  return () => {
    if (!released) state.signIns--;
    released = true;
  };
}
