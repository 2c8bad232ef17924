import "server-only";
import { and, eq, ne } from "drizzle-orm";
import { getDb } from "@/db";
import { uniqueViolation } from "@/db/errors";
import { users } from "@/db/schema";
import { auditAfterChange, type Actor } from "@/lib/audit";
import { evictCallers } from "@/lib/callers";
import { DomainError } from "@/lib/errors";
import { mailEnabled, sendEmailChangedMail } from "@/lib/mail";
import { nowIso } from "@/lib/time";
import { verifyPassword } from "./passwords";
import { requireUserRow, userTarget } from "./rows";

// What a user changes of their own account on /user/profile. The actor is always the user themself,
// so every audit row says they did it. Password changes go through credentials.changeOwnPassword.

/** Their display name (null: none, the username shows instead). The header reads it from the session record, so that is evicted. */
export async function setOwnDisplayName(me: Actor, displayName: string | null) {
  const before = await requireUserRow(me.id);
  if (before.displayName === displayName) return;
  const db = getDb();
  await db.batch([
    db.update(users).set({ displayName, updatedAt: nowIso() }).where(eq(users.id, me.id)),
    auditAfterChange(me, "user.profile", userTarget(before), { displayName: { from: before.displayName, to: displayName } }),
  ]);
  await evictCallers({ userId: me.id });
}

const EMAIL_TAKEN = "This email is already used by another user";

/**
 * Moves the account to a new address, after checking the current password (wrong: a field error and
 * nothing changed). `users.email` is UNIQUE: an address another account holds is a field error, both
 * when seen beforehand and when two saves race to the constraint. The old address is told (when mail
 * is on), so that an owner whose session was taken over learns of it; a failed notice does not undo
 * the change (it is logged). Returns whether the notice went out.
 */
export async function changeOwnEmail(me: Actor, current: string, email: string): Promise<{ changed: boolean; notified: boolean }> {
  const before = await requireUserRow(me.id);
  if (!before.hashedPassword || !(await verifyPassword(current, before.hashedPassword))) {
    throw DomainError.field("current", "The current password is not correct");
  }
  if (before.email === email) return { changed: false, notified: false };
  const db = getDb();
  const [clash] = await db.select({ id: users.id }).from(users).where(and(eq(users.email, email), ne(users.id, me.id))).limit(1);
  if (clash) throw DomainError.field("email", EMAIL_TAKEN);
  try {
    await db.batch([
      db.update(users).set({ email, updatedAt: nowIso() }).where(eq(users.id, me.id)),
      auditAfterChange(me, "user.email_change", userTarget(before), { from: before.email, to: email }),
    ]);
  } catch (e) {
    if (uniqueViolation(e) === "users.email") throw DomainError.field("email", EMAIL_TAKEN);
    throw e;
  }
  // The alert mail goes to users.email when no alert address is set: the gateway's record carries it.
  await evictCallers({ userId: me.id });
  let notified = false;
  if (before.email && mailEnabled()) {
    try {
      await sendEmailChangedMail({ to: before.email, name: before.displayName ?? before.username, username: before.username, newEmail: email });
      notified = true;
    } catch (e) {
      console.error("[profile] the e-mail change notice could not be sent:", e);
    }
  }
  return { changed: true, notified };
}
