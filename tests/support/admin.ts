import { expect } from "vitest";
import type { App } from "./app";
import { callAction, loginOrThrow, type Session } from "./http";

/** Signs in as the default admin, does the forced password change, and returns a working session. */
export async function signedInAdmin(app: App, password = "Adm1n-new-password"): Promise<Session> {
  const first = await loginOrThrow(app.url, "admin", "changeme");
  const r = await callAction(app.url, "/change-password", "changePasswordAction", { current: "changeme", password, confirm: password }, { session: first });
  expect(r.state, r.body).toMatchObject({ ok: true });
  return loginOrThrow(app.url, "admin", password);
}

/** Creates a user through the admin action and returns their id. */
export async function createUserAs(app: App, admin: Session, username: string, role = "user"): Promise<string> {
  const r = await callAction(app.url, "/users", "createUserAction", { username, email: `${username}@example.test`, password: "first-password", role }, { session: admin });
  expect(r.state, r.body).toMatchObject({ ok: true });
  return (r.state!.data as { id: string }).id;
}

/** Creates an API key through the admin action; the answer is the only place the key appears. */
export async function createKeyAs(app: App, admin: Session, userId: string, label = "test"): Promise<string> {
  const r = await callAction(app.url, "/users", "createKeyAction", { userId, label }, { session: admin });
  expect(r.state, r.body).toMatchObject({ ok: true });
  return (r.state!.data as { key: string }).key;
}
