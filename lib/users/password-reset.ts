import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { after } from "next/server";
import { getDb } from "@/db";
import { passwordResetTokens, users } from "@/db/schema";
import { auditAfterChange } from "@/lib/audit";
import { countersFor, take as takeCount, type Counter } from "@/lib/auth/counters";
import { evictCallers } from "@/lib/callers";
import { DomainError } from "@/lib/errors";
import { mailEnabled, sendPasswordResetMail } from "@/lib/mail";
import { nowIso } from "@/lib/time";
import { hashPassword } from "./passwords";
import { userTarget } from "./rows";

// "Forgot password": a link by e-mail that sets a new password once (SPEC §2 password_reset_tokens,
// §6). What it must never tell anyone is whether an address belongs to an account:
//
// - The answer is the same words whether the address is unknown, belongs to a suspended user (no mail
//   for them) or to an active one.
// - The same work, in the same time: every request looks the address up, makes a token and hashes it.
//   Only an active account's request then writes the token (one small SQLite batch) and hands the mail
//   to SMTP; the mail is sent off the response path (an SMTP round trip would otherwise be a clear
//   tell), and every answer is padded to at least MIN_ANSWER_MS from its start, which covers the write.
// - Requests are counted before anything else, per address and per client IP, the same for known and
//   unknown addresses, so "too many requests" (said openly, with the wait) tells nothing about an
//   account either. Counted with rate-limiter-flexible the way sign-ins are (lib/auth/login-limits):
//   in Valkey when configured (shared by every instance), in process otherwise or while it is
//   unreachable.
//
// The token is 32 random bytes in base64url. Only its SHA-256 is stored, so the table cannot be used to
// reset anything; it lives an hour, works once, and a newer request voids the older unused ones.

export const RESET_TOKEN_TTL_MINUTES = 60;
export const MIN_ANSWER_MS = 400;
const HOUR = 60 * 60;
export const RESET_LIMITS = {
  /** Per address: a user who lost a mail may ask again, but nobody can fill an inbox. */
  email: { keyPrefix: "reset:email", points: 3, duration: HOUR },
  /** Per client IP, whatever the addresses: no sweeping through a list of them. */
  ip: { keyPrefix: "reset:ip", points: 20, duration: HOUR },
};

const limiters = () => countersFor("reset-limits", RESET_LIMITS);

/** One request on a counter: the wait in ms if it is over the limit, else 0 (a count not taken: a minute). */
async function take(counter: Counter, key: string): Promise<number> {
  const t = await takeCount(counter, key, { label: "password-reset", failWaitMs: 60_000 });
  return t.ok ? 0 : Math.max(1000, t.waitMs);
}

export const hashResetToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** The one answer to every accepted request, whoever the address belongs to (or not). */
export const RESET_REQUESTED = "If an active account uses this address, a link to choose a new password is on its way. It works once, for an hour.";

export function tooManyResetRequests(retryAfterSeconds: number): string {
  const wait = retryAfterSeconds < 60 ? `${retryAfterSeconds} seconds` : `${Math.ceil(retryAfterSeconds / 60)} minutes`;
  return `Too many requests. Try again in ${wait}.`;
}

export type ResetRequestAnswer = { sent: true } | { sent: false; retryAfterSeconds: number };

/**
 * Asks for a reset link for `email` from `ip`. `{ sent: true }` means only "if an active account has
 * this address, a link is on its way": the caller shows one message for all of them.
 */
export async function requestPasswordReset(email: string, ip: string, now = new Date()): Promise<ResetRequestAnswer> {
  const started = Date.now();
  try {
    if (!mailEnabled()) throw new DomainError("Password reset by e-mail is not available. Ask an administrator to reset your password.");
    const l = limiters();
    const wait = Math.max(await take(l.ip, ip), await take(l.email, email));
    if (wait > 0) return { sent: false, retryAfterSeconds: Math.ceil(wait / 1000) };

    const [row] = await getDb()
      .select({ id: users.id, username: users.username, displayName: users.displayName, isActive: users.isActive })
      .from(users)
      .where(eq(users.email, email));
    const token = randomBytes(32).toString("base64url");
    const tokenHash = hashResetToken(token);
    if (row && row.isActive === 1) {
      const at = now.toISOString();
      const db = getDb();
      await db.batch([
        // Earlier links of this user stop working: only the newest one counts.
        db.update(passwordResetTokens).set({ usedAt: at }).where(and(eq(passwordResetTokens.userId, row.id), isNull(passwordResetTokens.usedAt))),
        db.insert(passwordResetTokens).values({
          userId: row.id,
          tokenHash,
          expiresAt: new Date(now.getTime() + RESET_TOKEN_TTL_MINUTES * 60_000).toISOString(),
          createdAt: at,
        }),
      ]);
      // Off the response path (see above): Next's after() runs it once the answer is sent, and keeps a
      // serverless host's function alive for it. A failure is logged, and the person may ask again.
      const mail = { to: email, name: row.displayName ?? row.username, username: row.username, token, validMinutes: RESET_TOKEN_TTL_MINUTES };
      after(() => sendPasswordResetMail(mail).catch((e) => console.error("[password-reset] the reset mail could not be sent:", e)));
    }
    return { sent: true };
  } finally {
    const rest = MIN_ANSWER_MS - (Date.now() - started);
    if (rest > 0) await new Promise((r) => setTimeout(r, rest));
  }
}

const INVALID_LINK = "This reset link is not valid: it was already used, has expired (links last an hour), or a newer one was sent. Ask for a new one.";

/** Whether a link's token can still be used (for the reset page; it does not use it up). */
export async function resetTokenUsable(token: string, now = new Date()): Promise<boolean> {
  const [row] = await getDb()
    .select({ id: passwordResetTokens.id })
    .from(passwordResetTokens)
    .innerJoin(users, eq(users.id, passwordResetTokens.userId))
    .where(
      and(
        eq(passwordResetTokens.tokenHash, hashResetToken(token)),
        isNull(passwordResetTokens.usedAt),
        gt(passwordResetTokens.expiresAt, now.toISOString()),
        eq(users.isActive, 1),
      ),
    );
  return Boolean(row);
}

/**
 * Sets a new password with a link's token, once. In one batch: the token is marked used (only if it
 * is unused and unexpired), and only if that happened the password is set, must_change_password
 * cleared and the session version bumped (every session of the user ends), the user's other unused
 * tokens voided, and the audit row written. Then the cached session record is evicted, as
 * changeOwnPassword does. An unknown, used or expired token, or a suspended user, is one message.
 */
export async function resetPasswordWithToken(token: string, password: string, now = new Date()): Promise<{ username: string }> {
  const tokenHash = hashResetToken(token);
  const db = getDb();
  const [found] = await db
    .select({ userId: passwordResetTokens.userId, username: users.username })
    .from(passwordResetTokens)
    .innerJoin(users, eq(users.id, passwordResetTokens.userId))
    .where(and(eq(passwordResetTokens.tokenHash, tokenHash), isNull(passwordResetTokens.usedAt), gt(passwordResetTokens.expiresAt, now.toISOString()), eq(users.isActive, 1)));
  if (!found) throw new DomainError(INVALID_LINK);
  const hashedPassword = await hashPassword(password);
  const at = nowIso();
  const me = { id: found.userId, username: found.username };
  const [claimed, updated] = await db.batch([
    db
      .update(passwordResetTokens)
      .set({ usedAt: at })
      .where(and(eq(passwordResetTokens.tokenHash, tokenHash), isNull(passwordResetTokens.usedAt), gt(passwordResetTokens.expiresAt, now.toISOString()))),
    // changes(): the claim just above succeeded (a second use of the same link, at the same moment, did not).
    db
      .update(users)
      .set({ hashedPassword, mustChangePassword: 0, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: at })
      .where(and(eq(users.id, found.userId), eq(users.isActive, 1), sql`changes() > 0`)),
    auditAfterChange(me, "user.password_reset_by_link", userTarget(me)),
    db.update(passwordResetTokens).set({ usedAt: at }).where(and(eq(passwordResetTokens.userId, found.userId), isNull(passwordResetTokens.usedAt))),
  ]);
  if (claimed.rowsAffected === 0 || updated.rowsAffected === 0) throw new DomainError(INVALID_LINK);
  await evictCallers({ userId: found.userId });
  return { username: found.username };
}
