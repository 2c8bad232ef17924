import "server-only";
import { lt } from "drizzle-orm";
import { getDb } from "@/db";
import { revokedSessions } from "@/db/schema";
import { evictCallers } from "@/lib/callers";
import { config } from "@/lib/config";
import { nowIso } from "@/lib/time";

// Sign-out ends a session on the server: its id goes into revoked_sessions until the session would
// have expired anyway, and the user's cached session record is evicted, so that every instance reads
// the new list (lib/callers) at its next request. Nothing else writes this table.

export async function revokeSession(session: { uid: string; sid: string; sat: number }) {
  const expiresAt = new Date((session.sat + config().session.maxSeconds) * 1000).toISOString();
  const db = getDb();
  await db.batch([
    db.insert(revokedSessions).values({ sid: session.sid, userId: session.uid, revokedAt: nowIso(), expiresAt }).onConflictDoNothing(),
    // Rows whose session is past its absolute lifetime protect nothing any more.
    db.delete(revokedSessions).where(lt(revokedSessions.expiresAt, nowIso())),
  ]);
  await evictCallers({ userId: session.uid });
}
