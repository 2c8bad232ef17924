import "server-only";
import { and, desc, eq, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { apiKeys, users, type KeyStatus, type KeySuspender } from "@/db/schema";
import { auditAfterChange, type Actor } from "@/lib/audit";
import { evictCallers } from "@/lib/callers";
import { DomainError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { shared } from "@/lib/shared";
import { nowIso } from "@/lib/time";
import { generateKey, hashKey, prefixOf } from "./format";

// API keys (format in ./format): the key itself exists in the create action's answer and nowhere
// else; the table holds its SHA-256 and its prefix.

export type KeyRow = {
  id: string;
  prefix: string;
  label: string;
  status: KeyStatus;
  suspendedBy: KeySuspender | null;
  createdAt: string;
  lastUsedAt: string | null;
};

export async function listKeys(userId: string): Promise<KeyRow[]> {
  return getDb()
    .select({
      id: apiKeys.id,
      prefix: apiKeys.prefix,
      label: apiKeys.label,
      status: apiKeys.status,
      suspendedBy: apiKeys.suspendedBy,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.userId, userId))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

/**
 * The key, or a DomainError. With `userId` only that user's key: another user's key id gets the very
 * answer a key that does not exist gets, so an id reveals nothing about whose it is.
 */
async function requireKey(keyId: string, userId?: string) {
  const [row] = await getDb()
    .select({
      id: apiKeys.id,
      userId: apiKeys.userId,
      prefix: apiKeys.prefix,
      label: apiKeys.label,
      status: apiKeys.status,
      suspendedBy: apiKeys.suspendedBy,
      keyHash: apiKeys.keyHash,
      username: users.username,
    })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(userId ? and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId)) : eq(apiKeys.id, keyId));
  if (!row) throw new DomainError("This key no longer exists.");
  return row;
}

const target = (k: { id: string; prefix: string; username: string }) => ({ type: "api_key", id: k.id, name: `${k.username}:${k.prefix}` });

/** Creates a key for the user and returns it: the only moment the full key exists outside the client. */
export async function createKey(actor: Actor, userId: string, label: string): Promise<{ id: string; key: string; prefix: string }> {
  const [owner] = await getDb().select({ id: users.id, username: users.username }).from(users).where(eq(users.id, userId));
  if (!owner) throw new DomainError("This user no longer exists.");
  const key = generateKey();
  const id = newId();
  const prefix = prefixOf(key);
  const db = getDb();
  await db.batch([
    db.insert(apiKeys).values({ id, userId, label, prefix, keyHash: hashKey(key), status: "active", createdAt: nowIso() }),
    auditAfterChange(actor, "key.create", { type: "api_key", id, name: `${owner.username}:${prefix}` }, { userId, label }),
  ]);
  // A lookup of this hash before it existed may have cached "unknown key".
  await evictCallers({ keyHash: hashKey(key) });
  return { id, key, prefix };
}

export const ADMIN_SUSPENDED = "Suspended by an administrator — ask them to reactivate it.";

/**
 * Suspends or reactivates a key. `by` says who acts: an admin (any key) or the key's owner (then
 * `userId` is theirs and scopes the lookup). The suspension remembers who made it; an owner cannot
 * lift an admin's.
 */
export async function setKeyStatus(actor: Actor, keyId: string, status: KeyStatus, userId?: string, by: KeySuspender = "admin") {
  const before = await requireKey(keyId, userId);
  if (before.status === status) return;
  if (status === "active" && by === "owner" && before.suspendedBy === "admin") throw new DomainError(ADMIN_SUSPENDED);
  const db = getDb();
  await db.batch([
    db
      .update(apiKeys)
      .set({ status, suspendedBy: status === "active" ? null : by })
      // Only from the state read above: a concurrent change is not overwritten blindly.
      .where(and(eq(apiKeys.id, keyId), eq(apiKeys.status, before.status))),
    auditAfterChange(actor, status === "active" ? "key.reactivate" : "key.suspend", target(before), by === "owner" ? { by } : undefined),
  ]);
  await evictCallers({ keyHash: before.keyHash });
}

/** Renames a key (its label); `userId` scopes the lookup to that user's keys. */
export async function renameKey(actor: Actor, keyId: string, label: string, userId?: string) {
  const before = await requireKey(keyId, userId);
  if (before.label === label) return;
  const db = getDb();
  await db.batch([
    db.update(apiKeys).set({ label }).where(eq(apiKeys.id, keyId)),
    auditAfterChange(actor, "key.rename", target(before), { from: before.label, to: label }),
  ]);
  // The label is not part of the gateway's record, but one eviction path for every key change keeps it simple.
  await evictCallers({ keyHash: before.keyHash });
}

export async function deleteKey(actor: Actor, keyId: string, userId?: string) {
  const before = await requireKey(keyId, userId);
  const db = getDb();
  await db.batch([db.delete(apiKeys).where(eq(apiKeys.id, keyId)), auditAfterChange(actor, "key.delete", target(before), { label: before.label })]);
  await evictCallers({ keyHash: before.keyHash });
}

// ---------------------------------------------------------------- last used, coalesced

// A call marks its key as used in memory; the marks are written in one batch every few seconds, so no
// call waits for a database write for it. A crash loses at most that much last-used precision, never a
// usage record (those are written per call, see lib/usage).
const FLUSH_EVERY_MS = 5000;
type KeyUse = { pending: Map<string, string>; timer?: NodeJS.Timeout };
const use = shared<KeyUse>("key-use", () => ({ pending: new Map() }));

export function markKeyUsed(keyId: string, at = nowIso()) {
  use.pending.set(keyId, at);
  use.timer ??= setTimeout(() => void flushKeyUse(), FLUSH_EVERY_MS).unref();
}

export async function flushKeyUse() {
  use.timer = undefined;
  if (use.pending.size === 0) return;
  const entries = [...use.pending];
  use.pending.clear();
  const db = getDb();
  try {
    // Never move last_used_at backwards (another instance may have written a later time).
    const [first, ...rest] = entries.map(([id, at]) =>
      db.update(apiKeys).set({ lastUsedAt: at }).where(and(eq(apiKeys.id, id), sql`coalesce(${apiKeys.lastUsedAt}, '') < ${at}`)),
    );
    await db.batch([first, ...rest]);
  } catch (e) {
    console.warn("[keys] last-used flush failed:", (e as Error).message);
  }
}
