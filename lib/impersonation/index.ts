import "server-only";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { impersonations, users } from "@/db/schema";
import { audit, auditAfterChange, type Actor } from "@/lib/audit";
import { sessionStateOf, type SessionState } from "@/lib/callers";
import { config } from "@/lib/config";
import { newId } from "@/lib/ids";
import { refusalFor, type StartRefusal } from "./rules";
import { IMPERSONATION_MINUTES, signImpersonation, type ImpersonationClaims } from "./token";

// Admin impersonation (SPEC §5): an admin opens the portal as a user, beside their own session. The
// start writes a row and its audit entry and hands back a signed cookie (./token) naming that row, the
// admin, the admin's session and the user; the data-access layer accepts the cookie only while all of
// these still hold (liveImpersonation): the row not ended and not expired, the admin still an active
// admin in that very session, the user still active and not an admin. Ending writes the row's end once
// (a guarded update) with its audit entry, so a copied cookie dies with the original.

/** Who is really acting while the portal shows another user: carried by the session user (lib/auth/dal). */
export type Impersonator = { id: string; username: string; impersonationId: string };

const target = (u: { id: string; username: string }) => ({ type: "user", id: u.id, name: u.username });

/** Starts an impersonation of `userId` by `admin` from their session `adminSessionId`: the cookie's token, or why not. */
export async function startImpersonation(
  admin: Actor,
  adminSessionId: string,
  userId: string,
  now = new Date(),
): Promise<{ ok: true; token: string; expiresAt: Date; user: { id: string; username: string } } | ({ ok: false } & StartRefusal)> {
  await expiredOpenImpersonations(now);
  const user = await sessionStateOf(userId);
  const refused = refusalFor(admin, user);
  if (refused || !user) return { ok: false, ...(refused ?? { status: 404, message: "No such user." }) };
  // One impersonation per admin session: a new one ends the one before (audited).
  await endImpersonationsOfSession(adminSessionId, now);
  const id = newId();
  const expiresAt = new Date(now.getTime() + IMPERSONATION_MINUTES * 60_000);
  const db = getDb();
  await db.batch([
    db.insert(impersonations).values({ id, adminId: admin.id, adminSessionId, userId, startedAt: now.toISOString(), expiresAt: expiresAt.toISOString() }),
    audit(admin, "impersonation.start", target(user), { impersonation: id, expiresAt: expiresAt.toISOString() }),
  ]);
  const token = await signImpersonation({ iid: id, aid: admin.id, asid: adminSessionId, uid: userId }, config().authSecret, expiresAt);
  return { ok: true, token, expiresAt, user: { id: user.id, username: user.username } };
}

export type EndReason =
  | "ended"
  | "expired"
  | "admin_session_ended"
  | "admin_suspended"
  | "admin_deleted"
  | "admin_no_longer_admin"
  | "user_suspended"
  | "user_became_admin"
  | "user_deleted";

/**
 * Ends an impersonation once: the first call writes `ended_at` and the audit entry (under the admin's
 * name, with the reason); later calls, and calls for a row already ended, change nothing.
 */
export async function endImpersonation(id: string, reason: EndReason, now = new Date()): Promise<boolean> {
  const db = getDb();
  const [row] = await db
    .select({ adminId: impersonations.adminId, userId: impersonations.userId, admin: users.username })
    .from(impersonations)
    .leftJoin(users, eq(users.id, impersonations.adminId))
    .where(eq(impersonations.id, id));
  if (!row) return false;
  const [user] = await db.select({ username: users.username }).from(users).where(eq(users.id, row.userId));
  const [updated] = await db.batch([
    db
      .update(impersonations)
      .set({ endedAt: now.toISOString(), endReason: reason })
      .where(and(eq(impersonations.id, id), isNull(impersonations.endedAt)))
      .returning({ id: impersonations.id }),
    auditAfterChange({ id: row.adminId, username: row.admin ?? "(deleted admin)" }, "impersonation.end", { type: "user", id: row.userId, name: user?.username ?? null }, { impersonation: id, reason }),
  ]);
  return updated.length > 0;
}

/**
 * The impersonation a verified cookie names, if it still holds for the admin's live session: the user
 * to act as and the impersonator; else null (and the row is ended with the reason, once). The admin's
 * session has already been checked by the caller (lib/auth/dal): `admin` is its live record.
 */
export async function liveImpersonation(
  claims: ImpersonationClaims,
  admin: Pick<SessionState, "id" | "username" | "role" | "active">,
  adminSessionId: string,
  now = new Date(),
): Promise<{ user: SessionState; impersonator: Impersonator } | null> {
  if (claims.aid !== admin.id || claims.asid !== adminSessionId) return null; // another session's cookie: not this admin's to use
  const [row] = await getDb()
    .select({ userId: impersonations.userId })
    .from(impersonations)
    .where(and(eq(impersonations.id, claims.iid), eq(impersonations.adminSessionId, adminSessionId), isNull(impersonations.endedAt), gt(impersonations.expiresAt, now.toISOString())));
  if (!row || row.userId !== claims.uid) return null;
  const end = async (reason: EndReason) => {
    await endImpersonation(claims.iid, reason, now);
    return null;
  };
  if (admin.role !== "admin") return end("admin_no_longer_admin");
  if (!admin.active) return end("admin_session_ended");
  const user = await sessionStateOf(claims.uid);
  if (!user) return end("user_deleted");
  if (!user.active) return end("user_suspended");
  if (user.role === "admin") return end("user_became_admin");
  // The admin is not the user: a password change due is the user's to make, not the admin's.
  return { user: { ...user, mustChangePassword: false }, impersonator: { id: admin.id, username: admin.username, impersonationId: claims.iid } };
}

/** Ends the impersonations an admin's session left open (their sign-out): they die with it. */
export async function endImpersonationsOfSession(adminSessionId: string, now = new Date()) {
  const open = await getDb()
    .select({ id: impersonations.id })
    .from(impersonations)
    .where(and(eq(impersonations.adminSessionId, adminSessionId), isNull(impersonations.endedAt)));
  for (const { id } of open) await endImpersonation(id, "admin_session_ended", now);
}

/** Impersonations whose time ran out without an end: ended as expired (for the audit trail), e.g. at start-up. */
export async function expiredOpenImpersonations(now = new Date()): Promise<number> {
  const rows = await getDb()
    .select({ id: impersonations.id })
    .from(impersonations)
    .where(and(isNull(impersonations.endedAt), sql`${impersonations.expiresAt} <= ${now.toISOString()}`));
  for (const { id } of rows) await endImpersonation(id, "expired", now);
  return rows.length;
}

/**
 * Ends at once the open impersonations a change to `userId` has ended: by them as the admin (suspended,
 * demoted, deleted) and of them as the user (suspended, made an admin, deleted). The next request would
 * find them dead anyway (liveImpersonation); this writes the end and its reason into the audit trail now.
 */
export async function endImpersonationsInvolving(userId: string, change: "suspended" | "role" | "deleted", now = new Date()) {
  const open = await getDb()
    .select({ id: impersonations.id, adminId: impersonations.adminId })
    .from(impersonations)
    .where(and(isNull(impersonations.endedAt), sql`(${impersonations.adminId} = ${userId} OR ${impersonations.userId} = ${userId})`));
  for (const row of open) {
    const asAdmin = row.adminId === userId;
    const reasons = {
      suspended: ["admin_suspended", "user_suspended"],
      role: ["admin_no_longer_admin", "user_became_admin"],
      deleted: ["admin_deleted", "user_deleted"],
    } as const satisfies Record<typeof change, readonly [EndReason, EndReason]>;
    const reason = reasons[change][asAdmin ? 0 : 1];
    await endImpersonation(row.id, reason, now);
  }
}
