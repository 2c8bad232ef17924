import type { KeyAuth, KeyCaller } from "@/lib/callers";
import { hashKey, looksLikeKey } from "@/lib/keys/format";
import { GatewayError } from "./errors";

export type CallerAuth = Extract<KeyAuth, { found: true }>;

/** The key a client presents: `Authorization: Bearer …` (OpenAI SDKs) or `x-api-key` (Anthropic SDKs). */
export function presentedKey(headers: Headers): string | undefined {
  const authorization = headers.get("authorization");
  if (authorization && /^bearer\s+/i.test(authorization)) return authorization.replace(/^bearer\s+/i, "").trim() || undefined;
  return headers.get("x-api-key")?.trim() || undefined;
}

/**
 * The caller behind the key (and the resources version read with it), or a 401: missing, unknown,
 * deleted or suspended key, or suspended user.
 */
export async function authenticate(headers: Headers, keyCaller: (keyHash: string) => Promise<KeyCaller>): Promise<{ auth: CallerAuth; resourcesVersion: string | undefined }> {
  const key = presentedKey(headers);
  if (!key) throw new GatewayError("authentication", "Missing API key. Send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'.");
  if (!looksLikeKey(key)) throw new GatewayError("authentication", "Invalid API key.");
  const { auth, resourcesVersion } = await keyCaller(hashKey(key));
  if (!auth.found) throw new GatewayError("authentication", "Invalid API key.");
  if (!auth.userActive) throw new GatewayError("authentication", "This account is suspended.");
  if (!auth.keyActive) throw new GatewayError("authentication", "This API key is suspended.");
  return { auth, resourcesVersion };
}
