import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { getDb } from "@/db";
import { permissions, type KeyStatus, type Role } from "@/db/schema";
import type { Actor } from "@/lib/audit";
import { listRoutingEndpoints } from "@/lib/endpoints";
import { modelIds } from "@/lib/gateway/routing";
import { CALL_TYPES, noGrants, permitOf } from "@/lib/permissions/rules";
import { callableTemplates } from "@/lib/gateway/overlay";
import { overlayTable } from "@/lib/templates";
import { createKey, deleteKey, listKeys, renameKey, setKeyStatus, type KeyRow } from ".";

// The signed-in user's own keys (the portal's /user/keys). Every function takes the user and scopes
// to their keys: another user's key id is answered exactly like a key that does not exist ("This key
// no longer exists."), never "forbidden", and nothing is changed. Audit and cache eviction are the
// same as the admin's, in lib/keys.

type Owner = Actor & { role: Role };

export const ownKeys = (me: Owner): Promise<KeyRow[]> => listKeys(me.id);
export const createOwnKey = (me: Owner, label: string) => createKey(me, me.id, label);
export const renameOwnKey = (me: Owner, keyId: string, label: string) => renameKey(me, keyId, label, me.id);
export const setOwnKeyStatus = (me: Owner, keyId: string, status: KeyStatus) => setKeyStatus(me, keyId, status, me.id, "owner");
export const deleteOwnKey = (me: Owner, keyId: string) => deleteKey(me, keyId, me.id);

/**
 * The models the user's keys may call: the list GET /v1/models answers for them (the same routing
 * table, templates and permit; a template's name replaces a model's), read fresh rather than through
 * the gateway's cached copies.
 */
export async function ownModels(me: Owner): Promise<string[]> {
  const rows = await getDb()
    .select({ type: permissions.resourceType, id: permissions.resourceId })
    .from(permissions)
    .where(and(eq(permissions.userId, me.id), inArray(permissions.resourceType, [...CALL_TYPES])));
  const grants = noGrants();
  for (const r of rows) grants[r.type as keyof typeof grants].push(r.id);
  const [endpoints, table] = await Promise.all([listRoutingEndpoints(), overlayTable()]);
  const templates = callableTemplates(table, endpoints, { userId: me.id, role: me.role, grants });
  const names = new Set(templates);
  return [...modelIds(endpoints, permitOf({ role: me.role, grants })).map((m) => m.id).filter((id) => !names.has(id)), ...templates];
}
