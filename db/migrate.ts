import { migrate } from "drizzle-orm/libsql/migrator";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { getDb } from "./index";
import { ensureUsersSearchIndex } from "./search-index";

const folder = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "drizzle");

/** Applies the SQL in drizzle/ that this database has not seen yet, then checks the search index. Safe at every start. */
export async function runMigrations(migrationsFolder = folder) {
  await migrate(getDb(), { migrationsFolder });
  if ((await ensureUsersSearchIndex(getDb())) === "rebuilt") console.log("Rebuilt the users search index.");
}
