import "server-only";
import { and, desc, eq, sql } from "drizzle-orm";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { getDb } from "@/db";
import { apiKeys, users, type Role } from "@/db/schema";
import { auditAfterChange, type Actor } from "@/lib/audit";
import { cache, cacheKeys } from "@/lib/cache";
import { DomainError } from "@/lib/errors";
import { nowIso } from "@/lib/time";

// API keys: `tg-sk-` + 48 hex characters (24 bytes from the CSPRNG). Only the SHA-256 of a key is
// stored; the key itself exists in the create action's answer and nowhere else. The prefix shown
// everywhere is its first 16 characters.

export const KEY_PREFIX = "tg-sk-";
const KEY_PATTERN = /^tg-sk-[0-9a-f]{48}$/;

export const generateKey = () => KEY_PREFIX + randomBytes(24).toString("hex");
export const hashKey = (key: string) => createHash("sha256").update(key).digest("hex");
export const looksLikeKey = (key: string) => KEY_PATTERN.test(key);

export type KeyRow = { id: string; prefix: string; label: string; status: "active" | "suspended"; createdAt: string; lastUsedAt: string | null };

export async function listKeys(userId: string): Promise<KeyRow[]> {
  return getDb()
    .select({ id: apiKeys.id, prefix: apiKeys.prefix, label: apiKeys.label, status: apiKeys.status, createdAt: apiKeys.createdAt, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(eq(apiKeys.userId, userId))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

export async function keyHashesOf(userId: string): Promise<string[]> {
  const rows = await getDb().select({ h: apiKeys.keyHash }).from(apiKeys).where(eq(apiKeys.userId, userId));
  return rows.map((r) => r.h);
}

/** Drops the cached auth records of these key hashes everywhere, before the caller returns. */
export async function evictKeyAuth(hashes: string[]) {
  await cache().evict(...hashes.map(cacheKeys.keyAuth));
}

async function requireKey(keyId: string, userId?: string) {
  const [row] = await getDb()
    .select({ id: apiKeys.id, userId: apiKeys.userId, prefix: apiKeys.prefix, label: apiKeys.label, status: apiKeys.status, keyHash: apiKeys.keyHash, username: users.username })
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
  const id = randomUUID().replaceAll("-", "");
  const prefix = key.slice(0, 16);
  const db = getDb();
  await db.batch([
    db.insert(apiKeys).values({ id, userId, label, prefix, keyHash: hashKey(key), status: "active", createdAt: nowIso() }),
    auditAfterChange(actor, "key.create", { type: "api_key", id, name: `${owner.username}:${prefix}` }, { userId, label }),
  ]);
  // A lookup of this hash before it existed may have cached "unknown key".
  await evictKeyAuth([hashKey(key)]);
  return { id, key, prefix };
}

export async function setKeyStatus(actor: Actor, keyId: string, status: "active" | "suspended", userId?: string) {
  const before = await requireKey(keyId, userId);
  if (before.status === status) return;
  const db = getDb();
  await db.batch([
    db.update(apiKeys).set({ status }).where(eq(apiKeys.id, keyId)),
    auditAfterChange(actor, status === "active" ? "key.reactivate" : "key.suspend", target(before)),
  ]);
  await evictKeyAuth([before.keyHash]);
}

export async function deleteKey(actor: Actor, keyId: string, userId?: string) {
  const before = await requireKey(keyId, userId);
  const db = getDb();
  await db.batch([db.delete(apiKeys).where(eq(apiKeys.id, keyId)), auditAfterChange(actor, "key.delete", target(before), { label: before.label })]);
  await evictKeyAuth([before.keyHash]);
}

// ---------------------------------------------------------------- the gateway's view

/** What a gateway call needs to know about its key and user; cached by key hash. */
export type KeyAuth =
  | { found: false }
  | {
      found: true;
      keyId: string;
      keyActive: boolean;
      userId: string;
      username: string;
      userActive: boolean;
      role: Role;
      dailyLimit: number | null;
      monthlyLimit: number | null;
      totalLimit: number | null;
      budgetType: "subscription" | "one_time";
      budgetSetAt: string | null;
      timezoneOffsetHours: number;
    };

const AUTH_TTL_SECONDS = 60;

/**
 * The auth record of a key hash: one cache round trip when cached; on a miss one SQLite join, then a
 * guarded fill (dropped if an eviction happened meanwhile). Unknown hashes are cached as such too, so a
 * flood of bad keys does not reach SQLite; a new key evicts its hash when created.
 *
 * Why neither pub/sub nor a version key checked on every call: with Valkey configured these records
 * live only in Valkey, with no per-instance copy in front, so the eviction an admin action awaits is
 * the one every instance reads on its next call — nothing is left to notify. A version key would cost
 * a second lookup per call; pub/sub would need an acknowledgement from every instance before the
 * action could return. Without Valkey there is a single process (pages and gateway share it).
 */
export async function keyAuthOf(keyHash: string): Promise<KeyAuth> {
  const cacheKey = cacheKeys.keyAuth(keyHash);
  const { value, generation } = await cache().getGuarded<KeyAuth>(cacheKey);
  if (value) return value;
  const [row] = await getDb()
    .select({
      keyId: apiKeys.id,
      keyStatus: apiKeys.status,
      userId: users.id,
      username: users.username,
      isActive: users.isActive,
      role: users.role,
      dailyLimit: users.dailyLimit,
      monthlyLimit: users.monthlyLimit,
      totalLimit: users.totalLimit,
      budgetType: users.budgetType,
      budgetSetAt: users.budgetSetAt,
      timezoneOffsetHours: users.timezoneOffsetHours,
    })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(eq(apiKeys.keyHash, keyHash));
  const auth: KeyAuth = row
    ? {
        found: true,
        keyId: row.keyId,
        keyActive: row.keyStatus === "active",
        userId: row.userId,
        username: row.username,
        userActive: row.isActive === 1,
        role: row.role,
        dailyLimit: row.dailyLimit,
        monthlyLimit: row.monthlyLimit,
        totalLimit: row.totalLimit,
        budgetType: row.budgetType,
        budgetSetAt: row.budgetSetAt,
        timezoneOffsetHours: row.timezoneOffsetHours,
      }
    : { found: false };
  await cache().setGuarded(cacheKey, auth, AUTH_TTL_SECONDS, generation);
  return auth;
}

// ---------------------------------------------------------------- last used, coalesced

// A call marks its key as used in memory; the marks are written in one batch every few seconds, so no
// call waits for a database write for it. A crash loses at most that much last-used precision, never a
// usage record (those are written per call, see lib/usage).
const FLUSH_EVERY_MS = 5000;
type KeyUse = { pending: Map<string, string>; timer?: NodeJS.Timeout };
const g = globalThis as unknown as { __tollgateKeyUse?: KeyUse };
const use: KeyUse = (g.__tollgateKeyUse ??= { pending: new Map() });

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
