import "server-only";
import os from "node:os";
import { and, asc, eq, ne, sql } from "drizzle-orm";
import { getDb, rawStatement } from "@/db";
import { modelEndpoints, type ModelEndpoint } from "@/db/schema";
import { uniqueViolation } from "@/db/errors";
import { auditAfterChange, type Actor } from "@/lib/audit";
import { isSealed } from "@/lib/cipher";
import { evictUsers, resourcesChanged, versionedCopy } from "@/lib/callers";
import { config } from "@/lib/config";
import { DomainError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { endpointGrantChanges, usersWithEndpointGrants } from "@/lib/permissions";
import { nowIso } from "@/lib/time";
import type { CreateEndpointInput, UpdateEndpointInput } from "./schemas";
import { pointsAtSelf } from "./self-url";
import { endpointRenameStatements } from "@/lib/templates";
import { readKey, sealKey, usableKey } from "./stored-key";

export { rotateKeys, sealClearKeys, type ResealReport } from "./reseal";
export { DEFAULT_MAX_OUTPUT_TOKENS, maxOutputOf } from "./limits";

// The model endpoints domain: every read and write of `model_endpoints` goes through here. The
// upstream API key is write-only: it leaves this module only through listRoutingEndpoints() (for the
// gateway, on the server) and as the header testConnection() sends; never to a page, an action's
// answer or the audit log. In the database it is encrypted (./stored-key); only this folder reads or
// writes the column.

/** What the admin table and the edit dialog show: everything but the key, which is only "set or not". */
const rowColumns = {
  id: modelEndpoints.id,
  name: modelEndpoints.name,
  baseUrl: modelEndpoints.baseUrl,
  apiStyle: modelEndpoints.apiStyle,
  models: modelEndpoints.models,
  eurPerMInput: modelEndpoints.eurPerMInput,
  eurPerMOutput: modelEndpoints.eurPerMOutput,
  eurPerMCacheRead: modelEndpoints.eurPerMCacheRead,
  eurPerMCacheWrite: modelEndpoints.eurPerMCacheWrite,
  maxOutputTokens: modelEndpoints.maxOutputTokens,
  outputCapField: modelEndpoints.outputCapField,
  hasApiKey: sql<boolean>`${modelEndpoints.upstreamApiKey} IS NOT NULL`.mapWith(Boolean),
};

/** The prices, output maxima and cap field: what the gateway and the forms read besides the address. */
type Terms = "eurPerMInput" | "eurPerMOutput" | "eurPerMCacheRead" | "eurPerMCacheWrite" | "maxOutputTokens" | "outputCapField";
export type EndpointRow = Pick<ModelEndpoint, "id" | "name" | "baseUrl" | "apiStyle" | "models" | Terms> & { hasApiKey: boolean };

// ---------------------------------------------------------------- reads

export async function listEndpoints(): Promise<EndpointRow[]> {
  return getDb().select(rowColumns).from(modelEndpoints).orderBy(asc(modelEndpoints.name));
}

export async function getEndpoint(id: string): Promise<EndpointRow | undefined> {
  const [row] = await getDb().select(rowColumns).from(modelEndpoints).where(eq(modelEndpoints.id, id));
  return row;
}

export type RoutingEndpoint = Pick<ModelEndpoint, "id" | "name" | "baseUrl" | "apiStyle" | "upstreamApiKey" | "models" | Terms>;

/**
 * For the gateway only (server-side; never hand it to a client component): the routing table, key
 * included, decrypted. A key that cannot be decrypted is logged and left out (./stored-key).
 */
export async function listRoutingEndpoints(): Promise<RoutingEndpoint[]> {
  const rows = await getDb()
    .select({
      id: modelEndpoints.id,
      name: modelEndpoints.name,
      baseUrl: modelEndpoints.baseUrl,
      apiStyle: modelEndpoints.apiStyle,
      upstreamApiKey: modelEndpoints.upstreamApiKey,
      models: modelEndpoints.models,
      eurPerMInput: modelEndpoints.eurPerMInput,
      eurPerMOutput: modelEndpoints.eurPerMOutput,
      eurPerMCacheRead: modelEndpoints.eurPerMCacheRead,
      eurPerMCacheWrite: modelEndpoints.eurPerMCacheWrite,
      maxOutputTokens: modelEndpoints.maxOutputTokens,
      outputCapField: modelEndpoints.outputCapField,
    })
    .from(modelEndpoints)
    .orderBy(asc(modelEndpoints.name));
  return rows.map((row) => ({ ...row, upstreamApiKey: usableKey(row.upstreamApiKey, row) }));
}

// ---------------------------------------------------------------- mutations

const target = (e: { id: string; name: string }) => ({ type: "model_endpoint", id: e.id, name: e.name });

async function requireEndpointRow(id: string): Promise<ModelEndpoint> {
  const [row] = await getDb().select().from(modelEndpoints).where(eq(modelEndpoints.id, id));
  if (!row) throw new DomainError("This endpoint no longer exists.");
  return row;
}

const NAME_TAKEN = "An endpoint with this name already exists";

/** A UNIQUE violation (two admins saving the same name at once) as the field error the form shows. */
const takenError = (e: unknown) => (uniqueViolation(e) === "model_endpoints.name" ? DomainError.field("name", NAME_TAKEN) : undefined);

const SELF_URL = "This URL points at this Tollgate itself: calls sent there would come back into the gateway and loop. Enter the upstream provider's URL.";

/** Refuses a base URL that reaches this deployment (its APP_URL, or the address and port it listens on). */
function assertNotSelf(baseUrl: string) {
  const { appUrl, port, host } = config();
  const localAddresses = [os.hostname(), ...Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address))];
  if (pointsAtSelf(baseUrl, { appUrl, port, host, localAddresses })) throw new DomainError("Please correct the highlighted fields.", { baseUrl: [SELF_URL] });
}

async function assertNameFree(name: string, exceptId?: string) {
  const cond = exceptId ? and(eq(modelEndpoints.name, name), ne(modelEndpoints.id, exceptId)) : eq(modelEndpoints.name, name);
  const [clash] = await getDb().select({ id: modelEndpoints.id }).from(modelEndpoints).where(cond).limit(1);
  if (clash) throw new DomainError("Please correct the highlighted fields.", { name: [NAME_TAKEN] });
}

// The gateway's copy of the routing table lives in process memory only: it holds the upstream API
// keys, which therefore never travel to Valkey. Every write here moves the resources version on
// (lib/callers versionedCopy: reloaded when the version a call reads with its key moves).
const routing = versionedCopy("routing", listRoutingEndpoints);

/** The routing table as the gateway reads it on every call: from memory, reloaded when the version moves. */
export const routingEndpoints = (version: string | undefined): Promise<RoutingEndpoint[]> => routing.get(version);

/** Every write ends here: this instance drops its copy, every instance sees the version move. */
async function routingChanged() {
  routing.drop();
  await resourcesChanged();
}

/** Only an OpenAI Chat endpoint has a choice of cap field (Anthropic: max_tokens; Responses: max_output_tokens, set by the gateway). */
const withStyleTerms = <T extends { apiStyle: ModelEndpoint["apiStyle"]; outputCapField: ModelEndpoint["outputCapField"] }>(fields: T): T =>
  fields.apiStyle !== "openai" ? { ...fields, outputCapField: "max_tokens" } : fields;

/** The maxima in a fixed key order, to compare them. */
const canonical = (max: Record<string, number>) => JSON.stringify(Object.entries(max).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export async function createEndpoint(actor: Actor, input: CreateEndpointInput): Promise<{ id: string; name: string }> {
  assertNotSelf(input.baseUrl);
  await assertNameFree(input.name);
  const id = newId();
  const at = nowIso();
  const { apiKey, ...given } = input;
  const fields = withStyleTerms(given);
  const db = getDb();
  try {
    await db.batch([
      db.insert(modelEndpoints).values({ id, ...fields, upstreamApiKey: apiKey === null ? null : sealKey(apiKey, { id, baseUrl: fields.baseUrl }), createdAt: at, updatedAt: at }),
      auditAfterChange(actor, "endpoint.create", target({ id, name: input.name }), {
        baseUrl: input.baseUrl,
        apiStyle: input.apiStyle,
        models: input.models,
        eurPerMInput: input.eurPerMInput,
        eurPerMOutput: input.eurPerMOutput,
        eurPerMCacheRead: fields.eurPerMCacheRead,
        eurPerMCacheWrite: fields.eurPerMCacheWrite,
        maxOutputTokens: fields.maxOutputTokens,
        outputCapField: fields.outputCapField,
        hasApiKey: apiKey !== null,
      }),
    ]);
  } catch (e) {
    throw takenError(e) ?? e;
  }
  await routingChanged();
  return { id, name: input.name };
}

export async function updateEndpoint(actor: Actor, id: string, input: UpdateEndpointInput) {
  const before = await requireEndpointRow(id);
  assertNotSelf(input.baseUrl);
  await assertNameFree(input.name, id);
  const { apiKey, removeApiKey, ...given } = input;
  const fields = withStyleTerms(given);
  const changes: Record<string, unknown> = {};
  for (const key of ["name", "baseUrl", "apiStyle", "eurPerMInput", "eurPerMOutput", "eurPerMCacheRead", "eurPerMCacheWrite", "outputCapField"] as const) {
    if (before[key] !== fields[key]) changes[key] = { from: before[key], to: fields[key] };
  }
  if (JSON.stringify(before.models) !== JSON.stringify(fields.models)) changes.models = { from: before.models, to: fields.models };
  if (canonical(before.maxOutputTokens) !== canonical(fields.maxOutputTokens)) changes.maxOutputTokens = { from: before.maxOutputTokens, to: fields.maxOutputTokens };
  // The key itself is never compared in the log, only said to have changed.
  const beforeKey = readKey(before.upstreamApiKey, before);
  if (removeApiKey && before.upstreamApiKey !== null) changes.apiKeyRemoved = true;
  if (apiKey !== null && !(beforeKey.ok && apiKey === beforeKey.key)) changes.apiKeyChanged = true;
  if (Object.keys(changes).length === 0) return;
  const owner = { id, baseUrl: fields.baseUrl };
  // A kept key is sealed again when its base URL moves (the seal names it) or it was still in clear.
  const kept = beforeKey.ok && beforeKey.key !== null && (before.baseUrl !== fields.baseUrl || !isSealed(before.upstreamApiKey!)) ? beforeKey.key : null;
  const keyUpdate = removeApiKey
    ? { upstreamApiKey: null }
    : apiKey !== null
      ? { upstreamApiKey: sealKey(apiKey, owner) }
      : kept !== null
        ? { upstreamApiKey: sealKey(kept, owner) }
        : {};
  const db = getDb();
  // Grants follow the endpoint: renamed with it, dropped with the models it no longer serves.
  const grantChanges = endpointGrantChanges(actor, before, fields).map(rawStatement);
  const holders = grantChanges.length ? await usersWithEndpointGrants(before.name) : [];
  try {
    await db.batch([
      db
        .update(modelEndpoints)
        .set({ ...fields, ...keyUpdate, updatedAt: nowIso() })
        .where(eq(modelEndpoints.id, id)),
      auditAfterChange(actor, "endpoint.update", target({ id, name: input.name }), changes),
      ...grantChanges,
      // Templates and CC profiles aimed at it follow a new name.
      ...(before.name !== fields.name ? endpointRenameStatements(actor, before.name, fields.name).map(rawStatement) : []),
    ]);
  } catch (e) {
    throw takenError(e) ?? e;
  }
  await routingChanged();
  await evictUsers(holders);
}

export async function deleteEndpoint(actor: Actor, id: string) {
  const before = await requireEndpointRow(id);
  const db = getDb();
  const holders = await usersWithEndpointGrants(before.name);
  await db.batch([
    db.delete(modelEndpoints).where(eq(modelEndpoints.id, id)),
    auditAfterChange(actor, "endpoint.delete", target(before), { baseUrl: before.baseUrl, apiStyle: before.apiStyle, models: before.models }),
    // Its grants go with it, each user's in the audit log.
    ...endpointGrantChanges(actor, before, null).map(rawStatement),
  ]);
  await routingChanged();
  await evictUsers(holders);
}

// ---------------------------------------------------------------- test connection

export type ConnectionResult = { ok: true; models: number } | { ok: false; message: string };

const TEST_TIMEOUT_MS = 5000;

/**
 * GET {baseUrl}/models with the stored key, as the gateway would authenticate. The answer names the
 * HTTP status or the network error in plain words; it never contains the key.
 */
export async function testConnection(id: string): Promise<ConnectionResult> {
  const ep = await requireEndpointRow(id);
  const stored = readKey(ep.upstreamApiKey, ep);
  if (!stored.ok) {
    const remedy = stored.unknownKey ? "Add the key it was encrypted under to ENCRYPTION_KEYS, or enter the API key again." : "Enter the API key again.";
    return { ok: false, message: `The stored API key cannot be decrypted. ${stored.problem} ${remedy}` };
  }
  const key = stored.key;
  const headers: Record<string, string> = { accept: "application/json" };
  if (ep.apiStyle === "anthropic") {
    headers["anthropic-version"] = "2023-06-01";
    if (key) headers["x-api-key"] = key;
  } else if (key) {
    headers.authorization = `Bearer ${key}`;
  }
  // Anthropic pages its list (20 by default); ask for its maximum so the count means something.
  const url = `${ep.baseUrl}/models${ep.apiStyle === "anthropic" ? "?limit=1000" : ""}`;
  const scrub = (message: string) => (key ? message.replaceAll(key, "••••") : message);
  try {
    // No redirects: following one would carry the key (x-api-key is not dropped) to wherever it points.
    const res = await fetch(url, { headers, redirect: "manual", signal: AbortSignal.timeout(TEST_TIMEOUT_MS) });
    if (res.status >= 300 && res.status < 400) {
      return { ok: false, message: `The endpoint redirected (HTTP ${res.status}); enter the final URL as the base URL.` };
    }
    if (!res.ok) return { ok: false, message: scrub(`The endpoint answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}${statusHint(res.status)}.`) };
    const body = (await res.json().catch(() => undefined)) as { data?: unknown } | undefined;
    if (!Array.isArray(body?.data)) return { ok: false, message: `The endpoint answered, but not with a model list (no "data" array in the JSON).` };
    return { ok: true, models: body.data.length };
  } catch (e) {
    return { ok: false, message: scrub(networkError(e, url)) };
  }
}

function statusHint(status: number) {
  if (status === 401 || status === 403) return " — check the API key";
  if (status === 404) return " — check the base URL (it includes the version path, e.g. /v1)";
  return "";
}

function networkError(e: unknown, url: string): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const host = new URL(url).host;
  if (err.name === "TimeoutError") return `No answer from ${host} within ${TEST_TIMEOUT_MS / 1000} seconds.`;
  switch (err.cause?.code) {
    case "ECONNREFUSED":
      return `Connection refused by ${host}: nothing is listening there.`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `The host name ${new URL(url).hostname} could not be resolved.`;
    case "ECONNRESET":
      return `${host} closed the connection.`;
    case "ETIMEDOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
      return `Could not connect to ${host} (timed out).`;
  }
  return `Could not reach ${host}: ${err.cause?.message ?? err.message ?? "unknown error"}.`;
}
