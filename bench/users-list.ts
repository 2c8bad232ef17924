// The /users admin table at scale: listUsers (lib/users) against 100,000 seeded users, in a temporary
// database of its own, with a naive "load everything and page in JS" baseline measured in the same run.
// Run through `npm run bench` (bench/index.ts), or alone: `tsx --conditions=react-server bench/users-list.ts`.
// BENCH_USERS=5000 makes a quick smoke run (the page-500 and "user0999" cases then match nothing).
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ListQueryInput } from "@/lib/users/schemas";
import { benchDatabase, measure, ms, runWhenMain, table, type Stats } from "./stats";

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const WARMUP = 3;
const RUNS = 30;
// The baseline reads all 100k rows per call (~2-3 s each on a 2-core machine), so it gets fewer runs to keep
// the whole bench under 2 minutes; the untimed correctness check before each case is its warm-up.
const NAIVE_WARMUP = 0;
const NAIVE_RUNS = 5;
const SLOW_P50_MS = 20;

const TMP_PREFIX = "tollgate-bench-";

/**
 * Removes temp dirs left by earlier runs that were killed. Ctrl-C usually cannot clean up itself: the
 * SQLite calls block the event loop, so tsx's parent process escalates to SIGKILL after 30 ms.
 */
function sweepStaleDirs() {
  for (const name of readdirSync(os.tmpdir())) {
    if (!name.startsWith(TMP_PREFIX)) continue;
    const dir = path.join(os.tmpdir(), name);
    try {
      const pid = Number(readFileSync(path.join(dir, "pid"), "utf8"));
      try {
        process.kill(pid, 0);
        continue; // its bench is still running
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EPERM") continue;
      }
    } catch {
      if (Date.now() - statSync(dir).mtimeMs < 3600_000) continue; // no pid file yet: maybe just created
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run() {
  // Its own database: DATABASE_URL must be set before lib/config is first read, hence the dynamic imports.
  try {
    sweepStaleDirs();
  } catch {
    // best effort
  }
  const database = benchDatabase("users-list");
  const url = database.url;
  try {
    const db = await database.open();
    const { users } = await import("@/db/schema");
    const { runMigrations } = await import("@/db/migrate");
    const { seedUsers } = await import("@/scripts/seed");
    const { listUsers } = await import("@/lib/users");
    const { ListQuery } = await import("@/lib/users/schemas");

    console.log(`\n## users-list: listUsers over ${USERS.toLocaleString("en")} users`);
    console.log(`node ${process.version}, ${os.cpus().length} CPU(s), ${os.platform()}; database ${url}`);
    await runMigrations();
    const seeded = await seedUsers(USERS, "password123");
    console.log(`seeded ${seeded.inserted.toLocaleString("en")} users in ${(seeded.ms / 1000).toFixed(1)} s (scripts/seed.ts seedUsers)`);

    const cases: { key: string; label: string; query: Record<string, unknown> }[] = [
      { key: "a", label: "default view, page 1 (created desc)", query: {} },
      { key: "b", label: "page 500 (size 25)", query: { page: 500 } },
      { key: "c", label: 'search q="user0999"', query: { q: "user0999" } },
      { key: "d", label: 'search q="son" (display names)', query: { q: "son" } },
      { key: "e", label: "sort username asc, page 500", query: { sort: "username", dir: "asc", page: 500 } },
      { key: "f", label: "sort email desc, page 1", query: { sort: "email", dir: "desc" } },
      { key: "g", label: "role=expert + status=suspended", query: { role: "expert", status: "suspended" } },
      { key: "h", label: "sort status desc, page 1", query: { sort: "status" } },
      // Not in the original list; the same shape as (h), added because it shares its plan.
      { key: "i", label: "sort role desc, page 1", query: { sort: "role" } },
    ];

    const ours = new Map<string, Stats>();
    const rows: string[][] = [];
    const slow: string[] = [];
    for (const c of cases) {
      const q: ListQueryInput = ListQuery.parse(c.query);
      const { total } = await listUsers(q);
      const s = await measure(() => listUsers(q), WARMUP, RUNS);
      ours.set(c.key, s);
      if (s.p50 > SLOW_P50_MS) slow.push(`(${c.key}) ${c.label}: p50 ${ms(s.p50)} ms`);
      rows.push([`(${c.key}) ${c.label}`, total.toLocaleString("en"), ms(s.p50), ms(s.p95), ms(s.max), s.p50 > SLOW_P50_MS ? "SLOW" : ""]);
    }
    console.log(`\nlistUsers — ${WARMUP} warm-ups, ${RUNS} timed runs per case, ms:\n`);
    console.log(table(["case", "matches", "p50", "p95", "max", `>${SLOW_P50_MS}ms`], rows));

    // The baseline: SELECT * FROM users, then filter / sort / page in JS, as a first version might.
    const naive = async (q: ListQueryInput) => {
      const all = await db.getDb().select().from(users);
      const needle = q.q.toLowerCase();
      const hit = (v: string | null) => v !== null && v.toLowerCase().includes(needle);
      const filtered = all.filter(
        (u) =>
          (!needle || hit(u.username) || hit(u.email) || hit(u.displayName)) &&
          (!q.role || u.role === q.role) &&
          (!q.status || u.isActive === (q.status === "active" ? 1 : 0)),
      );
      const key = { created: "createdAt", username: "username", email: "email", role: "role", status: "isActive" } as const;
      const k = key[q.sort];
      const sign = q.dir === "asc" ? 1 : -1;
      filtered.sort((x, y) => {
        const a = x[k] ?? "";
        const b = y[k] ?? "";
        return sign * (a < b ? -1 : a > b ? 1 : x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
      });
      const page = filtered.slice((q.page - 1) * q.size, q.page * q.size);
      return { rows: page, total: filtered.length };
    };

    const baseRows: string[][] = [];
    for (const c of cases.filter((c) => ["a", "b", "c"].includes(c.key))) {
      const q = ListQuery.parse(c.query);
      // Same page, same order: the baseline must answer what listUsers answers.
      const [want, got] = [await listUsers(q), await naive(q)];
      const same = want.total === got.total && want.rows.map((r) => r.id).join() === got.rows.map((r) => r.id).join();
      if (!same) throw new Error(`bench/users-list: the naive baseline disagrees with listUsers for case (${c.key})`);
      const s = await measure(() => naive(q), NAIVE_WARMUP, NAIVE_RUNS);
      const o = ours.get(c.key)!;
      baseRows.push([`(${c.key}) ${c.label}`, ms(s.p50), ms(s.max), ms(o.p50), `${(s.p50 / o.p50).toFixed(0)}×`]);
    }
    console.log(
      `\nBaseline, same run — SELECT * FROM users, then filter/sort/page in JS (1 untimed check run, ${NAIVE_RUNS} timed runs), ms:\n`,
    );
    console.log(table(["case", "naive p50", "naive max", "listUsers p50", "naive/ours (p50)"], baseRows));

    // A second, stronger baseline for search: the same query in SQL with LIKE '%q%' over the three
    // columns (what listUsers did before the trigram index), count and page, as listUsers runs them.
    const { and, count, desc, or, sql } = await import("drizzle-orm");
    const likeSearch = async (q: ListQueryInput) => {
      const pattern = `%${q.q}%`;
      const where = and(or(sql`${users.username} LIKE ${pattern}`, sql`${users.email} LIKE ${pattern}`, sql`${users.displayName} LIKE ${pattern}`));
      const [[{ total }], page] = await Promise.all([
        db.getDb().select({ total: count() }).from(users).where(where),
        db.getDb().select({ id: users.id }).from(users).where(where).orderBy(desc(users.createdAt), desc(users.id)).limit(q.size).offset((q.page - 1) * q.size),
      ]);
      return { rows: page, total };
    };
    const likeRows: string[][] = [];
    for (const c of cases.filter((c) => ["c", "d"].includes(c.key))) {
      const q = ListQuery.parse(c.query);
      const [want, got] = [await listUsers(q), await likeSearch(q)];
      if (want.total !== got.total || want.rows.map((r) => r.id).join() !== got.rows.map((r) => r.id).join()) {
        throw new Error(`bench/users-list: the LIKE baseline disagrees with listUsers for case (${c.key})`);
      }
      const s = await measure(() => likeSearch(q), WARMUP, RUNS);
      const o = ours.get(c.key)!;
      likeRows.push([`(${c.key}) ${c.label}`, ms(s.p50), ms(s.p95), ms(o.p50), `${(s.p50 / o.p50).toFixed(1)}×`]);
    }
    console.log(`\nBaseline, same run — search by LIKE '%q%' in SQL (${WARMUP} warm-ups, ${RUNS} timed runs), ms:\n`);
    console.log(table(["case", "LIKE p50", "LIKE p95", "listUsers p50", "LIKE/ours (p50)"], likeRows));

    if (slow.length) console.log(`\nSlower than ${SLOW_P50_MS} ms at p50:\n  ${slow.join("\n  ")}`);
    return { slow };
  } finally {
    database.dispose();
  }
}

runWhenMain(import.meta.url, run);
