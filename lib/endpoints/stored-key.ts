import "server-only";
import { isSealed, seal, sealedKeyId, SealError, unseal } from "@/lib/cipher";
import { config } from "@/lib/config";

// How an upstream API key sits in model_endpoints.upstream_api_key: sealed (AES-256-GCM, lib/cipher)
// under the newest key of ENCRYPTION_KEYS, so that a copy of the database alone does not reveal it.
// Each value is bound to its endpoint's id and base URL: copied into another row, or left under a base
// URL changed past the app (a write that would send the key elsewhere), it no longer opens. A value in
// clear is one written before keys were encrypted (or by an instance of that version during an
// upgrade): it is read as it is, and sealed at the next start (sealClearKeys) or rotation.

type Owner = { id: string; baseUrl: string };

/** What a sealed key is bound to (lib/cipher's context): its column, its endpoint's id and base URL. */
export const keyContext = (owner: Owner) => `model_endpoints.upstream_api_key\n${owner.id}\n${owner.baseUrl}`;

/** The column's value for a key entered by an admin. */
export const sealKey = (key: string, owner: Owner) => seal(key, keyContext(owner), config().encryptionKeys);

export type StoredKey = { ok: true; key: string | null } | { ok: false; problem: string; keyId?: string; unknownKey: boolean };

/** The clear key behind the column's value, or why it cannot be had. */
export function readKey(stored: string | null, owner: Owner): StoredKey {
  if (stored === null) return { ok: true, key: null };
  if (!isSealed(stored)) return { ok: true, key: stored };
  try {
    return { ok: true, key: unseal(stored, keyContext(owner), config().encryptionKeys) };
  } catch (e) {
    if (!(e instanceof SealError)) throw e;
    return { ok: false, problem: e.message, keyId: e.keyId, unknownKey: e.reason === "unknown_key" };
  }
}

/**
 * The key the gateway sends, or null. A key that cannot be opened (a key id this instance was not
 * given, an altered value) is logged and the endpoint used as one without a key: its calls then fail
 * at the upstream with a 502, while every other endpoint goes on working.
 */
export function usableKey(stored: string | null, owner: Owner & { name: string }): string | null {
  const read = readKey(stored, owner);
  if (read.ok) return read.key;
  const remedy = read.unknownKey ? `key ${read.keyId} is added to ENCRYPTION_KEYS (after the newest), or ` : "";
  console.error(
    `[endpoints] the upstream API key of endpoint "${owner.name}" cannot be decrypted: ${read.problem} ` +
      `The endpoint is used without a key until ${remedy}an admin enters its key again. (This instance's keys: ${config().encryptionKeysFrom}.)`,
  );
  return null;
}

/** True when the value is sealed under the newest key (nothing for a rotation to do). */
export const underNewestKey = (stored: string) => sealedKeyId(stored) === config().encryptionKeys[0]?.id;
