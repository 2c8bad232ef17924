import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

// Secrets at rest (today: the upstream API keys of model endpoints), sealed with AES-256-GCM.
//
//   enc:v1:<keyId>:<iv>:<tag>:<ciphertext>      (iv, tag and ciphertext in base64url)
//
// The key id is the first 8 hex characters of the key's SHA-256, so a sealed value names the key it
// needs and no separate id has to be configured: a keyring is a list of keys, newest first, and only
// the newest seals. Every value is sealed with a "context" (additional authenticated data) naming what
// it belongs to, so a value copied into another row, or a row changed past the app, does not open.

/** Keys newest first; the first seals, any of them opens what names its id. */
export type Keyring = readonly EncryptionKey[];
export type EncryptionKey = { id: string; key: Buffer };

const PREFIX = "enc:v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** Why a sealed value could not be opened. */
export class SealError extends Error {
  constructor(
    readonly reason: "unknown_key" | "refused" | "malformed",
    message: string,
    readonly keyId?: string,
  ) {
    super(message);
    this.name = "SealError";
  }
}

/** The id a key is known by inside sealed values: the first 8 hex characters of its SHA-256. */
export const keyIdOf = (key: Buffer) => createHash("sha256").update(key).digest("hex").slice(0, 8);

/**
 * A key as written in ENCRYPTION_KEYS or the generated key file: 64 hex characters, or base64 /
 * base64url of 32 bytes. Undefined for anything else (never a shorter or longer key).
 */
export function decodeKey(text: string): EncryptionKey | undefined {
  const t = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(t)) key = Buffer.from(t, "hex");
  else if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(t)) key = Buffer.from(t.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (!key || key.length !== KEY_BYTES) return undefined;
  return { id: keyIdOf(key), key };
}

/** A new random key, written as base64url (what the generated key file holds). */
export const newKeyText = () => randomBytes(KEY_BYTES).toString("base64url");

export const isSealed = (stored: string) => stored.startsWith(PREFIX);

/** The id of the key a sealed value needs (undefined when it is not a sealed value). */
export const sealedKeyId = (stored: string) => (isSealed(stored) ? stored.slice(PREFIX.length).split(":")[0] : undefined);

/** Seals `plain` under the newest key of the ring, bound to `context`. */
export function seal(plain: string, context: string, keys: Keyring): string {
  const newest = keys[0];
  if (!newest) throw new Error("No encryption key is configured.");
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", newest.key, iv);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const ct = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  const b64 = (b: Buffer) => b.toString("base64url");
  return `${PREFIX}${newest.id}:${b64(iv)}:${b64(cipher.getAuthTag())}:${b64(ct)}`;
}

/** Opens a sealed value with the key it names; throws a SealError when that key is not in the ring or the value was altered. */
export function unseal(stored: string, context: string, keys: Keyring): string {
  if (!isSealed(stored)) throw new SealError("malformed", "The value is not sealed (no enc:v1: prefix).");
  const parts = stored.slice(PREFIX.length).split(":");
  const b64 = /^[A-Za-z0-9_-]*$/;
  if (parts.length !== 4 || !/^[0-9a-f]{8}$/.test(parts[0]) || !parts.slice(1).every((p) => b64.test(p))) {
    throw new SealError("malformed", "The sealed value is malformed.");
  }
  const [keyId, iv, tag, ct] = [parts[0], ...parts.slice(1).map((p) => Buffer.from(p, "base64url"))] as [string, Buffer, Buffer, Buffer];
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SealError("malformed", "The sealed value is malformed.", keyId);
  const entry = keys.find((k) => k.id === keyId);
  if (!entry) throw new SealError("unknown_key", `It was encrypted under key id ${keyId}, which is not among this instance's keys.`, keyId);
  try {
    const decipher = createDecipheriv("aes-256-gcm", entry.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ct), decipher.final()]).toString("utf8");
  } catch {
    // GCM's tag check: the value, its tag or its context changed since it was sealed.
    throw new SealError("refused", `It does not decrypt under key id ${keyId}: altered, or moved from another row.`, keyId);
  }
}
