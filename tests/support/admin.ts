import { expect } from "vitest";
import type { App } from "./app";
import { callAction, loginOrThrow, type ActionResult, type Session } from "./http";
import { unique } from "./names";

// Test data set up the way an admin sets it up: through the server actions, over HTTP, against the
// built app. Nothing here writes the database directly.

export const FIRST_PASSWORD = "first-password";
export const OWN_PASSWORD = "second-password";

/** Signs in as the default admin, does the forced password change, and returns a working session. */
export async function signedInAdmin(app: App, password = "Adm1n-new-password"): Promise<Session> {
  const first = await loginOrThrow(app.url, "admin", "changeme");
  const r = await callAction(app.url, "/change-password", "changePasswordAction", { current: "changeme", password, confirm: password }, { session: first });
  expect(r.state, r.body).toMatchObject({ ok: true });
  return loginOrThrow(app.url, "admin", password);
}

/**
 * Creates a user through the admin action (password FIRST_PASSWORD, email username@example.test) and
 * returns their id. Like a user from before the whitelist, they may call every model: the admin grants
 * `model_endpoint` ids `modelGrants` (default `*`) through the grant action; `modelGrants: []` leaves a
 * new user as the product creates them, with nothing.
 */
export async function createUserAs(
  app: App,
  admin: Session,
  username: string,
  role = "user",
  { modelGrants = ["*"], ...extra }: Record<string, unknown> & { modelGrants?: string[] } = {},
): Promise<string> {
  const r = await callAction(app.url, "/users", "createUserAction", { username, email: `${username}@example.test`, password: FIRST_PASSWORD, role, ...extra }, { session: admin });
  expect(r.state, r.body).toMatchObject({ ok: true });
  const id = (r.state!.data as { id: string }).id;
  if (modelGrants.length && role !== "admin") await grantAs(app, admin, id, "model_endpoint", modelGrants);
  return id;
}

/** Grants resources of one type to a user through the Permissions tab's action. */
export async function grantAs(app: App, admin: Session, userId: string, type: string, ids: string[]): Promise<ActionResult> {
  return usersActionAs(app, admin, "grantAction", { userId, type, ids });
}

export type ReadyUser = { id: string; username: string; password: string; session: Session };

/**
 * A user who has been through their forced password change (to OWN_PASSWORD), with a working session:
 * created through `app`, signed in through `loginVia` (another instance of the same deployment, if given).
 */
export async function readyUser(app: App, admin: Session, opts: { username?: string; role?: string; loginVia?: App; modelGrants?: string[] } = {}): Promise<ReadyUser> {
  const username = opts.username ?? unique(opts.role ?? "user");
  const id = await createUserAs(app, admin, username, opts.role ?? "user", opts.modelGrants ? { modelGrants: opts.modelGrants } : {});
  const url = (opts.loginVia ?? app).url;
  const first = await loginOrThrow(url, username, FIRST_PASSWORD);
  const changed = await callAction(url, "/change-password", "changePasswordAction", { current: FIRST_PASSWORD, password: OWN_PASSWORD, confirm: OWN_PASSWORD }, { session: first });
  expect(changed.state, changed.body).toMatchObject({ ok: true });
  return { id, username, password: OWN_PASSWORD, session: await loginOrThrow(url, username, OWN_PASSWORD) };
}

/** Creates an API key through the admin action; the answer is the only place the key appears. */
export async function createKeyAs(app: App, admin: Session, userId: string, label = "test"): Promise<string> {
  const r = await callAction(app.url, "/users", "createKeyAction", { userId, label }, { session: admin });
  expect(r.state, r.body).toMatchObject({ ok: true });
  return (r.state!.data as { key: string }).key;
}

/** The id of a key, found by its prefix (what the API Keys tab shows), for the key actions. */
export async function keyIdOf(app: App, key: string): Promise<string> {
  const { rows } = await app.db.execute({ sql: "SELECT id FROM api_keys WHERE prefix = ?", args: [key.slice(0, 16)] });
  expect(rows, `the key ${key.slice(0, 16)}…`).toHaveLength(1);
  return String(rows[0].id);
}

/** Posts an admin action on /users and expects it to succeed. */
export async function usersActionAs(app: App, admin: Session, name: string, payload: unknown): Promise<ActionResult> {
  const r = await callAction(app.url, "/users", name, payload, { session: admin });
  expect(r.state, `${name}: ${r.body}`).toMatchObject({ ok: true });
  return r;
}

export type EndpointFields = {
  name: string;
  baseUrl: string;
  apiStyle?: string;
  apiKey?: string;
  models: string | string[];
  eurPerMInput?: string | number;
  eurPerMOutput?: string | number;
};

/** Adds a model endpoint through the admin action and returns its id. `inspect` sees the raw answer. */
export async function createEndpointAs(app: App, admin: Session, fields: EndpointFields & Record<string, unknown>, inspect?: (r: ActionResult) => void): Promise<string> {
  const r = await callAction(app.url, "/endpoints", "createEndpointAction", { apiStyle: "openai", ...fields }, { session: admin });
  inspect?.(r);
  expect(r.state, r.body).toMatchObject({ ok: true });
  return (r.state!.data as { id: string }).id;
}

/**
 * The given tables in full plus the audit log's length, as one string: equal before and after means
 * nothing was written. Read with SQL, which is fine for asserting.
 */
export async function snapshot(app: App, tables: ("users" | "api_keys" | "model_endpoints" | "permissions" | "skills" | "mcp_tools" | "password_reset_tokens" | "expert_templates" | "cc_profiles")[]): Promise<string> {
  const parts = [];
  for (const table of tables) parts.push((await app.db.execute(`SELECT * FROM ${table} ORDER BY rowid`)).rows);
  parts.push((await app.db.execute("SELECT count(*) AS n FROM audit_log")).rows[0].n);
  return JSON.stringify(parts);
}
