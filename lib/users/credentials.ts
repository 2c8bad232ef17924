import "server-only";
import { eq, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { users } from "@/db/schema";
import { auditAfterChange } from "@/lib/audit";
import { evictCallers } from "@/lib/callers";
import { DomainError } from "@/lib/errors";
import { nowIso } from "@/lib/time";
import { dummyPasswordHash, hashPassword, verifyPassword } from "./passwords";
import { requireUserRow, userTarget } from "./rows";

// A user's own credentials: the sign-in check and their own password change.

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
    auditAfterChange(me, "user.password_change", userTarget(row)),
  ]);
  await evictCallers({ userId });
  return updated[0].sessionVersion;
}
