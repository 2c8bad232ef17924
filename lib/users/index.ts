import "server-only";
import { and, asc, count, desc, eq, inArray, ne, or, sql, type SQL } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { getDb } from "@/db";
import { apiKeys, permissions, users, type Role, type User } from "@/db/schema";
import { audit, auditAfterChange, type Actor } from "@/lib/audit";
import { cache, cacheKeys } from "@/lib/cache";
import { config } from "@/lib/config";
import { DomainError } from "@/lib/errors";
import { dummyPasswordHash, hashPassword, verifyPassword } from "@/lib/auth/passwords";
import { keyHashesOf } from "@/lib/keys";
import { nowIso } from "@/lib/time";
import type { CreateUserInput, ListQueryInput, UpdateUserInput } from "./schemas";

// The users domain: every read and write of the `users` table goes through here.

const newUserId = () => randomUUID().replaceAll("-", ""); // UUID4 hex, as the seed's schema says

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
  mustChangePassword: users.mustChangePassword,
};
export type UserDetail = { [K in keyof typeof detailColumns]: User[K] };

// ---------------------------------------------------------------- reads

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


// ---------------------------------------------------------------- the session record

/** What every request checks about its user; cached (Valkey or in-process), filled from SQLite. */
export type SessionState = {
  id: string;
  username: string;
  displayName: string | null;
  role: Role;
  active: boolean;
  sessionVersion: number;
  mustChangePassword: boolean;
};

const SESSION_TTL_SECONDS = 60;

export async function sessionStateOf(userId: string): Promise<SessionState | undefined> {
  const key = cacheKeys.session(userId);
  const { value: hit, generation } = await cache().getGuarded<SessionState>(key);
  if (hit) return hit;
  const [row] = await getDb()
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      isActive: users.isActive,
      sessionVersion: users.sessionVersion,
      mustChangePassword: users.mustChangePassword,
    })
    .from(users)
    .where(eq(users.id, userId));
  if (!row) return undefined;
  const state: SessionState = {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    role: row.role,
    active: row.isActive === 1,
    sessionVersion: row.sessionVersion,
    mustChangePassword: row.mustChangePassword === 1,
  };
  await cache().setGuarded(key, state, SESSION_TTL_SECONDS, generation);
  return state;
}

/**
 * Drops everything cached about the user (session record and the auth records of all their keys)
 * everywhere; awaited before any mutation returns, so the next request or gateway call on any instance
 * reads the change. `keyHashes` is given when the keys are about to be deleted.
 */
export async function evictUser(userId: string, keyHashes?: string[]) {
  const hashes = keyHashes ?? (await keyHashesOf(userId));
  await cache().evict(cacheKeys.session(userId), ...hashes.map(cacheKeys.keyAuth));
}

// ---------------------------------------------------------------- login

/**
 * The user for a username and password, or null. Unknown users cost a bcrypt comparison too, and
 * suspended users get the same null as a wrong password: the caller shows one generic message.
 */
export async function verifyCredentials(username: string, password: string) {
  const [row] = await getDb()
    .select({
      id: users.id,
      username: users.username,
      role: users.role,
      isActive: users.isActive,
      hashedPassword: users.hashedPassword,
      sessionVersion: users.sessionVersion,
    })
    .from(users)
    .where(eq(users.username, username.trim().toLowerCase()));
  const ok = await verifyPassword(password, row?.hashedPassword ?? (await dummyPasswordHash()));
  if (!row || !row.hashedPassword || !ok || row.isActive !== 1) return null;
  return { id: row.id, username: row.username, role: row.role, sessionVersion: row.sessionVersion };
}

// ---------------------------------------------------------------- mutations

const target = (u: { id: string; username: string }) => ({ type: "user", id: u.id, name: u.username });

async function requireUserRow(id: string) {
  const [row] = await getDb().select().from(users).where(eq(users.id, id));
  if (!row) throw new DomainError("This user no longer exists.");
  return row;
}

/** Turns a UNIQUE violation into the field error the form shows. */
function uniqueViolation(e: unknown): DomainError | undefined {
  const text = String((e as { message?: string })?.message ?? "") + String((e as { cause?: unknown })?.cause ?? "");
  if (!/UNIQUE constraint failed/i.test(text)) return undefined;
  if (text.includes("users.username")) return DomainError.field("username", "This username is taken");
  if (text.includes("users.email")) return DomainError.field("email", "This email is already used by another user");
  return undefined;
}

async function assertFree(fields: { username?: string; email?: string }, exceptId?: string) {
  const db = getDb();
  const errors: Record<string, string[]> = {};
  const clash = async (cond: SQL) =>
    (await db.select({ id: users.id }).from(users).where(exceptId ? and(cond, ne(users.id, exceptId)) : cond).limit(1)).length > 0;
  if (fields.username && (await clash(eq(users.username, fields.username)))) errors.username = ["This username is taken"];
  if (fields.email && (await clash(eq(users.email, fields.email)))) errors.email = ["This email is already used by another user"];
  if (Object.keys(errors).length) throw new DomainError("Please correct the highlighted fields.", errors);
}

export async function createUser(actor: Actor, input: CreateUserInput): Promise<{ id: string; username: string }> {
  await assertFree({ username: input.username, email: input.email });
  const at = nowIso();
  const id = newUserId();
  const hashedPassword = await hashPassword(input.password);
  try {
    await getDb().batch([
      getDb()
        .insert(users)
        .values({
          id,
          username: input.username,
          email: input.email,
          displayName: input.displayName,
          hashedPassword,
          role: input.role,
          isAdmin: input.role === "admin" ? 1 : 0,
          // The admin chose this password, so the user picks their own at first login (SPEC §5).
          mustChangePassword: 1,
          dailyLimit: input.dailyLimit,
          monthlyLimit: input.monthlyLimit,
          totalLimit: input.totalLimit,
          budgetSetAt: at,
          createdAt: at,
          updatedAt: at,
        }),
      auditAfterChange(actor, "user.create", { type: "user", id, name: input.username }, {
        email: input.email,
        displayName: input.displayName,
        role: input.role,
        dailyLimit: input.dailyLimit,
        monthlyLimit: input.monthlyLimit,
        totalLimit: input.totalLimit,
      }),
    ]);
  } catch (e) {
    throw uniqueViolation(e) ?? e;
  }
  return { id, username: input.username };
}

export async function updateUser(actor: Actor, id: string, input: UpdateUserInput) {
  const before = await requireUserRow(id);
  await assertFree({ email: input.email }, id);
  const changes: Record<string, unknown> = {};
  for (const key of ["email", "displayName", "dailyLimit", "monthlyLimit", "totalLimit", "budgetType"] as const) {
    if (before[key] !== input[key]) changes[key] = { from: before[key], to: input[key] };
  }
  if (Object.keys(changes).length === 0) return;
  // A new allotment (monthly limit) or a switch of budget type starts a one-time budget afresh.
  const allotmentChanged = "monthlyLimit" in changes || "budgetType" in changes;
  const db = getDb();
  try {
    await db.batch([
      db
        .update(users)
        .set({
          ...input,
          // A one-time budget counts from the moment it was (re)set (SPEC §3).
          ...(allotmentChanged ? { budgetSetAt: nowIso() } : {}),
          updatedAt: nowIso(),
        })
        .where(eq(users.id, id)),
      auditAfterChange(actor, "user.update", target(before), changes),
    ]);
  } catch (e) {
    throw uniqueViolation(e) ?? e;
  }
  await evictUser(id);
}

/**
 * SQL guard for suspend, demote and delete: true unless the row is the last active admin. Checked
 * inside the same statement as the change, so two admins acting at once cannot both pass it.
 */
const notLastActiveAdmin = (id: string) =>
  sql`(${users.role} <> 'admin' OR ${users.isActive} = 0 OR
       (SELECT count(*) FROM users AS other WHERE other.role = 'admin' AND other.is_active = 1 AND other.id <> ${id}) > 0)`;

function refuseSelf(actor: Actor, id: string, what: string) {
  if (actor.id === id) throw new DomainError(`You cannot ${what} your own account.`);
}

export async function setRole(actor: Actor, id: string, role: Role) {
  const before = await requireUserRow(id);
  if (before.role === role) return;
  if (before.role === "admin") refuseSelf(actor, id, "demote");
  const db = getDb();
  const [result] = await db.batch([
    db
      .update(users)
      .set({ role, isAdmin: role === "admin" ? 1 : 0, updatedAt: nowIso() })
      .where(and(eq(users.id, id), role === "admin" ? undefined : notLastActiveAdmin(id))),
    auditAfterChange(actor, "user.role", target(before), { from: before.role, to: role }),
  ]);
  if (result.rowsAffected === 0) throw new DomainError("The last active admin cannot be demoted.");
  await evictUser(id);
}

export async function setActive(actor: Actor, id: string, active: boolean) {
  const before = await requireUserRow(id);
  if ((before.isActive === 1) === active) return;
  if (!active) refuseSelf(actor, id, "suspend");
  const db = getDb();
  const [result] = await db.batch([
    db
      .update(users)
      .set({
        isActive: active ? 1 : 0,
        // Bumping the version ends every open session at its next request.
        sessionVersion: sql`${users.sessionVersion} + 1`,
        updatedAt: nowIso(),
      })
      .where(and(eq(users.id, id), active ? undefined : notLastActiveAdmin(id))),
    auditAfterChange(actor, active ? "user.activate" : "user.suspend", target(before)),
  ]);
  if (result.rowsAffected === 0) throw new DomainError("The last active admin cannot be suspended.");
  await evictUser(id);
}

export async function deleteUser(actor: Actor, id: string) {
  const before = await requireUserRow(id);
  refuseSelf(actor, id, "delete");
  const keyHashes = await keyHashesOf(id);
  const keyCount = keyHashes.length;
  const db = getDb();
  // Keys and grants go explicitly (not only by ON DELETE CASCADE), so that a server without foreign
  // keys enforced ends up the same. usage_events rows stay: they are the billing history.
  const [, , result] = await db.batch([
    db.delete(apiKeys).where(and(eq(apiKeys.userId, id), sql`${notLastActiveAdminOf(id)}`)),
    db.delete(permissions).where(and(eq(permissions.userId, id), sql`${notLastActiveAdminOf(id)}`)),
    db.delete(users).where(and(eq(users.id, id), notLastActiveAdmin(id))),
    auditAfterChange(actor, "user.delete", target(before), { email: before.email, role: before.role, keys: keyCount }),
  ]);
  if (result.rowsAffected === 0) throw new DomainError("The last active admin cannot be deleted.");
  await evictUser(id, keyHashes);
}

/** The same guard as notLastActiveAdmin, for statements on other tables that belong to the user. */
const notLastActiveAdminOf = (id: string) =>
  sql`NOT EXISTS (SELECT 1 FROM users AS u WHERE u.id = ${id} AND u.role = 'admin' AND u.is_active = 1 AND
       (SELECT count(*) FROM users AS other WHERE other.role = 'admin' AND other.is_active = 1 AND other.id <> ${id}) = 0)`;

export async function resetPassword(actor: Actor, id: string, password: string, mustChange: boolean) {
  const before = await requireUserRow(id);
  const hashedPassword = await hashPassword(password);
  const db = getDb();
  await db.batch([
    db
      .update(users)
      .set({
        hashedPassword,
        mustChangePassword: mustChange ? 1 : 0,
        sessionVersion: sql`${users.sessionVersion} + 1`,
        updatedAt: nowIso(),
      })
      .where(eq(users.id, id)),
    auditAfterChange(actor, "user.password_reset", target(before), { mustChange }),
  ]);
  await evictUser(id);
}

/** The user's own change (forced or not). Bumps the session version; the caller re-issues its session. */
export async function changeOwnPassword(userId: string, current: string, password: string): Promise<number> {
  const row = await requireUserRow(userId);
  if (!row.hashedPassword || !(await verifyPassword(current, row.hashedPassword))) {
    throw DomainError.field("current", "The current password is not correct");
  }
  const hashedPassword = await hashPassword(password);
  const db = getDb();
  const me = { id: row.id, username: row.username };
  const [updated] = await db.batch([
    db
      .update(users)
      .set({ hashedPassword, mustChangePassword: 0, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: nowIso() })
      .where(eq(users.id, userId))
      .returning({ sessionVersion: users.sessionVersion }),
    auditAfterChange(me, "user.password_change", target(row)),
  ]);
  await evictUser(userId);
  return updated[0].sessionVersion;
}

export async function recordWelcomeMail(actor: Actor, user: { id: string; username: string }, sent: boolean) {
  await audit(actor, sent ? "user.welcome_mail" : "user.welcome_mail_failed", target(user));
}

// ---------------------------------------------------------------- first start

/**
 * Creates the default admin (ADMIN_USER / ADMIN_PASSWORD) when no admin exists yet, with a forced
 * password change. Runs at every start; does nothing once an admin exists.
 */
export async function ensureDefaultAdmin(): Promise<boolean> {
  const db = getDb();
  const [{ admins }] = await db.select({ admins: count() }).from(users).where(eq(users.role, "admin"));
  if (admins > 0) return false;
  const { adminUser, adminPassword } = config();
  const at = nowIso();
  const result = await db
    .insert(users)
    .values({
      id: newUserId(),
      username: adminUser,
      displayName: "Administrator",
      hashedPassword: await hashPassword(adminPassword),
      role: "admin",
      isAdmin: 1,
      mustChangePassword: 1,
      createdAt: at,
      updatedAt: at,
    })
    .onConflictDoNothing();
  return result.rowsAffected > 0;
}
