import { createHash, randomBytes } from "node:crypto";

// The API key format: `tg-sk-` + 48 hex characters (24 bytes from the CSPRNG). Only the SHA-256 of a
// key is stored; the prefix shown everywhere is its first 16 characters.

export const KEY_PREFIX = "tg-sk-";
const KEY_PATTERN = /^tg-sk-[0-9a-f]{48}$/;

export const generateKey = () => KEY_PREFIX + randomBytes(24).toString("hex");
export const hashKey = (key: string) => createHash("sha256").update(key).digest("hex");
export const looksLikeKey = (key: string) => KEY_PATTERN.test(key);
export const prefixOf = (key: string) => key.slice(0, 16);
