import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { auditLog } from "@/db/schema";
import { nowIso } from "@/lib/time";

export type Actor = { id: string; username: string };
export type AuditTarget = { type: string; id: string; name?: string | null };

/**
 * The audit row for an admin mutation, to put in the same batch as the change itself and after it.
 * It is written only if the statement before it changed a row (`changes()`), so a guarded update that
 * was refused leaves no trace claiming it happened. `details` never holds a password.
 */
export function auditAfterChange(actor: Actor, action: string, target: AuditTarget, details?: Record<string, unknown>) {
  return getDb().run(sql`
    INSERT INTO ${auditLog} (actor_id, actor_name, action, target_type, target_id, target_name, details, created_at)
    SELECT ${actor.id}, ${actor.username}, ${action}, ${target.type}, ${target.id}, ${target.name ?? null},
           ${details ? JSON.stringify(details) : null}, ${nowIso()}
    WHERE changes() > 0`);
}

/** The audit row for an action that is not itself a guarded update (e.g. a sent e-mail). */
export function audit(actor: Actor, action: string, target: AuditTarget, details?: Record<string, unknown>) {
  return getDb()
    .insert(auditLog)
    .values({
      actorId: actor.id,
      actorName: actor.username,
      action,
      targetType: target.type,
      targetId: target.id,
      targetName: target.name ?? null,
      details: details ?? null,
      createdAt: nowIso(),
    });
}
