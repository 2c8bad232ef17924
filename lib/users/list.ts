import "server-only";
import { and, asc, count, desc, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db";
import { apiKeys, users, type User } from "@/db/schema";
import type { ListQueryInput } from "./schemas";

// The reads behind /users: the list planner (search, filters, sort, paging, all in SQL and served from
// indexes at 100k users) and the edit dialog's record.

/** The columns the admin table shows; never the password hash. */
const rowColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  email: users.email,
  role: users.role,
  isActive: users.isActive,
  createdAt: users.createdAt,
};
export type UserRow = { [K in keyof typeof rowColumns]: User[K] };

/** What the edit dialog needs. */
const detailColumns = {
  ...rowColumns,
  dailyLimit: users.dailyLimit,
  monthlyLimit: users.monthlyLimit,
  totalLimit: users.totalLimit,
  budgetType: users.budgetType,
  timezoneOffsetHours: users.timezoneOffsetHours,
  budgetSetAt: users.budgetSetAt,
  tzPreviousOffsetHours: users.tzPreviousOffsetHours,
  tzSwitchAt: users.tzSwitchAt,
  mustChangePassword: users.mustChangePassword,
  alertEnabled: users.alertEnabled,
  alertThresholdPct: users.alertThresholdPct,
  alertEmail: users.alertEmail,
  lastAlertSentAt: users.lastAlertSentAt,
};
export type UserDetail = { [K in keyof typeof detailColumns]: User[K] };

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => "\\" + c);

/**
 * Search: 3+ characters go through the users_search trigram index (a phrase query there is a
 * case-insensitive substring match on username, email or display name); 1–2 characters, which a
 * trigram index cannot serve, fall back to LIKE over the table.
 */
const usesIndex = (text: string) => text.length >= 3;
const ftsPhrase = (text: string) => `"${text.replaceAll('"', '""')}"`;

async function countSearchMatches(text: string): Promise<number> {
  const [row] = await getDb().all<{ n: number }>(sql`SELECT count(*) AS n FROM users_search WHERE users_search MATCH ${ftsPhrase(text)}`);
  return row.n;
}

// Above this many matches, walking the sort order's index and keeping the matching rows is cheaper
// than fetching every match and sorting them (measured in bench/users-list.ts).
const DENSE_MATCHES = 2000;

function searchFilter(text: string, dense: boolean): SQL {
  if (usesIndex(text)) {
    const matches = sql`(SELECT rowid FROM users_search WHERE users_search MATCH ${ftsPhrase(text)})`;
    // The unary + keeps SQLite from driving the query by rowid, so it walks the sort index instead.
    return dense ? sql`+${users}.rowid IN ${matches}` : sql`${users}.rowid IN ${matches}`;
  }
  const pattern = `%${escapeLike(text)}%`;
  return or(
    sql`${users.username} LIKE ${pattern} ESCAPE '\\'`,
    sql`${users.email} LIKE ${pattern} ESCAPE '\\'`,
    sql`${users.displayName} LIKE ${pattern} ESCAPE '\\'`,
  )!;
}

function listFilter(q: ListQueryInput, dense = false): SQL | undefined {
  return and(
    q.q ? searchFilter(q.q, dense) : undefined,
    q.role ? eq(users.role, q.role) : undefined,
    q.status ? eq(users.isActive, q.status === "active" ? 1 : 0) : undefined,
  );
}

const sortColumn = {
  username: users.username,
  email: users.email,
  role: users.role,
  status: users.isActive,
  created: users.createdAt,
} as const;

/** One page of the admin table, filtered and sorted in SQL. */
export async function listUsers(q: ListQueryInput): Promise<{ rows: UserRow[]; total: number; page: number; pages: number }> {
  const db = getDb();
  const indexedSearch = q.q !== "" && usesIndex(q.q);
  // The search index counts its matches in about a millisecond; that count is the total when nothing
  // else filters, and it picks the cheaper plan for the page.
  const matches = indexedSearch ? await countSearchMatches(q.q) : undefined;
  const where = listFilter(q, matches !== undefined && matches > DENSE_MATCHES);
  const filteredBeyondSearch = q.role !== undefined || q.status !== undefined;
  const order = q.dir === "asc" ? asc : desc;
  // created_at and then id break ties, so that paging never shows a row twice or skips one; the
  // indexes in db/schema.ts have exactly these orders.
  const tieBreak = q.sort === "created" ? [order(users.id)] : [order(users.createdAt), order(users.id)];
  const countRows = async () =>
    matches !== undefined && (matches === 0 || !filteredBeyondSearch)
      ? matches
      : (await db.select({ total: count() }).from(users).where(where))[0].total;
  const pageRows = async () =>
    matches === 0
      ? []
      : db
          .select(rowColumns)
          .from(users)
          .where(where)
          .orderBy(order(sortColumn[q.sort]), ...tieBreak)
          .limit(q.size)
          .offset((q.page - 1) * q.size);
  const [total, rows] = await Promise.all([countRows(), pageRows()]);
  return { rows, total, page: q.page, pages: Math.max(1, Math.ceil(total / q.size)) };
}

export async function getUserDetail(id: string): Promise<UserDetail | undefined> {
  const [row] = await getDb().select(detailColumns).from(users).where(eq(users.id, id));
  return row;
}

/** API key counts for the users of one table page (shown in the delete confirmation). */
export async function keyCountsOf(userIds: string[]): Promise<Record<string, number>> {
  if (userIds.length === 0) return {};
  const rows = await getDb()
    .select({ userId: apiKeys.userId, n: count() })
    .from(apiKeys)
    .where(inArray(apiKeys.userId, userIds))
    .groupBy(apiKeys.userId);
  return Object.fromEntries(rows.map((r) => [r.userId, r.n]));
}
