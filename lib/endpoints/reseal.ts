import "server-only";
import { and, asc, eq, isNotNull } from "drizzle-orm";
import { compactDatabase, getDb } from "@/db";
import { modelEndpoints } from "@/db/schema";
import { isSealed, sealedKeyId } from "@/lib/cipher";
import { readKey, sealKey, underNewestKey } from "./stored-key";

// Bringing the stored upstream keys under the newest encryption key, row by row:
//   - at every start (scripts/start.ts), the keys still in clear (sealClearKeys);
//   - on `npm run keys:rotate`, every key not yet under the newest key (rotateKeys).
// A start does not rotate: with several instances, one restarted with `new,old` would otherwise
// re-encrypt under `new` while the others, still on `old`, can no longer read the keys.
// Each row is written only if it still holds the value read (compare-and-set), so a start or rotation
// running beside an admin's edit, or beside another instance's start, never overwrites a newer key.
// The clear keys do not change, so the gateway's routing copies stay valid: no version bump. After a
// rotation, or a start that sealed keys, a local database file is compacted, so that the values
// replaced (keys in clear, or under the retired key) do not live on in free pages or the write-ahead log.

export type ResealReport = {
  /** Keys that were in clear and are now encrypted. */
  sealed: number;
  /** Keys re-encrypted from an older key to the newest. */
  rotated: number;
  /** Keys already under the newest key. */
  current: number;
  /** Endpoints whose key cannot be decrypted with this instance's keys (left as they are). */
  unreadable: { name: string; keyId?: string; problem: string }[];
};

async function reseal(rotate: boolean): Promise<ResealReport> {
  const db = getDb();
  const rows = await db
    .select({ id: modelEndpoints.id, name: modelEndpoints.name, baseUrl: modelEndpoints.baseUrl, stored: modelEndpoints.upstreamApiKey })
    .from(modelEndpoints)
    .where(isNotNull(modelEndpoints.upstreamApiKey))
    .orderBy(asc(modelEndpoints.name));
  const report: ResealReport = { sealed: 0, rotated: 0, current: 0, unreadable: [] };
  for (const row of rows) {
    const stored = row.stored!;
    const clear = !isSealed(stored);
    if (!clear && !rotate) continue;
    const read = readKey(stored, row);
    if (!read.ok) {
      report.unreadable.push({ name: row.name, keyId: read.keyId ?? sealedKeyId(stored), problem: read.problem });
      continue;
    }
    if (!clear && underNewestKey(stored)) {
      report.current += 1;
      continue;
    }
    const next = sealKey(read.key!, row);
    const written = await db
      .update(modelEndpoints)
      .set({ upstreamApiKey: next })
      .where(and(eq(modelEndpoints.id, row.id), eq(modelEndpoints.upstreamApiKey, stored)));
    // Changed meanwhile (an admin's edit, another instance): what is there now was written sealed.
    if (written.rowsAffected === 0) continue;
    if (clear) report.sealed += 1;
    else report.rotated += 1;
  }
  // A rotation always compacts, so that running it again finishes one whose compaction failed.
  if (rotate || report.sealed > 0) await compactDatabase();
  return report;
}

/** At start: encrypts the keys stored in clear (by a version before encryption). Idempotent. */
export const sealClearKeys = () => reseal(false);

/** `npm run keys:rotate`: every stored key under the newest key of ENCRYPTION_KEYS. Idempotent. */
export const rotateKeys = () => reseal(true);
