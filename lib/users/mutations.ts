import "server-only";
import { and, eq, isNull, ne, sql, type SQL } from "drizzle-orm";
import { getDb, rawStatement } from "@/db";
import { uniqueViolation } from "@/db/errors";
import { apiKeys, permissions, users, type Role } from "@/db/schema";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import { audit, auditAfterChange, type Actor } from "@/lib/audit";
import { timezoneChange } from "@/lib/budgets/windows";
import { evictCallers, evictUsers, keyHashesOf, resourcesChanged } from "@/lib/callers";
import { DomainError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { endImpersonationsInvolving } from "@/lib/impersonation";
import { ownersChanged } from "@/lib/permissions";
import { ownedDeletion } from "@/lib/templates";
import { nowIso } from "@/lib/time";
import { hashPassword } from "./passwords";
import { requireUserRow, userTarget } from "./rows";
import type { CreateUserInput, SetAlertsInput, UpdateUserInput } from "./schemas";

// What admins do to users. Each change and its audit row go in one atomic batch, and every change
// that alters what the user may do evicts their cached records before it returns.

const TAKEN = { username: "This username is taken", email: "This email is already used by another user" };

/** A UNIQUE violation (two admins saving the same name at once) as the field error the form shows. */
function takenError(e: unknown): DomainError | undefined {
  const column = uniqueViolation(e);
  if (column === "users.username") return DomainError.field("username", TAKEN.username);
  if (column === "users.email") return DomainError.field("email", TAKEN.email);
}

async function assertFree(fields: { username?: string; email?: string }, exceptId?: string) {
  const db = getDb();
  const errors: Record<string, string[]> = {};
  const clash = async (cond: SQL) =>
    (await db.select({ id: users.id }).from(users).where(exceptId ? and(cond, ne(users.id, exceptId)) : cond).limit(1)).length > 0;
  if (fields.username && (await clash(eq(users.username, fields.username)))) errors.username = [TAKEN.username];
  if (fields.email && (await clash(eq(users.email, fields.email)))) errors.email = [TAKEN.email];
  if (Object.keys(errors).length) throw new DomainError("Please correct the highlighted fields.", errors);
}

export async function createUser(actor: Actor, input: CreateUserInput): Promise<{ id: string; username: string }> {
  await assertFree({ username: input.username, email: input.email });
  const at = nowIso();
  const id = newId();
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
      auditAfterChange(actor, "user.create", userTarget({ id, username: input.username }), {
        email: input.email,
        displayName: input.displayName,
        role: input.role,
        dailyLimit: input.dailyLimit,
        monthlyLimit: input.monthlyLimit,
        totalLimit: input.totalLimit,
      }),
    ]);
  } catch (e) {
    throw takenError(e) ?? e;
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
      auditAfterChange(actor, "user.update", userTarget(before), changes),
    ]);
  } catch (e) {
    throw takenError(e) ?? e;
  }
  await evictCallers({ userId: id });
}

/**
 * Sets the user's budget alerts (lib/alerts): on or off, the threshold, the address (null = their own
 * e-mail). The gateway's record of their keys carries the first two, so it is evicted: the next call
 * checks the new setting.
 */
export async function setAlerts(actor: Actor, id: string, input: SetAlertsInput) {
  const before = await requireUserRow(id);
  const next = { alertEnabled: input.alertEnabled ? 1 : 0, alertThresholdPct: input.alertThresholdPct, alertEmail: input.alertEmail };
  const changes: Record<string, unknown> = {};
  for (const key of ["alertEnabled", "alertThresholdPct", "alertEmail"] as const) {
    if (before[key] !== next[key]) changes[key] = { from: before[key], to: next[key] };
  }
  if (Object.keys(changes).length === 0) return;
  const db = getDb();
  await db.batch([
    db.update(users).set({ ...next, updatedAt: nowIso() }).where(eq(users.id, id)),
    auditAfterChange(actor, "user.alerts", userTarget(before), changes),
  ]);
  await evictCallers({ userId: id });
}

/** The column still holds `value` (null included). */
const same = (column: AnySQLiteColumn, value: string | number | null) => (value === null ? isNull(column) : eq(column, value));

/**
 * Sets the user's timezone offset. The new offset is stored at once; the budget windows switch to it
 * from the user's next local day (lib/budgets/windows timezoneChange), so a change can neither reset a
 * spent day nor add one. The columns are computed from the row as read, and written only if the row
 * still holds what was read (else read again): two admins changing it at once cannot cut a pending
 * day short. Returns when the change applies to the windows (null: at once, i.e. nothing pending).
 */
export async function setTimezone(actor: Actor, id: string, offsetHours: number, now = new Date()): Promise<{ switchAt: string | null }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = await requireUserRow(id);
    const next = timezoneChange(before, offsetHours, now);
    if (
      next.timezoneOffsetHours === before.timezoneOffsetHours &&
      next.tzPreviousOffsetHours === before.tzPreviousOffsetHours &&
      next.tzSwitchAt === before.tzSwitchAt
    )
      return { switchAt: next.tzSwitchAt };
    const db = getDb();
    const [result] = await db.batch([
      db
        .update(users)
        .set({ ...next, updatedAt: nowIso() })
        .where(
          and(
            eq(users.id, id),
            same(users.timezoneOffsetHours, before.timezoneOffsetHours),
            same(users.tzPreviousOffsetHours, before.tzPreviousOffsetHours),
            same(users.tzSwitchAt, before.tzSwitchAt),
          ),
        ),
      auditAfterChange(actor, "user.timezone", userTarget(before), { from: before.timezoneOffsetHours, to: offsetHours, appliesFrom: next.tzSwitchAt ?? now.toISOString() }),
    ]);
    if (result.rowsAffected === 0) continue; // changed meanwhile (or deleted: the next read says so)
    // The gateway's record of the user's keys carries the offset its windows follow.
    await evictCallers({ userId: id });
    return { switchAt: next.tzSwitchAt };
  }
  throw new DomainError("The timezone was being changed by someone else at the same moment; please try again.");
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
    auditAfterChange(actor, "user.role", userTarget(before), { from: before.role, to: role }),
  ]);
  if (result.rowsAffected === 0) throw new DomainError("The last active admin cannot be demoted.");
  await evictCallers({ userId: id });
  await ownersChanged([id]);
  await endImpersonationsInvolving(id, "role");
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
    auditAfterChange(actor, active ? "user.activate" : "user.suspend", userTarget(before)),
  ]);
  if (result.rowsAffected === 0) throw new DomainError("The last active admin cannot be suspended.");
  await evictCallers({ userId: id });
  if (!active) await endImpersonationsInvolving(id, "suspended");
}

export async function deleteUser(actor: Actor, id: string) {
  const before = await requireUserRow(id);
  refuseSelf(actor, id, "delete");
  const keyHashes = await keyHashesOf(id);
  const keyCount = keyHashes.length;
  const owned = await ownedDeletion(actor, id);
  const db = getDb();
  // Keys, grants, templates and profiles go explicitly (not only by ON DELETE CASCADE), so that a
  // server without foreign keys enforced ends up the same. usage_events rows stay: the billing history.
  // The last active admin is never deleted: refused before anything is written.
  if (before.role === "admin" && before.isActive === 1 && (await activeAdmins()) <= 1) throw new DomainError("The last active admin cannot be deleted.");
  const [, , result] = await db.batch([
    db.delete(apiKeys).where(and(eq(apiKeys.userId, id), sql`${notLastActiveAdminOf(id)}`)),
    db.delete(permissions).where(and(eq(permissions.userId, id), sql`${notLastActiveAdminOf(id)}`)),
    db.delete(users).where(and(eq(users.id, id), notLastActiveAdmin(id))),
    auditAfterChange(actor, "user.delete", userTarget(before), { email: before.email, role: before.role, keys: keyCount, templates: owned.templates, profiles: owned.profiles }),
    ...owned.statements.map(rawStatement),
  ]);
  if (result.rowsAffected === 0) throw new DomainError("The last active admin cannot be deleted.");
  await evictCallers({ userId: id, keyHashes });
  await evictUsers(owned.evict);
  if (owned.templates + owned.profiles > 0) await resourcesChanged();
  await endImpersonationsInvolving(id, "deleted");
}

async function activeAdmins(): Promise<number> {
  const [row] = await getDb().select({ n: sql<number>`count(*)` }).from(users).where(and(eq(users.role, "admin"), eq(users.isActive, 1)));
  return row.n;
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
    auditAfterChange(actor, "user.password_reset", userTarget(before), { mustChange }),
  ]);
  await evictCallers({ userId: id });
}

export async function recordWelcomeMail(actor: Actor, user: { id: string; username: string }, sent: boolean) {
  await audit(actor, sent ? "user.welcome_mail" : "user.welcome_mail_failed", userTarget(user));
}
