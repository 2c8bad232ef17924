import "server-only";
import { and, eq, gt, inArray, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { apiKeys, permissions, revokedSessions, users, type Role } from "@/db/schema";
import type { BudgetTerms } from "@/lib/budgets/windows";
import { CALL_TYPES, noGrants, type CallGrants } from "@/lib/permissions/rules";
import { cache } from "@/lib/cache";
import { shared } from "@/lib/shared";
import { nowIso } from "@/lib/time";

// What the app caches about its callers, in one place: the session record every page and action
// checks, and the auth record every gateway call checks. Both are filled from SQLite on a miss through
// the cache's guarded pair, and both are dropped by evictCallers(), which every mutation of users and
// keys awaits before it returns. Beside them, the resources version: bumped by every change to what a
// call can be routed to, read in the same round trip as the key's record, so that each instance
// reloads its routing table the moment it moves.
//
// Why neither pub/sub nor a per-instance copy: with Valkey configured these records live only in
// Valkey, so the eviction an admin action awaits is the one every instance reads on its next call;
// nothing is left to notify. Without Valkey there is a single process (pages and gateway share it).

const RECORD_TTL_SECONDS = 60;
const RESOURCES = "resources";

const keys = {
  session: (userId: string) => `sess:${userId}`,
  keyAuth: (keyHash: string) => `auth:${keyHash}`,
};

// ---------------------------------------------------------------- the session record

/** What every request checks about its user. */
export type SessionState = {
  id: string;
  username: string;
  displayName: string | null;
  role: Role;
  active: boolean;
  sessionVersion: number;
  mustChangePassword: boolean;
  /** Ids of this user's sessions that were signed out and have not expired yet. */
  revokedSessions: string[];
};

export async function sessionStateOf(userId: string): Promise<SessionState | undefined> {
  const key = keys.session(userId);
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
  const revoked = await getDb()
    .select({ sid: revokedSessions.sid })
    .from(revokedSessions)
    .where(and(eq(revokedSessions.userId, userId), gt(revokedSessions.expiresAt, nowIso())));
  const { isActive, mustChangePassword, ...rest } = row;
  const state: SessionState = { ...rest, active: isActive === 1, mustChangePassword: mustChangePassword === 1, revokedSessions: revoked.map((r) => r.sid) };
  await cache().setGuarded(key, state, RECORD_TTL_SECONDS, generation);
  return state;
}

// ---------------------------------------------------------------- the gateway's record of a key

/** What a gateway call needs to know about its key and user. */
export type KeyAuth =
  | { found: false }
  | ({
      found: true;
      keyId: string;
      keyActive: boolean;
      userId: string;
      username: string;
      userActive: boolean;
      role: Role;
      /** Budget alerts (lib/alerts); the address is read only when one is sent. */
      alertEnabled: boolean;
      alertThresholdPct: number;
      /** The user's grants a call is checked against (lib/permissions): dropped with the record on every grant and revoke. */
      grants: CallGrants;
      /** The user's active CC profile (lib/templates), or null (absent in a record cached before it existed). */
      activeProfileId?: string | null;
    } & BudgetTerms);

/** A key's record and the resources version, read in one round trip. */
export type KeyCaller = { auth: KeyAuth; resourcesVersion: string | undefined };

/**
 * The auth record of a key hash: one cache round trip when cached; on a miss one SQLite join, then a
 * guarded fill (dropped if an eviction happened meanwhile). Unknown hashes are cached as such too, so a
 * flood of bad keys does not reach SQLite; a new key evicts its hash when created.
 */
export async function keyCallerOf(keyHash: string): Promise<KeyCaller> {
  const key = keys.keyAuth(keyHash);
  const { value, generation, versions } = await cache().getGuarded<KeyAuth>(key, [RESOURCES]);
  const resourcesVersion = versions[0];
  // A record cached by a version without grants is read afresh rather than taken for "no grants".
  if (value && (!value.found || value.grants)) return { auth: value, resourcesVersion };
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
      tzPreviousOffsetHours: users.tzPreviousOffsetHours,
      tzSwitchAt: users.tzSwitchAt,
      alertEnabled: users.alertEnabled,
      alertThresholdPct: users.alertThresholdPct,
      activeProfileId: users.activeCcProfileId,
      // In the same read: the grants as [type, id] pairs.
      grants: sql<string>`(SELECT json_group_array(json_array(${permissions.resourceType}, ${permissions.resourceId})) FROM ${permissions}
        WHERE ${permissions.userId} = ${users.id} AND ${inArray(permissions.resourceType, [...CALL_TYPES])})`,
    })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(eq(apiKeys.keyHash, keyHash));
  let auth: KeyAuth = { found: false };
  if (row) {
    const { keyStatus, isActive, alertEnabled, grants, ...rest } = row;
    auth = { found: true, ...rest, keyActive: keyStatus === "active", userActive: isActive === 1, alertEnabled: alertEnabled === 1, grants: callGrants(grants) };
  }
  await cache().setGuarded(key, auth, RECORD_TTL_SECONDS, generation);
  return { auth, resourcesVersion };
}

/** [type, id] pairs as JSON to grants by type. */
function callGrants(pairs: string): CallGrants {
  const grants = noGrants();
  for (const [type, id] of JSON.parse(pairs) as [keyof CallGrants, string][]) grants[type].push(id);
  return grants;
}

// ---------------------------------------------------------------- eviction

/**
 * Drops every cached record of a user (their session record and the records of all their keys), or
 * of one key, everywhere. Every mutation that changes what a user or key may do awaits it before it
 * returns; that is what makes "refused at the next request" true on every instance. `keyHashes` is
 * given when the user's keys are about to be deleted (they can no longer be looked up afterwards).
 */
export async function evictCallers(who: { userId: string; keyHashes?: string[] } | { keyHash: string }) {
  if ("keyHash" in who) return cache().evict(keys.keyAuth(who.keyHash));
  const hashes = who.keyHashes ?? (await keyHashesOf(who.userId));
  await cache().evict(keys.session(who.userId), ...hashes.map(keys.keyAuth));
}

/** evictCallers for many users at once (a bulk grant, a renamed endpoint): one read of their keys. */
export async function evictUsers(userIds: readonly string[]) {
  for (let i = 0; i < userIds.length; i += 500) {
    const some = userIds.slice(i, i + 500);
    const rows = await getDb().select({ h: apiKeys.keyHash }).from(apiKeys).where(inArray(apiKeys.userId, some));
    await cache().evict(...some.map(keys.session), ...rows.map((r) => keys.keyAuth(r.h)));
  }
}

/** The hashes of a user's keys, to evict their records (or to read before deleting the keys). */
export async function keyHashesOf(userId: string): Promise<string[]> {
  const rows = await getDb().select({ h: apiKeys.keyHash }).from(apiKeys).where(eq(apiKeys.userId, userId));
  return rows.map((r) => r.h);
}

/** Every change to what a call can be routed to (endpoints; later grants, templates, profiles) ends here. */
export async function resourcesChanged() {
  await cache().bump(RESOURCES);
}

// While the version cannot be read (Valkey unreachable) a copy serves for BLIND_LIFETIME_MS; and no copy
// serves longer than MAX_LIFETIME_MS, in case a bump was lost with a process that died during an outage.
const BLIND_LIFETIME_MS = 2000;
const MAX_LIFETIME_MS = 60_000;

/**
 * A process-local copy of what calls are routed by (the endpoints, the templates and profiles), loaded
 * by `load` and reloaded when the resources version a call read with its key differs from the copy's.
 * `drop()` makes this instance reload at once (its own writes).
 */
export function versionedCopy<T>(name: string, load: () => Promise<T>) {
  type Copy = { version: string | undefined; at: number; value: Promise<T> };
  const holder = () => shared(`copy:${name}`, () => ({ copy: undefined as Copy | undefined }));
  return {
    get(version: string | undefined): Promise<T> {
      const h = holder();
      const now = Date.now();
      const copy = h.copy;
      const stale = !copy || now - copy.at > MAX_LIFETIME_MS || (version === undefined ? now - copy.at > BLIND_LIFETIME_MS : copy.version !== version);
      if (!stale) return copy.value;
      const value = load();
      h.copy = { version, at: now, value };
      value.catch(() => {
        if (h.copy?.value === value) h.copy = undefined;
      });
      return value;
    },
    drop() {
      holder().copy = undefined;
    },
  };
}
