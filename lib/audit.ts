import "server-only";
import type { InStatement } from "@libsql/client";
import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { auditLog } from "@/db/schema";
import { nowIso } from "@/lib/time";

/**
 * Who acts. While an admin impersonates a user (lib/impersonation), the portal's actor is the user with
 * `impersonator` set: the row then names the admin as the actor and says whom they acted as.
 */
export type Actor = { id: string; username: string; impersonator?: { id: string; username: string; impersonationId: string } };
export type AuditTarget = { type: string; id: string; name?: string | null };

/** The actor columns and the details of a row: the impersonating admin, "as" the user, when there is one. */
function attributed(actor: Actor, details?: Record<string, unknown>) {
  const by = actor.impersonator;
  if (!by) return { id: actor.id, name: actor.username, details: details ?? null };
  return { id: by.id, name: by.username, details: { ...details, as: { id: actor.id, username: actor.username }, impersonation: by.impersonationId } };
}

/**
 * The audit row for an admin mutation, to put in the same batch as the change itself and after it.
 * It is written only if the statement before it changed a row (`changes()`), so a guarded update that
 * was refused leaves no trace claiming it happened. `details` never holds a password.
 */
export function auditAfterChange(actor: Actor, action: string, target: AuditTarget, details?: Record<string, unknown>) {
  const a = attributed(actor, details);
  return getDb().run(sql`
    INSERT INTO ${auditLog} (actor_id, actor_name, action, target_type, target_id, target_name, details, created_at)
    SELECT ${a.id}, ${a.name}, ${action}, ${target.type}, ${target.id}, ${target.name ?? null},
           ${a.details ? JSON.stringify(a.details) : null}, ${nowIso()}
    WHERE changes() > 0`);
}

/** The audit row for an action that is not itself a guarded update (e.g. a sent e-mail). */
export function audit(actor: Actor, action: string, target: AuditTarget, details?: Record<string, unknown>) {
  const a = attributed(actor, details);
  return getDb()
    .insert(auditLog)
    .values({
      actorId: a.id,
      actorName: a.name,
      action,
      targetType: target.type,
      targetId: target.id,
      targetName: target.name ?? null,
      details: a.details,
      createdAt: nowIso(),
    });
}

/** The audit row as a plain statement, for a batch of raw SQL (lib/templates). */
export function auditInsert(actor: Actor, action: string, target: AuditTarget, details?: Record<string, unknown>): InStatement {
  const a = attributed(actor, details);
  return {
    sql: "INSERT INTO audit_log (actor_id, actor_name, action, target_type, target_id, target_name, details, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    args: [a.id, a.name, action, target.type, target.id, target.name ?? null, a.details ? JSON.stringify(a.details) : null, nowIso()],
  };
}
