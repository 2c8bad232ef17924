import { createClient, type Client } from "@libsql/client";
import type { InStatement } from "@libsql/client";
import { sql } from "drizzle-orm";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { config } from "@/lib/config";
import { prepareDatabaseFile } from "@/lib/config/data-folder";
import { dropShared, shared } from "@/lib/shared";
import * as schema from "./schema";

export type Db = LibSQLDatabase<typeof schema>;

// A local SQLite file is used through exactly one connection (concurrency: 1). The driver's calls are
// synchronous, so a single connection costs no parallelism, and it keeps the per-connection PRAGMAs
// below in force for every statement. Multi-statement writes therefore go through `db.batch([...])`
// (atomic, one short synchronous call) and never through interactive transactions, which would hold
// that connection across awaits.
function open(): { client: Client; db: Db } {
  const { databaseUrl, databaseAuthToken, databaseFile } = config();
  const isFile = databaseFile !== undefined;
  // Owner-only before SQLite opens it (0700 folder, 0600 file, which its -wal and -shm files inherit),
  // and tightened where an earlier version left them at the umask's modes.
  if (isFile) prepareDatabaseFile(databaseFile);
  const client = createClient({ url: databaseUrl, authToken: databaseAuthToken, concurrency: isFile ? 1 : undefined });
  if (isFile) {
    // Issued before any other statement can be, and the client serves calls in order, so every later
    // query runs with them in force.
    for (const pragma of ["journal_mode = WAL", "busy_timeout = 5000", "synchronous = NORMAL", "foreign_keys = ON"]) {
      client.execute(`PRAGMA ${pragma}`).catch((e) => console.error(`[db] PRAGMA ${pragma} failed:`, e));
    }
  }
  return { client, db: drizzle(client, { schema }) };
}

// One connection per process (see lib/shared), which dev-server reloads reuse too.
const connection = () => shared("db", open);

export function getDb(): Db {
  return connection().db;
}

export function getClient(): Client {
  return connection().client;
}

/**
 * A statement written as SQL text with `?` placeholders (what lib modules hand each other for a shared
 * write), as drizzle's `db.batch` takes it beside its own builders. The text holds no other `?`.
 */
export function rawStatement(statement: InStatement) {
  const { sql: text, args = [] } = typeof statement === "string" ? { sql: statement, args: [] } : statement;
  const values = Array.isArray(args) ? args : Object.values(args);
  const parts = text.split("?");
  if (parts.length !== values.length + 1) throw new Error(`rawStatement: ${parts.length - 1} placeholders for ${values.length} arguments`);
  return getDb().run(sql.join(parts.flatMap((p, i) => (i < values.length ? [sql.raw(p), sql.param(values[i])] : [sql.raw(p)]))));
}

/**
 * Rewrites a local database file in full (VACUUM) and empties its write-ahead log, so that values
 * overwritten before (upstream keys in clear, or encrypted under a retired key) leave no copy behind
 * in free pages or in the log. A libSQL server keeps its own storage: nothing to do there.
 */
export async function compactDatabase() {
  if (config().databaseFile === undefined) return;
  await getClient().execute("VACUUM");
  const [row] = (await getClient().execute("PRAGMA wal_checkpoint(TRUNCATE)")).rows;
  if (row && Number(row[0]) !== 0) console.warn("[db] the write-ahead log could not be emptied (another connection was reading); it is at the next checkpoint.");
}

export function closeDb() {
  dropShared<ReturnType<typeof open>>("db")?.client.close();
}

export { schema };
