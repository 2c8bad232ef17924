import "server-only";
import type { KeyStatus, Role } from "@/db/schema";
import type { Actor } from "@/lib/audit";
import { listRoutingEndpoints } from "@/lib/endpoints";
import { callGrantsOf } from "@/lib/permissions";
import { callableIds } from "@/lib/gateway/overlay";
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
  const [grants, endpoints, table] = await Promise.all([callGrantsOf(me.id), listRoutingEndpoints(), overlayTable()]);
  return callableIds(table, endpoints, { userId: me.id, role: me.role, grants }).map((m) => m.id);
}
