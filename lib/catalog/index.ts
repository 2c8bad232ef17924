import "server-only";
import { asc, eq, ne, and, sql } from "drizzle-orm";
import { getDb, rawStatement } from "@/db";
import { mcpTools, skills } from "@/db/schema";
import { uniqueViolation } from "@/db/errors";
import { auditAfterChange, type Actor } from "@/lib/audit";
import { DomainError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { catalogGrantChanges } from "@/lib/permissions";
import { nowIso } from "@/lib/time";
import { CATALOG_LABELS, type CatalogKind } from "./kinds";
import type { CatalogEntryInput } from "./schemas";

// Skills and MCP tools: lists of names an admin keeps for the agents behind the gateway (which ask
// GET /v1/me/permissions what they may use). The gateway runs neither. A rename carries the grants
// along and a deletion removes them, each in the entry's own write.

export { CATALOG_KINDS, CATALOG_LABELS, type CatalogKind } from "./kinds";

const TABLES = { skill: skills, mcp_tool: mcpTools } as const;

export type CatalogRow = { id: string; name: string; description: string; createdAt: string; grants: number };

/** Every entry of a list, by name, with how many grants name it. */
export async function listCatalog(kind: CatalogKind): Promise<CatalogRow[]> {
  const t = TABLES[kind];
  return getDb()
    .select({
      id: t.id,
      name: t.name,
      description: t.description,
      createdAt: t.createdAt,
      grants: sql<number>`(SELECT count(*) FROM permissions p WHERE p.resource_type = ${kind} AND p.resource_id = ${t.name})`.mapWith(Number),
    })
    .from(t)
    .orderBy(asc(t.name));
}

const taken = (kind: CatalogKind) => DomainError.field("name", `A ${CATALOG_LABELS[kind].one} with this name already exists.`);

async function assertNameFree(kind: CatalogKind, name: string, exceptId?: string) {
  const t = TABLES[kind];
  const [clash] = await getDb()
    .select({ id: t.id })
    .from(t)
    .where(exceptId ? and(eq(t.name, name), ne(t.id, exceptId)) : eq(t.name, name))
    .limit(1);
  if (clash) throw taken(kind);
}

async function requireEntry(kind: CatalogKind, id: string) {
  const t = TABLES[kind];
  const [row] = await getDb().select({ id: t.id, name: t.name, description: t.description }).from(t).where(eq(t.id, id));
  if (!row) throw new DomainError(`This ${CATALOG_LABELS[kind].one} no longer exists.`);
  return row;
}

const target = (kind: CatalogKind, e: { id: string; name: string }) => ({ type: kind, id: e.id, name: e.name });

/** Adds an entry; answers its id and its name as stored (trimmed), for the page to confirm. */
export async function createCatalogEntry(actor: Actor, kind: CatalogKind, input: CatalogEntryInput): Promise<{ id: string; name: string }> {
  await assertNameFree(kind, input.name);
  const id = newId();
  const at = nowIso();
  const db = getDb();
  try {
    await db.batch([
      db.insert(TABLES[kind]).values({ id, name: input.name, description: input.description, createdAt: at, updatedAt: at }),
      auditAfterChange(actor, `${kind}.create`, target(kind, { id, name: input.name }), { description: input.description }),
    ]);
  } catch (e) {
    if (uniqueViolation(e)) throw taken(kind);
    throw e;
  }
  return { id, name: input.name };
}

/** Renames or describes an entry (its grants follow a rename); answers the name as stored. */
export async function updateCatalogEntry(actor: Actor, kind: CatalogKind, id: string, input: CatalogEntryInput): Promise<{ name: string }> {
  const before = await requireEntry(kind, id);
  if (before.name === input.name && before.description === input.description) return { name: input.name };
  await assertNameFree(kind, input.name, id);
  const t = TABLES[kind];
  const db = getDb();
  try {
    await db.batch([
      db.update(t).set({ name: input.name, description: input.description, updatedAt: nowIso() }).where(eq(t.id, id)),
      auditAfterChange(actor, `${kind}.update`, target(kind, { id, name: input.name }), {
        ...(before.name !== input.name ? { name: { from: before.name, to: input.name } } : {}),
        ...(before.description !== input.description ? { description: { from: before.description, to: input.description } } : {}),
      }),
      ...catalogGrantChanges(actor, kind, before.name, input.name).map(rawStatement),
    ]);
  } catch (e) {
    if (uniqueViolation(e)) throw taken(kind);
    throw e;
  }
  return { name: input.name };
}

export async function deleteCatalogEntry(actor: Actor, kind: CatalogKind, id: string) {
  const before = await requireEntry(kind, id);
  const t = TABLES[kind];
  const db = getDb();
  await db.batch([
    db.delete(t).where(eq(t.id, id)),
    auditAfterChange(actor, `${kind}.delete`, target(kind, before)),
    ...catalogGrantChanges(actor, kind, before.name, null).map(rawStatement),
  ]);
}
