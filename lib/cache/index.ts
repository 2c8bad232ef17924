import "server-only";
import { config } from "@/lib/config";
import { dropShared, shared } from "@/lib/shared";
import { MemoryCache } from "./memory";
import type { Cache } from "./types";
import { ValkeyCache } from "./valkey";

export type { Cache } from "./types";

/** The process's cache: Valkey when VALKEY_URL is set, else in-process. */
export function cache(): Cache {
  return shared("cache", () => {
    const { valkeyUrl, valkeyPrefix } = config();
    return valkeyUrl ? new ValkeyCache(valkeyUrl, valkeyPrefix) : new MemoryCache();
  });
}

export async function closeCache() {
  await dropShared<Cache>("cache")?.close();
}
