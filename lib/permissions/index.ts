import "server-only";
import type { InStatement } from "@libsql/client";
import { getClient } from "@/db";
import type { Actor } from "@/lib/audit";
import { evictCallers, evictUsers, resourcesChanged } from "@/lib/callers";
import { DomainError } from "@/lib/errors";
import { nowIso } from "@/lib/time";
import { CALL_TYPES, MODES, noGrants, parseEndpointGrant, RESOURCE_LABELS, type CallGrants, type ResourceType } from "./rules";

// The permissions whitelist (SPEC §2): grants per user, checked by the gateway (the model endpoint,
// mode, template and profile grants travel in the key's cached record, dropped here on every change)
// and answered to agents (skills and MCP tools, GET /v1/me/permissions). Every grant and revoke is one
// atomic write with its audit rows, which SQL fills from the rows that really changed.

export * from "./rules";

export type GrantRow = {
  id: number;
  type: ResourceType;
  resourceId: string;
  /** What the id stands for, in words ("gpt-4o on openai", "Every skill", a template's name). */
  name: string;
  /** False when the resource is gone (a dangling grant; revoke it). */
  known: boolean;
  createdAt: string;
  grantedBy: string | null;
};

/** One choice in the tab's "add" dropdowns. */
export type GrantOption = { id: string; label: string; group?: string };
export type GrantOptions = Record<ResourceType, GrantOption[]>;

const MODE_NAMES: Record<(typeof MODES)[number], string> = { native: "Native", moe_reasoning: "MoE reasoning", moe_orchestrated: "MoE orchestrated" };
const EVERY: Record<ResourceType, string> = {
  model_endpoint: "Every model on every endpoint",
  skill: "Every skill",
  mcp_tool: "Every MCP tool",
  moe_mode: "Every mode",
  expert_template: "Every expert template",
  cc_profile: "Every CC profile",
};

/** What exists to be granted, read once per page or check. */
type World = {
  endpoints: Map<string, Set<string>>;
  skills: Set<string>;
  mcpTools: Set<string>;
  templates: Map<string, string>;
  profiles: Map<string, string>;
};

async function world(): Promise<World> {
  const c = getClient();
  const [e, s, m, t, p] = await c.batch(
    [
      "SELECT name, models FROM model_endpoints ORDER BY name",
      "SELECT name FROM skills ORDER BY name",
      "SELECT name FROM mcp_tools ORDER BY name",
      "SELECT id, name FROM expert_templates ORDER BY name",
      "SELECT id, name FROM cc_profiles ORDER BY name",
    ],
    "read",
  );
  return {
    endpoints: new Map(e.rows.map((r) => [String(r.name), new Set(JSON.parse(String(r.models)) as string[])])),
    skills: new Set(s.rows.map((r) => String(r.name))),
    mcpTools: new Set(m.rows.map((r) => String(r.name))),
    templates: new Map(t.rows.map((r) => [String(r.id), String(r.name)])),
    profiles: new Map(p.rows.map((r) => [String(r.id), String(r.name)])),
  };
}

/** The words for a grant, or null when what it names does not exist. */
function resolve(w: World, type: ResourceType, id: string): string | null {
  if (id === "*") return EVERY[type];
  switch (type) {
    case "model_endpoint": {
      const g = parseEndpointGrant(id);
      if (!g || g.kind === "all") return null;
      const models = w.endpoints.get(g.endpoint);
      if (!models) return null;
      if (g.kind === "endpoint") return `Every model on ${g.endpoint}`;
      return models.has(g.model) ? `${g.model} on ${g.endpoint}` : null;
    }
    case "skill":
      return w.skills.has(id) ? id : null;
    case "mcp_tool":
      return w.mcpTools.has(id) ? id : null;
    case "moe_mode":
      return (MODES as readonly string[]).includes(id) ? MODE_NAMES[id as keyof typeof MODE_NAMES] : null;
    case "expert_template":
      return w.templates.get(id) ?? null;
    case "cc_profile":
      return w.profiles.get(id) ?? null;
  }
}

const TYPE_ORDER = Object.keys(RESOURCE_LABELS) as ResourceType[];

/** A user's grants, by type (the tab's order) then id, each with what it stands for. */
export async function listGrants(userId: string): Promise<GrantRow[]> {
  const [w, r] = await Promise.all([
    world(),
    getClient().execute({ sql: "SELECT id, resource_type, resource_id, created_at, granted_by FROM permissions WHERE user_id = ? ORDER BY resource_id", args: [userId] }),
  ]);
  return r.rows
    .map((row) => {
      const type = String(row.resource_type) as ResourceType;
      const name = resolve(w, type, String(row.resource_id));
      return {
        id: Number(row.id),
        type,
        resourceId: String(row.resource_id),
        name: name ?? "No longer exists",
        known: name !== null,
        createdAt: String(row.created_at),
        grantedBy: row.granted_by === null ? null : String(row.granted_by),
      };
    })
    .sort((a, b) => TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type));
}

/** Everything that can be granted, per type, `*` first. */
export async function grantOptions(): Promise<GrantOptions> {
  const w = await world();
  const every = (type: ResourceType): GrantOption => ({ id: "*", label: EVERY[type] });
  return {
    model_endpoint: [
      every("model_endpoint"),
      ...[...w.endpoints].flatMap(([name, models]) => [
        { id: `*@${name}`, label: `Every model on ${name}`, group: name },
        ...[...models].map((m) => ({ id: `${m}@${name}`, label: `${m} on ${name}`, group: name })),
      ]),
    ],
    skill: [every("skill"), ...[...w.skills].map((n) => ({ id: n, label: n }))],
    mcp_tool: [every("mcp_tool"), ...[...w.mcpTools].map((n) => ({ id: n, label: n }))],
    moe_mode: MODES.map((m) => ({ id: m, label: MODE_NAMES[m] })),
    expert_template: [...w.templates].map(([id, name]) => ({ id, label: name })),
    cc_profile: [...w.profiles].map(([id, name]) => ({ id, label: name })),
  };
}

/** The ids among `ids` that name nothing that exists, as a field error (nothing is written then). */
async function refuseUnknown(type: ResourceType, ids: string[]) {
  const w = await world();
  const unknown = ids.filter((id) => resolve(w, type, id) === null);
  if (unknown.length === 0) return;
  const what = RESOURCE_LABELS[type].toLowerCase();
  const list = unknown.slice(0, 5).map((id) => `'${id}'`).join(", ") + (unknown.length > 5 ? ` and ${unknown.length - 5} more` : "");
  const hint = type === "model_endpoint" ? " (use *, *@endpoint or model@endpoint, for an endpoint that serves the model)" : "";
  throw DomainError.field("ids", `Unknown ${what}${unknown.length > 1 ? "s" : ""}: ${list}${hint}. Nothing was granted.`);
}

/**
 * SQL true when the grant in `g.value` (a JSON object: id, and for model endpoints endpoint and model)
 * names something that exists at the moment of the write: a grant raced by a deletion is not inserted.
 */
function existsSql(type: ResourceType): string {
  const id = "g.value ->> 'id'";
  switch (type) {
    case "model_endpoint":
      return `(${id} = '*' OR EXISTS (SELECT 1 FROM model_endpoints e WHERE e.name = g.value ->> 'endpoint'
               AND (g.value ->> 'model' = '*' OR EXISTS (SELECT 1 FROM json_each(e.models) m WHERE m.value = g.value ->> 'model'))))`;
    case "skill":
      return `(${id} = '*' OR EXISTS (SELECT 1 FROM skills WHERE name = ${id}))`;
    case "mcp_tool":
      return `(${id} = '*' OR EXISTS (SELECT 1 FROM mcp_tools WHERE name = ${id}))`;
    case "moe_mode":
      return "1";
    case "expert_template":
      return `(${id} = '*' OR EXISTS (SELECT 1 FROM expert_templates WHERE id = ${id}))`;
    case "cc_profile":
      return `(${id} = '*' OR EXISTS (SELECT 1 FROM cc_profiles WHERE id = ${id}))`;
  }
}

const grantValues = (type: ResourceType, ids: string[]) =>
  JSON.stringify(
    ids.map((id) => {
      const g = type === "model_endpoint" ? parseEndpointGrant(id) : null;
      return g && g.kind !== "all" ? { id, endpoint: g.endpoint, model: g.kind === "endpoint" ? "*" : g.model } : { id };
    }),
  );

/**
 * Grants `ids` of one type to each of `userIds` (those that still exist), ignoring what they hold
 * already, with one audit row per user naming what was added — all in one write.
 */
function grantStatements(actor: Actor, userIds: string[], type: ResourceType, ids: string[], at: string): InStatement[] {
  const users = JSON.stringify(userIds);
  const mine = "resource_type = ? AND created_at = ? AND granted_by = ?";
  return [
    {
      sql: `INSERT OR IGNORE INTO permissions (user_id, resource_type, resource_id, created_at, granted_by)
            SELECT u.id, ?, g.value ->> 'id', ?, ? FROM users u, json_each(?) g
            WHERE u.id IN (SELECT value FROM json_each(?)) AND ${existsSql(type)}`,
      args: [type, at, actor.id, grantValues(type, ids), users],
    },
    {
      sql: `INSERT INTO audit_log (actor_id, actor_name, action, target_type, target_id, target_name, details, created_at)
            SELECT ?, ?, 'permission.grant', 'user', u.id, u.username,
              json_object('type', ?, 'ids', (SELECT json_group_array(resource_id) FROM permissions WHERE user_id = u.id AND ${mine})), ?
            FROM users u WHERE u.id IN (SELECT value FROM json_each(?))
              AND EXISTS (SELECT 1 FROM permissions WHERE user_id = u.id AND ${mine})`,
      args: [actor.id, actor.username, type, type, at, actor.id, at, users, type, at, actor.id],
    },
  ];
}

/**
 * The audit rows (one per user, listing the grants) for grants about to be removed or rewritten by
 * `where` (SQL over permissions aliased p), then the statement itself: in one write.
 */
function auditedChange(actor: Actor, action: string, where: string, whereArgs: (string | number)[], change: InStatement, details: Record<string, unknown> = {}): InStatement[] {
  return [
    {
      sql: `INSERT INTO audit_log (actor_id, actor_name, action, target_type, target_id, target_name, details, created_at)
            SELECT ?, ?, ?, 'user', p.user_id, u.username,
              json_patch(json(?), json_object('grants', json_group_array(json_object('type', p.resource_type, 'id', p.resource_id)))), ?
            FROM permissions p JOIN users u ON u.id = p.user_id WHERE ${where} GROUP BY p.user_id`,
      args: [actor.id, actor.username, action, JSON.stringify(details), nowIso(), ...whereArgs],
    },
    change,
  ];
}

/** Adds grants to one user. Unknown ids refuse the whole request at the `ids` field. */
export async function grant(actor: Actor, userId: string, type: ResourceType, ids: string[]): Promise<{ added: number }> {
  await requireUser(userId);
  await refuseUnknown(type, ids);
  const [inserted] = await getClient().batch(grantStatements(actor, [userId], type, ids, nowIso()), "write");
  await evictCallers({ userId });
  if (type === "model_endpoint") await ownersChanged([userId]);
  return { added: inserted.rowsAffected };
}

/** Removes grants of one user by their row ids (ids of other users' grants are ignored). */
export async function revoke(actor: Actor, userId: string, grantIds: number[]): Promise<{ removed: number }> {
  await requireUser(userId);
  const where = "p.user_id = ? AND p.id IN (SELECT value FROM json_each(?))";
  const args = [userId, JSON.stringify(grantIds)];
  const results = await getClient().batch(
    auditedChange(actor, "permission.revoke", where, args, { sql: `DELETE FROM permissions AS p WHERE ${where}`, args }),
    "write",
  );
  await evictCallers({ userId });
  await ownersChanged([userId]);
  return { removed: results[1].rowsAffected };
}

/** Grants or revokes the same resources for many users (the bulk action on /users). */
export async function bulkPermissions(actor: Actor, userIds: string[], op: "grant" | "revoke", type: ResourceType, ids: string[]): Promise<{ changed: number }> {
  let changed: number;
  if (op === "grant") {
    await refuseUnknown(type, ids);
    const [inserted] = await getClient().batch(grantStatements(actor, userIds, type, ids, nowIso()), "write");
    changed = inserted.rowsAffected;
  } else {
    const where = "p.user_id IN (SELECT value FROM json_each(?)) AND p.resource_type = ? AND p.resource_id IN (SELECT value FROM json_each(?))";
    const args = [JSON.stringify(userIds), type, JSON.stringify(ids)];
    const results = await getClient().batch(
      auditedChange(actor, "permission.revoke", where, args, { sql: `DELETE FROM permissions AS p WHERE ${where}`, args }),
      "write",
    );
    changed = results[1].rowsAffected;
  }
  await evictUsers(userIds);
  if (type === "model_endpoint") await ownersChanged(userIds);
  return { changed };
}

async function requireUser(userId: string) {
  const r = await getClient().execute({ sql: "SELECT 1 FROM users WHERE id = ?", args: [userId] });
  if (r.rows.length === 0) throw new DomainError("This user no longer exists.");
}

// ---------------------------------------------------------------- what agents may ask

/** GET /v1/me/permissions: what a caller may use of the resources agents care about, `*` expanded. */
export async function callerPermissions(userId: string, admin: boolean) {
  const c = getClient();
  const [skills, tools, grants] = await c.batch(
    [
      "SELECT name FROM skills ORDER BY name",
      "SELECT name FROM mcp_tools ORDER BY name",
      { sql: "SELECT resource_type, resource_id FROM permissions WHERE user_id = ? AND resource_type IN ('skill', 'mcp_tool', 'moe_mode')", args: [userId] },
    ],
    "read",
  );
  const held = (type: string) => new Set(grants.rows.filter((r) => r.resource_type === type).map((r) => String(r.resource_id)));
  const pick = (all: string[], type: string) => {
    const mine = held(type);
    return admin || mine.has("*") ? all : all.filter((n) => mine.has(n));
  };
  return {
    skills: pick(skills.rows.map((r) => String(r.name)), "skill"),
    mcp_tools: pick(tools.rows.map((r) => String(r.name)), "mcp_tool"),
    // A plain call is native and needs no grant.
    modes: MODES.filter((m) => m === "native" || admin || held("moe_mode").has("*") || held("moe_mode").has(m)),
  };
}

// ---------------------------------------------------------------- grants that follow their resources

/** SQL (over permissions aliased p) for the model endpoint grants on one endpoint: `*@name` and `model@name`. */
/** A model endpoint grant (`p`) whose id ends in `@` + the endpoint name that the SQL expression `name` gives. */
const namesEndpoint = (name: string) => `p.resource_type = 'model_endpoint' AND substr(p.resource_id, -(length(${name}) + 1)) = '@' || ${name}`;
const onEndpoint = namesEndpoint("?");
const onEndpointArgs = (name: string) => [name, name];

/** The users holding grants on an endpoint, whose cached records a change to it must drop. */
export async function usersWithEndpointGrants(name: string): Promise<string[]> {
  const r = await getClient().execute({ sql: `SELECT DISTINCT p.user_id FROM permissions p WHERE ${onEndpoint}`, args: onEndpointArgs(name) });
  return r.rows.map((row) => String(row.user_id));
}

/** How many grants name each endpoint (its delete confirmation says so). */
export async function endpointGrantCounts(): Promise<Map<string, number>> {
  const r = await getClient().execute(
    `SELECT e.name, (SELECT count(*) FROM permissions p WHERE ${namesEndpoint("e.name")}) AS n FROM model_endpoints e`,
  );
  return new Map(r.rows.map((row) => [String(row.name), Number(row.n)]));
}

/**
 * The statements that keep grants true to an endpoint that is renamed, loses models or is deleted
 * (`after` null), each with its audit rows; for the endpoint's own write.
 */
export function endpointGrantChanges(actor: Actor, before: { name: string; models: string[] }, after: { name: string; models: string[] } | null): InStatement[] {
  const statements: InStatement[] = [];
  const [where, args] = [onEndpoint, onEndpointArgs(before.name)];
  if (after === null) {
    return auditedChange(actor, "permission.revoke", where, args, { sql: `DELETE FROM permissions AS p WHERE ${where}`, args }, { reason: `endpoint ${before.name} deleted` });
  }
  if (after.name !== before.name) {
    statements.push(
      ...auditedChange(
        actor,
        "permission.rename",
        where,
        args,
        {
          sql: `UPDATE OR IGNORE permissions AS p SET resource_id = substr(resource_id, 1, length(resource_id) - ?) || ? WHERE ${where}`,
          args: [before.name.length + 1, `@${after.name}`, ...args],
        },
        { reason: `endpoint ${before.name} renamed to ${after.name}` },
      ),
      // What the rename could not move (the user held the new id already) goes.
      { sql: `DELETE FROM permissions AS p WHERE ${where}`, args },
    );
  }
  const dropped = before.models.filter((m) => !after.models.includes(m)).map((m) => `${m}@${after.name}`);
  if (dropped.length) {
    const w = "p.resource_type = 'model_endpoint' AND p.resource_id IN (SELECT value FROM json_each(?))";
    const a = [JSON.stringify(dropped)];
    statements.push(...auditedChange(actor, "permission.revoke", w, a, { sql: `DELETE FROM permissions AS p WHERE ${w}`, args: a }, { reason: `models removed from endpoint ${after.name}` }));
  }
  return statements;
}

/** The same for a skill or MCP tool renamed or deleted (`after` null). Agents read these fresh: nothing cached to drop. */
export function catalogGrantChanges(actor: Actor, type: "skill" | "mcp_tool", before: string, after: string | null): InStatement[] {
  const where = "p.resource_type = ? AND p.resource_id = ?";
  const args = [type, before];
  if (after === null) return auditedChange(actor, "permission.revoke", where, args, { sql: `DELETE FROM permissions AS p WHERE ${where}`, args }, { reason: `${type} ${before} deleted` });
  if (after === before) return [];
  return [
    ...auditedChange(actor, "permission.rename", where, args, { sql: `UPDATE OR IGNORE permissions AS p SET resource_id = ? WHERE ${where}`, args: [after, ...args] }, { reason: `${type} ${before} renamed to ${after}` }),
    { sql: `DELETE FROM permissions AS p WHERE ${where}`, args },
  ];
}

/** The grants on some templates or profiles, removed with them (each holder's in the audit log); for the deletion's own write. */
export function recordGrantRemoval(actor: Actor, type: "expert_template" | "cc_profile", ids: string[], reason: string): InStatement[] {
  const where = "p.resource_type = ? AND p.resource_id IN (SELECT value FROM json_each(?))";
  const args = [type, JSON.stringify(ids)];
  return auditedChange(actor, "permission.revoke", where, args, { sql: `DELETE FROM permissions AS p WHERE ${where}`, args }, { reason });
}

/** The users holding grants on these templates or profiles (their cached records hold the grants). */
export async function grantHolders(type: "expert_template" | "cc_profile", ids: string[]): Promise<string[]> {
  const r = await getClient().execute({ sql: "SELECT DISTINCT user_id FROM permissions WHERE resource_type = ? AND resource_id IN (SELECT value FROM json_each(?))", args: [type, JSON.stringify(ids)] });
  return r.rows.map((row) => String(row.user_id));
}

/**
 * A change to these users' model endpoint grants or role: when one of them owns a template or CC
 * profile, the gateway's copy of those (which holds its owner's grants) is reloaded everywhere.
 */
export async function ownersChanged(userIds: readonly string[]) {
  if (!userIds.length) return;
  const r = await getClient().execute({
    sql: `SELECT 1 WHERE EXISTS (SELECT 1 FROM expert_templates WHERE owner_id IN (SELECT value FROM json_each(?1)))
                     OR EXISTS (SELECT 1 FROM cc_profiles WHERE owner_id IN (SELECT value FROM json_each(?1)))`,
    args: [JSON.stringify(userIds)],
  });
  if (r.rows.length) await resourcesChanged();
}

/** A user's grants of the types a call is checked against, read fresh (pages; the gateway reads them with the key's record). */
export async function callGrantsOf(userId: string): Promise<CallGrants> {
  const r = await getClient().execute({ sql: "SELECT resource_type, resource_id FROM permissions WHERE user_id = ? AND resource_type IN (SELECT value FROM json_each(?))", args: [userId, JSON.stringify(CALL_TYPES)] });
  const grants = noGrants();
  for (const row of r.rows) grants[row.resource_type as keyof CallGrants].push(String(row.resource_id));
  return grants;
}
