import "server-only";
import { config } from "@/lib/config";
import { MemoryCache } from "./memory";
import type { Cache } from "./types";
import { ValkeyCache } from "./valkey";

export type { Cache } from "./types";

const g = globalThis as unknown as { __tollgateCache?: Cache };

/** The process's cache: Valkey when VALKEY_URL is set, else in-process. */
export function cache(): Cache {
  if (!g.__tollgateCache) {
    const { valkeyUrl, valkeyPrefix } = config();
    g.__tollgateCache = valkeyUrl ? new ValkeyCache(valkeyUrl, valkeyPrefix) : new MemoryCache();
  }
  return g.__tollgateCache;
}

export async function closeCache() {
  await g.__tollgateCache?.close();
  g.__tollgateCache = undefined;
}

/** Cache keys, in one place so that writers and evictors agree. */
export const cacheKeys = {
  session: (userId: string) => `sess:${userId}`,
  /** The gateway's auth record of an API key, by the key's SHA-256 hash. */
  keyAuth: (keyHash: string) => `auth:${keyHash}`,
};
