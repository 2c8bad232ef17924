import { sql } from "drizzle-orm";
import type { Db } from "./index";

/**
 * Checks that every users row has its users_search row under the same rowid, and rebuilds the index
 * when not (after a VACUUM renumbered rowids, or a restore that skipped the virtual table). One pass
 * over both tables; run at start after the migrations.
 */
export async function ensureUsersSearchIndex(db: Db): Promise<"ok" | "rebuilt"> {
  const [row] = await db.all<{ users: number; search: number; matched: number }>(sql`
    SELECT (SELECT count(*) FROM users) AS users,
           (SELECT count(*) FROM users_search) AS search,
           (SELECT count(*) FROM users u JOIN users_search s ON s.rowid = u.rowid AND s.id = u.id) AS matched`);
  if (row.users === row.search && row.users === row.matched) return "ok";
  await db.batch([
    db.run(sql`DELETE FROM users_search`),
    db.run(sql`INSERT INTO users_search (rowid, id, username, email, display_name)
                SELECT rowid, id, username, coalesce(email, ''), coalesce(display_name, '') FROM users`),
  ]);
  return "rebuilt";
}
