// `npm run seed -- --users 100000 [--password P]`: fills the users table with N realistic-looking users,
// for trying /users (and for bench/) at scale. Applies pending migrations first. Safe to re-run: rows whose
// username or email already exists are skipped (ON CONFLICT DO NOTHING), so the same N adds nothing.
//
// Every seeded user shares ONE bcrypt hash of the given password (default "password123"), computed once
// at config().bcryptCost: hashing 100k passwords would take hours and proves nothing.
import bcrypt from "bcryptjs";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { closeDb, getDb } from "@/db";
import { prng } from "./prng";
import { users, type NewUser, type Role } from "@/db/schema";
import { config } from "@/lib/config";

const ROWS_PER_INSERT = 1000; // 23 columns → 23,000 bound parameters per statement, under SQLite's 32,766
const INSERTS_PER_BATCH = 10; // one db.batch (= one write transaction) per 10,000 rows
const TWO_YEARS_MS = 2 * 365 * 24 * 3600 * 1000;

const FIRST = [
  "Anna", "Ben", "Carla", "David", "Elena", "Felix", "Greta", "Hannah", "Ivan", "Julia", "Karim", "Lena",
  "Marco", "Nina", "Oscar", "Paula", "Quentin", "Rosa", "Samuel", "Tanja", "Uwe", "Vera", "William", "Xenia",
  "Yusuf", "Zoe", "Maria", "Johann", "Sofia", "Lukas", "Amelie", "Noah", "Mia", "Elias", "Emma", "Leon",
];
const LAST = [
  "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
  "Johnson", "Anderson", "Wilson", "Robinson", "Thompson", "Garcia", "Martinez", "Rossi", "Bianchi", "Dubois",
  "Martin", "Nowak", "Kowalski", "Novak", "Jensen", "Hansen", "Nielsen", "Svensson", "O'Brien", "Murphy",
];
const DOMAINS = ["example.com", "example.org", "example.net", "mail.example.com", "corp.example"];

const pick = <T>(rand: () => number, list: readonly T[]) => list[Math.floor(rand() * list.length)];

/** ~80% user, 12% subscriber, 7% expert, 1% admin. */
function roleFor(r: number): Role {
  if (r < 0.8) return "user";
  if (r < 0.92) return "subscriber";
  if (r < 0.99) return "expert";
  return "admin";
}

const asciiSlug = (s: string) =>
  s
    .normalize("NFKD")
    .replace(/[^\x00-\x7f]/g, "")
    .replace(/[^a-zA-Z0-9]/g, "")
    .toLowerCase();

/** The username of the i-th seeded user (1-based): user000001 … zero-padded to at least 6 digits. */
export function seedUsername(i: number, n: number) {
  return "user" + String(i).padStart(Math.max(6, String(n).length), "0");
}

function makeRow(i: number, n: number, rand: () => number, hashedPassword: string, now: number): NewUser {
  const first = pick(rand, FIRST);
  const last = pick(rand, LAST);
  const role = roleFor(rand());
  const createdAt = new Date(now - Math.floor(rand() * TWO_YEARS_MS)).toISOString();
  const active = rand() >= 0.05; // ~5% suspended
  // About one in ten has no display name, as real data does.
  const displayName = rand() < 0.1 ? null : rand() < 0.3 ? `${first} ${pick(rand, LAST)}-${last}` : `${first} ${last}`;
  return {
    id: randomUUID().replaceAll("-", ""),
    username: seedUsername(i, n),
    // The number keeps it unique; it is not the username, so searching "user0999" matches usernames only.
    email: `${asciiSlug(first)}.${asciiSlug(last)}.${i}@${pick(rand, DOMAINS)}`,
    displayName,
    hashedPassword,
    isActive: active ? 1 : 0,
    isAdmin: role === "admin" ? 1 : 0,
    role,
    createdAt,
    updatedAt: createdAt,
    budgetSetAt: createdAt,
  };
}

/**
 * Inserts users user000001 … user{n} (skipping any whose username or email exists) and returns how many
 * rows were actually inserted. The schema must already be migrated.
 */
export async function seedUsers(
  n: number,
  password: string,
  opts: { onProgress?: (done: number, n: number) => void } = {},
): Promise<{ inserted: number; ms: number }> {
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`seedUsers: n must be a positive integer, got ${n}`);
  const start = performance.now();
  const db = getDb();
  const hashedPassword = await bcrypt.hash(password, config().bcryptCost);
  const rand = prng(0x5eed);
  const now = Date.now();
  let inserted = 0;
  let i = 1;
  while (i <= n) {
    const statements = [];
    for (let s = 0; s < INSERTS_PER_BATCH && i <= n; s++) {
      const rows: NewUser[] = [];
      for (let r = 0; r < ROWS_PER_INSERT && i <= n; r++, i++) rows.push(makeRow(i, n, rand, hashedPassword, now));
      statements.push(db.insert(users).values(rows).onConflictDoNothing());
    }
    // db.batch runs the statements in one transaction, in one synchronous call (see db/index.ts).
    const results = await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
    for (const r of results) inserted += r.rowsAffected;
    opts.onProgress?.(i - 1, n);
  }
  return { inserted, ms: performance.now() - start };
}

// ---------------------------------------------------------------- ledger rows (bench/usage)

const LEDGER_ROWS_PER_INSERT = 100_000; // generated inside SQLite (a recursive CTE): no parameters per row

/**
 * Appends `rows` ledger rows for `userId`, evenly spread over the `days` days before `end` (oldest
 * first, as the gateway appends them), with three endpoint/model pairs and varied tokens, then builds
 * their rollups as rebuildRollups does (it is what runs). The rows are generated by SQLite itself, a
 * write transaction per 100,000, so 10 million take minutes rather than hours. Request ids are
 * `seed:<user>:<n>`, so re-running for the same user adds nothing.
 */
export async function seedLedger(
  userId: string,
  rows: number,
  opts: { days?: number; end?: Date; onProgress?: (done: number, n: number) => void } = {},
): Promise<{ inserted: number; ms: number; rollupMs: number }> {
  if (!Number.isSafeInteger(rows) || rows < 1) throw new Error(`seedLedger: rows must be a positive integer, got ${rows}`);
  const { getClient } = await import("@/db");
  const { rebuildRollups } = await import("@/lib/usage/rollups");
  const start = performance.now();
  const end = (opts.end ?? new Date()).getTime() / 1000;
  const step = ((opts.days ?? 400) * 86_400) / rows; // seconds between rows
  const first = end - rows * step;
  let inserted = 0;
  for (let from = 0; from < rows; from += LEDGER_ROWS_PER_INSERT) {
    const to = Math.min(rows, from + LEDGER_ROWS_PER_INSERT) - 1;
    const r = await getClient().execute({
      // ?3 is the user id, twice; the two ? after it are ?4 and ?5.
      sql: `WITH RECURSIVE n(i) AS (SELECT CAST(? AS INTEGER) UNION ALL SELECT i + 1 FROM n WHERE i < ?)
            INSERT INTO usage_events (request_id, user_id, key_id, endpoint, model, input_tokens, output_tokens, cache_read_tokens,
              cache_write_tokens, cost_eur, status, latency_ms, created_at)
            SELECT 'seed:' || ?3 || ':' || printf('%010d', i), ?3, NULL,
              CASE i % 3 WHEN 2 THEN 'west' ELSE 'east' END, CASE i % 3 WHEN 0 THEN 'small' ELSE 'large' END,
              100 + (i * 7919) % 1900, 10 + (i * 104729) % 790, (i * 7919) % 1900 / 4, CASE i % 10 WHEN 0 THEN 100 ELSE 0 END,
              ((100 + (i * 7919) % 1900) * 2.5 + (10 + (i * 104729) % 790) * 10.0) / 1000000, 'ok', 200 + i % 900,
              strftime('%Y-%m-%dT%H:%M:%fZ', ? + i * ?, 'unixepoch')
            FROM n WHERE true
            ON CONFLICT (request_id) DO NOTHING`,
      args: [from, to, userId, first, step],
    });
    inserted += r.rowsAffected;
    opts.onProgress?.(to + 1, rows);
  }
  const ms = performance.now() - start;
  await rebuildRollups(userId);
  return { inserted, ms, rollupMs: performance.now() - start - ms };
}

// ---------------------------------------------------------------- CLI

const USAGE = "Usage: npm run seed -- --users N [--password P]";

async function main() {
  let values: { users?: string; password?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { users: { type: "string" }, password: { type: "string" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const n = Number(values.users);
  if (!values.users || !/^\d+$/.test(values.users) || !Number.isSafeInteger(n) || n < 1) {
    console.error(`--users must be a positive whole number.\n${USAGE}`);
    process.exit(2);
  }
  const password = values.password ?? "password123";
  if (password.length === 0 || Buffer.byteLength(password, "utf8") > 72) {
    console.error("--password must be 1-72 bytes (bcrypt reads only the first 72).");
    process.exit(2);
  }

  const cfg = config();
  const { runMigrations } = await import("@/db/migrate");
  console.log(`Database: ${cfg.databaseUrl}`);
  await runMigrations();

  const tty = process.stdout.isTTY;
  const { inserted, ms } = await seedUsers(n, password, {
    onProgress: tty ? (done, total) => process.stdout.write(`\r  ${done.toLocaleString("en")} / ${total.toLocaleString("en")}`) : undefined,
  });
  if (tty) process.stdout.write("\n");
  const skipped = n - inserted;
  console.log(
    `Inserted ${inserted.toLocaleString("en")} users` +
      (skipped ? ` (${skipped.toLocaleString("en")} skipped: username or email already present)` : "") +
      ` in ${(ms / 1000).toFixed(2)} s (bcrypt cost ${cfg.bcryptCost}, one shared hash).`,
  );
}

/** True when this file is the entry point (tsx scripts/seed.ts), false when it is imported (bench/). */
function isMain() {
  const entry = process.argv[1];
  if (!entry) return false;
  const self = fileURLToPath(import.meta.url);
  const resolved = path.resolve(entry);
  return resolved === self || resolved === self.replace(/\.ts$/, "");
}

if (isMain()) {
  main()
    .catch((e) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : e);
      process.exitCode = 1;
    })
    .finally(() => closeDb());
}
