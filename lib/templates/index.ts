import "server-only";
import type { InStatement, Row } from "@libsql/client";
import { z } from "zod";
import { getClient } from "@/db";
import type { Role } from "@/db/enums";
import { auditInsert, type Actor } from "@/lib/audit";
import { evictCallers, evictUsers, resourcesChanged, versionedCopy } from "@/lib/callers";
import { DomainError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { callGrantsOf, grantHolders, recordGrantRemoval } from "@/lib/permissions";
import { grantsAllow } from "@/lib/permissions/rules";
import { nowIso } from "@/lib/time";
import {
  CcProfileConfig,
  PROFILE_EXPORT_KIND,
  ProfileFile,
  TEMPLATE_EXPORT_KIND,
  TemplateConfig,
  TemplateFile,
  type ProfileRecord,
  type TemplateRecord,
} from "./schemas";
import { brokenReason, holdsProfile, holdsTemplate, mayOwn, mayUseTemplates, splitTarget, targetExists, type Caller, type OverlayTable, type Owner, type RoutedProfile, type RoutedTemplate } from "./rules";

// Expert templates and CC profiles (issue 16): every read and write of `expert_templates` and
// `cc_profiles` goes through here. The two are the same kind of record (a name called like a model, a
// description, a JSON config aimed at `model@endpoint`, an active flag, an owner or null for
// admin-made); a template also has a cost factor. Every write is audited in the same batch, removes
// the grants that name what it deletes, and moves the resources version on, so every instance routes
// by the change at its next call.

export type Kind = "template" | "profile";

type KindInfo = {
  table: "expert_templates" | "cc_profiles";
  type: "expert_template" | "cc_profile";
  label: string;
  targetField: "target" | "toolModel";
  config: typeof TemplateConfig | typeof CcProfileConfig;
};
const KINDS: Record<Kind, KindInfo> = {
  template: { table: "expert_templates", type: "expert_template", label: "expert template", targetField: "target", config: TemplateConfig },
  profile: { table: "cc_profiles", type: "cc_profile", label: "CC profile", targetField: "toolModel", config: CcProfileConfig },
};

/** Who manages: an admin manages every record (and makes admin-made ones); an owner only their own. */
export type Scope = { admin: true } | { admin: false; ownerId: string };
export const scopeOf = (user: { id: string; role: Role }): Scope => (user.role === "admin" ? { admin: true } : { admin: false, ownerId: user.id });

/** A record as the pages show it. */
export type RecordView<C> = {
  id: string;
  name: string;
  description: string;
  active: boolean;
  /** The config as stored, or null when it no longer parses (then `broken` says so). */
  config: C | null;
  ownerId: string | null;
  /** The owner's username; null for admin-made. */
  ownerName: string | null;
  /** Users holding a grant on it by id. */
  grants: number;
  /** Why a call to it would be refused (its target gone, its owner's grant lost), or null. */
  broken: string | null;
  updatedAt: string;
};
export type TemplateView = RecordView<TemplateConfig> & { costFactor: number };
export type ProfileView = RecordView<CcProfileConfig>;

type Endpoints = { name: string; models: string[] }[];

const parseConfig = (k: Kind, raw: unknown) => {
  const r = KINDS[k].config.safeParse(typeof raw === "string" ? safeJson(raw) : raw);
  return r.success ? r.data : null;
};
function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** The owners of some records, as the rules see them (role and model endpoint grants). */
async function ownersOf(ids: (string | null)[]): Promise<Map<string, Exclude<Owner, null | "missing">>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (!wanted.length) return new Map();
  const r = await getClient().execute({
    sql: `SELECT u.id, u.username, u.role,
            (SELECT json_group_array(resource_id) FROM permissions p WHERE p.user_id = u.id AND p.resource_type = 'model_endpoint') AS grants
          FROM users u WHERE u.id IN (SELECT value FROM json_each(?))`,
    args: [JSON.stringify(wanted)],
  });
  return new Map(r.rows.map((row) => [String(row.id), { id: String(row.id), username: String(row.username), role: row.role as Role, grants: JSON.parse(String(row.grants)) as string[] }]));
}

const ownerOf = (owners: Map<string, Exclude<Owner, null | "missing">>, ownerId: string | null): Owner => (ownerId === null ? null : (owners.get(ownerId) ?? "missing"));

async function endpointList(): Promise<Endpoints> {
  const r = await getClient().execute("SELECT name, models FROM model_endpoints ORDER BY name");
  return r.rows.map((row) => ({ name: String(row.name), models: JSON.parse(String(row.models)) as string[] }));
}

// ---------------------------------------------------------------- reads

/** The records a scope manages: every one for an admin, an owner's own. */
async function listOf(k: Kind, scope: Scope): Promise<(TemplateView | ProfileView)[]> {
  const { table, type } = KINDS[k];
  const [where, args] = scope.admin ? ["1", []] : ["r.owner_id = ?", [scope.ownerId]];
  const [rows, endpoints] = await Promise.all([
    getClient().execute({
      sql: `SELECT r.*, (SELECT count(*) FROM permissions p WHERE p.resource_type = '${type}' AND p.resource_id = r.id) AS grant_count
            FROM ${table} r WHERE ${where} ORDER BY r.name`,
      args,
    }),
    endpointList(),
  ]);
  const owners = await ownersOf(rows.rows.map((r) => (r.owner_id === null ? null : String(r.owner_id))));
  return rows.rows.map((r) => viewOf(k, r, owners, endpoints));
}

function viewOf(k: Kind, r: Row, owners: Map<string, Exclude<Owner, null | "missing">>, endpoints: Endpoints): TemplateView | ProfileView {
  const ownerId = r.owner_id === null ? null : String(r.owner_id);
  const owner = ownerOf(owners, ownerId);
  const config = parseConfig(k, r.config);
  const view = {
    id: String(r.id),
    name: String(r.name),
    description: String(r.description),
    active: Number(r.is_active) === 1,
    config,
    ownerId,
    ownerName: owner === null ? null : owner === "missing" ? "(deleted user)" : owner.username,
    grants: Number(r.grant_count),
    broken: brokenReason({ config, owner }, endpoints),
    updatedAt: String(r.updated_at),
  };
  return k === "template" ? { ...view, costFactor: Number(r.cost_factor) } as TemplateView : (view as ProfileView);
}

/** Every template (admin pages), or an owner's own (the portal). */
export const listTemplates = (scope: Scope) => listOf("template", scope) as Promise<TemplateView[]>;
export const listProfiles = (scope: Scope) => listOf("profile", scope) as Promise<ProfileView[]>;
const ALL: Scope = { admin: true };

/** The templates a user may call and does not own (the portal's "assigned" list); none for a `user`. */
export async function assignedTemplates(user: { id: string; role: Role }): Promise<TemplateView[]> {
  if (!mayUseTemplates(user.role)) return [];
  const caller: Caller = { userId: user.id, role: user.role, grants: await callGrantsOf(user.id) };
  const all = (await listOf("template", ALL)) as TemplateView[];
  return all.filter((t) => t.ownerId !== user.id && holdsTemplate(caller, t));
}

/** The CC profiles a user may make active: their own, those granted to them; every one for an admin. */
export async function usableProfiles(user: { id: string; role: Role }): Promise<ProfileView[]> {
  if (!mayOwn(user.role)) return [];
  const caller: Caller = { userId: user.id, role: user.role, grants: await callGrantsOf(user.id) };
  const all = (await listOf("profile", ALL)) as ProfileView[];
  return all.filter((p) => holdsProfile(caller, p));
}

/** The user's active CC profile (id and name), or null. */
export async function activeProfileOf(userId: string): Promise<{ id: string; name: string; active: boolean } | null> {
  const r = await getClient().execute({
    sql: "SELECT p.id, p.name, p.is_active FROM users u JOIN cc_profiles p ON p.id = u.active_cc_profile_id WHERE u.id = ?",
    args: [userId],
  });
  const row = r.rows[0];
  return row ? { id: String(row.id), name: String(row.name), active: Number(row.is_active) === 1 } : null;
}

// ---------------------------------------------------------------- the gateway's table

async function loadOverlays(): Promise<OverlayTable> {
  const [t, p] = await getClient().batch(["SELECT * FROM expert_templates", "SELECT * FROM cc_profiles"], "read");
  const owners = await ownersOf([...t.rows, ...p.rows].map((r) => (r.owner_id === null ? null : String(r.owner_id))));
  const routed = (k: Kind, r: Row) => {
    const ownerId = r.owner_id === null ? null : String(r.owner_id);
    return { id: String(r.id), name: String(r.name), ownerId, owner: ownerOf(owners, ownerId), active: Number(r.is_active) === 1, config: parseConfig(k, r.config) };
  };
  return {
    templates: new Map(t.rows.map((r) => [String(r.name), { ...routed("template", r), costFactor: Number(r.cost_factor) } as RoutedTemplate])),
    profiles: new Map(p.rows.map((r) => [String(r.id), routed("profile", r) as RoutedProfile])),
  };
}

const overlays = versionedCopy("overlays", loadOverlays);

/** The templates and profiles as the gateway routes by them, read fresh (for a page). */
export const overlayTable = loadOverlays;

/** The templates and profiles as the gateway routes by them: from memory, reloaded when the resources version moves. */
export const routingOverlays = (version: string | undefined): Promise<OverlayTable> => overlays.get(version);

/** Every change that routing by templates and profiles depends on ends here (their owners' grants and roles too). */
export async function overlaysChanged() {
  overlays.drop();
  await resourcesChanged();
}

// ---------------------------------------------------------------- writes

type AnyRecord = TemplateRecord | ProfileRecord;

const NAME_TAKEN = "This name is taken (names are unique across all owners, and are called like a model)";

/** The target must exist, and its owner (the actor for their own) must be granted it. */
async function checkTarget(target: string, owner: Owner, endpoints?: Endpoints): Promise<string | null> {
  const list = endpoints ?? (await endpointList());
  if (!targetExists(list, target)) {
    const { model, endpoint } = splitTarget(target);
    return list.some((e) => e.name === endpoint) ? `The endpoint ${endpoint} does not serve the model ${model}` : `There is no endpoint named ${endpoint}`;
  }
  if (owner === "missing") return "The owner no longer exists";
  if (owner !== null && owner.role !== "admin") {
    const { model, endpoint } = splitTarget(target);
    if (!grantsAllow(owner.grants, endpoint, model)) return `${owner.username} has no grant on ${target}: only models they may call can be targeted`;
  }
  return null;
}

async function requireRow(k: Kind, scope: Scope, id: string): Promise<Row> {
  const r = await getClient().execute({ sql: `SELECT * FROM ${KINDS[k].table} WHERE id = ?`, args: [id] });
  const row = r.rows[0];
  // Another owner's record answers as one that does not exist.
  if (!row || (!scope.admin && row.owner_id !== scope.ownerId)) throw new DomainError(`This ${KINDS[k].label} no longer exists.`);
  return row;
}

async function assertNameFree(k: Kind, name: string, exceptId?: string) {
  const r = await getClient().execute({ sql: `SELECT 1 FROM ${KINDS[k].table} WHERE name = ? AND id <> ?`, args: [name, exceptId ?? ""] });
  if (r.rows.length) throw DomainError.field("name", NAME_TAKEN);
}

const targetOfRecord = (k: Kind, rec: AnyRecord) => (rec.config as unknown as Record<string, string>)[KINDS[k].targetField];

function insertStatement(k: Kind, id: string, ownerId: string | null, rec: AnyRecord, at: string): InStatement {
  const { table } = KINDS[k];
  if (k === "template")
    return {
      sql: `INSERT INTO ${table} (id, name, description, config, is_active, owner_id, cost_factor, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      args: [id, rec.name, rec.description, JSON.stringify(rec.config), rec.active ? 1 : 0, ownerId, (rec as TemplateRecord).costFactor, at, at],
    };
  return {
    sql: `INSERT INTO ${table} (id, name, description, config, is_active, owner_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [id, rec.name, rec.description, JSON.stringify(rec.config), rec.active ? 1 : 0, ownerId, at, at],
  };
}

const auditTarget = (k: Kind, id: string, name: string) => ({ type: KINDS[k].type, id, name });

/** The audited record, without its long prompts (their length is enough to tell a change). */
function auditable(rec: AnyRecord): Record<string, unknown> {
  const config = { ...(rec.config as Record<string, unknown>) };
  for (const key of ["systemPrompt", "systemPromptPrefix"]) if (typeof config[key] === "string") config[key] = `${(config[key] as string).length} characters`;
  return { ...rec, config };
}

async function run(statements: InStatement[]) {
  try {
    return await getClient().batch(statements, "write");
  } catch (e) {
    if (/UNIQUE constraint failed: (expert_templates|cc_profiles)\.name/.test(String((e as Error)?.message))) throw DomainError.field("name", NAME_TAKEN);
    throw e;
  }
}

/** Creates a record: admin-made (owner null) in the admin scope, else the owner's. */
export async function createRecord(k: Kind, actor: Actor, scope: Scope, rec: AnyRecord): Promise<{ id: string }> {
  await assertNameFree(k, rec.name);
  const ownerId = scope.admin ? null : scope.ownerId;
  const owners = await ownersOf([ownerId]);
  const problem = await checkTarget(targetOfRecord(k, rec), ownerOf(owners, ownerId));
  if (problem) throw DomainError.field(KINDS[k].targetField, problem);
  const id = newId();
  await run([insertStatement(k, id, ownerId, rec, nowIso()), auditInsert(actor, `${k}.create`, auditTarget(k, id, rec.name), { ...auditable(rec), owner: ownerId })]);
  await overlaysChanged();
  return { id };
}

export async function updateRecord(k: Kind, actor: Actor, scope: Scope, id: string, rec: AnyRecord) {
  const before = await requireRow(k, scope, id);
  await assertNameFree(k, rec.name, id);
  const ownerId = before.owner_id === null ? null : String(before.owner_id);
  const owners = await ownersOf([ownerId]);
  const target = targetOfRecord(k, rec);
  // An unchanged target may stay broken (the record is being mended elsewhere); a new one must work.
  const beforeConfig = parseConfig(k, before.config) as Record<string, string> | null;
  if (beforeConfig?.[KINDS[k].targetField] !== target) {
    const problem = await checkTarget(target, ownerOf(owners, ownerId));
    if (problem) throw DomainError.field(KINDS[k].targetField, problem);
  }
  const { table } = KINDS[k];
  const cost = k === "template" ? ", cost_factor = ?" : "";
  await run([
    {
      sql: `UPDATE ${table} SET name = ?, description = ?, config = ?, is_active = ?${cost}, updated_at = ? WHERE id = ?`,
      args: [rec.name, rec.description, JSON.stringify(rec.config), rec.active ? 1 : 0, ...(k === "template" ? [(rec as TemplateRecord).costFactor] : []), nowIso(), id],
    },
    auditInsert(actor, `${k}.update`, auditTarget(k, id, rec.name), { from: auditable(rowRecord(k, before)), to: auditable(rec) }),
  ]);
  await overlaysChanged();
}

function rowRecord(k: Kind, row: Row): AnyRecord {
  const base = { name: String(row.name), description: String(row.description), active: Number(row.is_active) === 1, config: safeJson(String(row.config)) as never };
  return k === "template" ? { ...base, costFactor: Number(row.cost_factor) } : base;
}

/** The statements deleting records by id, their grants (audited per holder) and the active profile ids naming them. */
function deletion(k: Kind, actor: Actor, ids: string[], reason: string): InStatement[] {
  const { table, type } = KINDS[k];
  return [
    ...recordGrantRemoval(actor, type, ids, reason),
    ...(k === "profile" ? [{ sql: "UPDATE users SET active_cc_profile_id = NULL WHERE active_cc_profile_id IN (SELECT value FROM json_each(?))", args: [JSON.stringify(ids)] }] : []),
    { sql: `DELETE FROM ${table} WHERE id IN (SELECT value FROM json_each(?))`, args: [JSON.stringify(ids)] },
  ];
}

/** Deletes a record with the grants on it; answers how many grants went. */
export async function deleteRecord(k: Kind, actor: Actor, scope: Scope, id: string): Promise<{ grants: number }> {
  const before = await requireRow(k, scope, id);
  const holders = await grantHolders(KINDS[k].type, [id]);
  const profileUsers = k === "profile" ? await usersWithActiveProfile([id]) : [];
  const results = await run([
    ...deletion(k, actor, [id], `${KINDS[k].label} ${before.name} deleted`),
    auditInsert(actor, `${k}.delete`, auditTarget(k, id, String(before.name)), { record: auditable(rowRecord(k, before)) }),
  ]);
  // recordGrantRemoval: [audit, delete]
  const grants = results[1].rowsAffected;
  await overlaysChanged();
  await evictUsers([...new Set([...holders, ...profileUsers])]);
  return { grants };
}

async function usersWithActiveProfile(ids: string[]): Promise<string[]> {
  const r = await getClient().execute({ sql: "SELECT id FROM users WHERE active_cc_profile_id IN (SELECT value FROM json_each(?))", args: [JSON.stringify(ids)] });
  return r.rows.map((row) => String(row.id));
}

// ---------------------------------------------------------------- export and import

const FILES = { template: { kind: TEMPLATE_EXPORT_KIND, schema: TemplateFile }, profile: { kind: PROFILE_EXPORT_KIND, schema: ProfileFile } };

/** The scope's records as a file that import reads back (an admin's: every record; owners are not carried). */
export async function exportRecords(k: Kind, scope: Scope) {
  const list = await listOf(k, scope);
  const items = list
    .filter((r) => r.config !== null)
    .map((r) => ({ name: r.name, description: r.description, ...(k === "template" ? { costFactor: (r as TemplateView).costFactor } : {}), active: r.active, config: r.config }));
  return { kind: FILES[k].kind, version: 1, exportedAt: nowIso(), items };
}

export type ImportResult = { added: number; skipped: string[]; replaced: number; grantsRemoved: number };

/**
 * Reads an exported file into the scope, all or nothing: every item is checked (its fields, its
 * target, its name) before anything is written, and the write is one batch. `merge` skips the names
 * that exist; `replace` deletes the scope's own records first (an admin's: the admin-made ones), with
 * their grants. Items are made in the scope (admin-made, or the owner's).
 */
export async function importRecords(k: Kind, actor: Actor, scope: Scope, input: { json: string; mode: "merge" | "replace" }): Promise<ImportResult> {
  const data = safeJson(input.json.replace(/^\uFEFF/, ""));
  if (data === undefined) throw DomainError.field("json", "The file is not valid JSON");
  const { exportedAt: _ignored, ...rest } = (typeof data === "object" && data !== null && !Array.isArray(data) ? data : { items: data }) as Record<string, unknown>;
  const parsed = FILES[k].schema.safeParse(rest);
  if (!parsed.success) throw DomainError.field("json", problems(parsed.error));
  const items = parsed.data.items as AnyRecord[];
  const dup = items.find((it, i) => items.findIndex((o) => o.name === it.name) !== i);
  if (dup) throw DomainError.field("json", `The name ${dup.name} appears twice in the file`);

  const { table } = KINDS[k];
  const ownerId = scope.admin ? null : scope.ownerId;
  const existing = await getClient().execute(`SELECT id, name, owner_id FROM ${table}`);
  const mine = (r: Row) => (r.owner_id === null ? null : String(r.owner_id)) === ownerId;
  const replaced = input.mode === "replace" ? existing.rows.filter(mine) : [];
  const remaining = new Map(existing.rows.filter((r) => !replaced.includes(r)).map((r) => [String(r.name), r]));
  const skipped: string[] = [];
  const toAdd: AnyRecord[] = [];
  for (const it of items) {
    const clash = remaining.get(it.name);
    if (!clash) toAdd.push(it);
    else if (input.mode === "merge" && mine(clash)) skipped.push(it.name);
    else throw DomainError.field("json", `${it.name}: ${NAME_TAKEN.charAt(0).toLowerCase()}${NAME_TAKEN.slice(1)}; another owner has it`);
  }
  const endpoints = await endpointList();
  const owner = ownerOf(await ownersOf([ownerId]), ownerId);
  const bad: string[] = [];
  for (const it of toAdd) {
    const problem = await checkTarget(targetOfRecord(k, it), owner, endpoints);
    if (problem) bad.push(`${it.name}: ${problem}`);
  }
  if (bad.length) throw DomainError.field("json", `Nothing was imported. ${bad.slice(0, 5).join("; ")}${bad.length > 5 ? `; and ${bad.length - 5} more` : ""}`);

  const replacedIds = replaced.map((r) => String(r.id));
  const holders = replacedIds.length ? await grantHolders(KINDS[k].type, replacedIds) : [];
  const profileUsers = k === "profile" && replacedIds.length ? await usersWithActiveProfile(replacedIds) : [];
  const at = nowIso();
  const statements: InStatement[] = [];
  if (replacedIds.length) statements.push(...deletion(k, actor, replacedIds, `${KINDS[k].label}s replaced by an import`));
  const grantCountIndex = replacedIds.length ? 1 : -1;
  for (const it of toAdd) statements.push(insertStatement(k, newId(), ownerId, it, at));
  statements.push(auditInsert(actor, `${k}.import`, { type: KINDS[k].type, id: ownerId ?? "admin", name: null }, { mode: input.mode, added: toAdd.map((i) => i.name), skipped, replaced: replaced.map((r) => String(r.name)) }));
  const results = await run(statements);
  await overlaysChanged();
  await evictUsers([...new Set([...holders, ...profileUsers])]);
  return { added: toAdd.length, skipped, replaced: replaced.length, grantsRemoved: grantCountIndex >= 0 ? results[grantCountIndex].rowsAffected : 0 };
}

/** The first problems of a file, each with where it is ("item 3, config.target: …"). */
function problems(error: z.ZodError): string {
  const lines = error.issues.slice(0, 5).map((i) => {
    const [first, index, ...rest] = i.path;
    const where = first === "items" && typeof index === "number" ? `item ${index + 1}${rest.length ? `, ${rest.join(".")}` : ""}` : i.path.join(".");
    return where ? `${where}: ${i.message}` : i.message;
  });
  return `Nothing was imported. ${lines.join("; ")}${error.issues.length > 5 ? `; and ${error.issues.length - 5} more` : ""}`;
}

// ---------------------------------------------------------------- the active CC profile

/**
 * Makes a profile a user's active one (null: none). The user must be an expert or admin and may use
 * the profile (own, granted, or admin); the gateway applies it from the user's next call.
 */
export async function setActiveProfile(actor: Actor, userId: string, profileId: string | null) {
  const r = await getClient().execute({ sql: "SELECT id, username, role, active_cc_profile_id FROM users WHERE id = ?", args: [userId] });
  const user = r.rows[0];
  if (!user) throw new DomainError("This user no longer exists.");
  if ((user.active_cc_profile_id ?? null) === profileId) return;
  let name: string | null = null;
  if (profileId !== null) {
    const role = user.role as Role;
    if (!mayOwn(role)) throw DomainError.field("profileId", "CC profiles are for experts and admins");
    const usable = await usableProfiles({ id: userId, role });
    const profile = usable.find((p) => p.id === profileId);
    if (!profile) throw DomainError.field("profileId", "Unknown CC profile, or one this user may not use");
    name = profile.name;
  }
  await run([
    { sql: "UPDATE users SET active_cc_profile_id = ?, updated_at = ? WHERE id = ?", args: [profileId, nowIso(), userId] },
    auditInsert(actor, "profile.activate", { type: "user", id: userId, name: String(user.username) }, { profile: profileId === null ? null : { id: profileId, name } }),
  ]);
  await evictCallers({ userId });
}

// ---------------------------------------------------------------- what follows other records

/**
 * Deleting a user deletes their templates and profiles (ON DELETE CASCADE too) with the grants on them
 * and the active profile ids naming them: the statements for the user's own deletion batch, and the
 * users whose cached records must be dropped after it.
 */
export async function ownedDeletion(actor: Actor, userId: string): Promise<{ statements: InStatement[]; evict: string[]; templates: number; profiles: number }> {
  const [t, p] = await getClient().batch(
    [
      { sql: "SELECT id FROM expert_templates WHERE owner_id = ?", args: [userId] },
      { sql: "SELECT id FROM cc_profiles WHERE owner_id = ?", args: [userId] },
    ],
    "read",
  );
  const templateIds = t.rows.map((r) => String(r.id));
  const profileIds = p.rows.map((r) => String(r.id));
  const statements: InStatement[] = [];
  const evict: string[] = [];
  if (templateIds.length) {
    statements.push(...deletion("template", actor, templateIds, "owner deleted"));
    evict.push(...(await grantHolders("expert_template", templateIds)));
  }
  if (profileIds.length) {
    statements.push(...deletion("profile", actor, profileIds, "owner deleted"));
    evict.push(...(await grantHolders("cc_profile", profileIds)), ...(await usersWithActiveProfile(profileIds)));
  }
  return { statements, evict: [...new Set(evict)], templates: templateIds.length, profiles: profileIds.length };
}

/**
 * An endpoint renamed: the templates and profiles aimed at it follow the new name (each audited); for
 * the endpoint's own write. Those aimed at a deleted endpoint, or at a model it no longer serves, are
 * left as they are and show as broken (a call to them is a 503 saying why).
 */
export function endpointRenameStatements(actor: Actor, from: string, to: string): InStatement[] {
  const statements: InStatement[] = [];
  for (const k of ["template", "profile"] as const) {
    const { table, type, targetField } = KINDS[k];
    const target = `json_extract(config, '$.${targetField}')`;
    // Plain placeholders (the statement may go through rawStatement): the endpoint's name twice per match.
    const where = `substr(${target}, -(length(?) + 1)) = '@' || ?`;
    const at = nowIso();
    statements.push(
      {
        sql: `INSERT INTO audit_log (actor_id, actor_name, action, target_type, target_id, target_name, details, created_at)
              SELECT ?, ?, '${k}.retarget', '${type}', id, name, json_object('from', ${target}, 'to', substr(${target}, 1, length(${target}) - length(?)) || ?), ?
              FROM ${table} WHERE ${where}`,
        args: [actor.id, actor.username, from, to, at, from, from],
      },
      {
        sql: `UPDATE ${table} SET config = json_set(config, '$.${targetField}', substr(${target}, 1, length(${target}) - length(?)) || ?), updated_at = ? WHERE ${where}`,
        args: [from, to, at, from, from],
      },
    );
  }
  return statements;
}
