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

/**
 * Connects Valkey before the server takes requests, so that the first requests use the shared store
 * rather than the in-process fallbacks meant for an outage. An unreachable Valkey does not stop the
 * start: SQLite stays the source of truth, and the client keeps reconnecting.
 */
export async function connectCache(): Promise<void> {
  const c = cache();
  if (!(c instanceof ValkeyCache)) return;
  await c.ready().catch((e) => console.warn(`[cache] valkey is not reachable at start (${(e as Error).message}); continuing, and reconnecting`));
}
