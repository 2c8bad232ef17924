import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs, FIRST_PASSWORD, keyIdOf, readyUser, signedInAdmin, snapshot, usersActionAs, type ReadyUser } from "../support/admin";
import { startApp, type App } from "../support/app";
import { callAction, loginOrThrow, type Session } from "../support/http";
import { startMockLlm, type MockLlm } from "../support/mock-llm";
import { unique } from "../support/names";

// The portal's own-key actions (/user/keys) over real HTTP against the built app, posted straight to
// their endpoints the way a script or an attacker can: another user's key id is answered exactly like
// a key that does not exist, and nothing changes; callers without a working session are refused; bad
// input comes back at its field; an owner cannot lift an admin's suspension. The field rules are the
// shared key schemas (lib/keys/schemas); one bad input per action proves the wiring.

let app: App;
let mock: MockLlm;
let admin: Session;
let alice: ReadyUser;
let bob: ReadyUser;
let model: string;
const PAGE = "/user/keys";
const NOT_FOUND = "This key no longer exists.";
const written = () => snapshot(app, ["users", "api_keys"]);
const own = (name: string, payload: unknown, session?: Session) => callAction(app.url, PAGE, name, payload, { session });
const keyRow = async (id: string) => (await app.db.execute({ sql: "SELECT label, status, suspended_by FROM api_keys WHERE id = ?", args: [id] })).rows[0];
const audits = async (targetId: string) =>
  (await app.db.execute({ sql: "SELECT actor_id, action, details FROM audit_log WHERE target_id = ? ORDER BY id", args: [targetId] })).rows.map((r) => ({ ...r }));
const chat = (key: string) =>
  fetch(`${app.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });

beforeAll(async () => {
  mock = await startMockLlm();
  app = await startApp({ valkey: true, smtp: false });
  admin = await signedInAdmin(app);
  model = unique("own-model");
  await createEndpointAs(app, admin, { name: unique("own-ep"), baseUrl: `${mock.url}/v1`, models: [model] });
  [alice, bob] = [await readyUser(app, admin), await readyUser(app, admin)];
});

afterAll(async () => {
  await app?.stop();
  await mock?.stop();
});

describe("a user's own keys", () => {
  it("creates, renames, suspends, reactivates and deletes their key, each audited, and the gateway follows at the next call", async () => {
    const created = await own("createOwnKeyAction", { label: "laptop" }, alice.session);
    expect(created.state, created.body).toMatchObject({ ok: true, data: { key: expect.stringMatching(/^tg-sk-[0-9a-f]{48}$/) } });
    const key = (created.state!.data as { key: string }).key;
    const id = await keyIdOf(app, key);
    expect((await chat(key)).status).toBe(200);

    expect((await own("renameOwnKeyAction", { keyId: id, label: "  desk  " }, alice.session)).state).toMatchObject({ ok: true });
    expect(await keyRow(id)).toMatchObject({ label: "desk" });

    expect((await own("setOwnKeyStatusAction", { keyId: id, status: "suspended" }, alice.session)).state).toMatchObject({ ok: true });
    expect(await keyRow(id)).toMatchObject({ status: "suspended", suspended_by: "owner" });
    expect((await chat(key)).status).toBe(401);

    expect((await own("setOwnKeyStatusAction", { keyId: id, status: "active" }, alice.session)).state).toMatchObject({ ok: true });
    expect(await keyRow(id)).toMatchObject({ status: "active", suspended_by: null });
    expect((await chat(key)).status).toBe(200);

    expect((await own("deleteOwnKeyAction", { keyId: id }, alice.session)).state).toMatchObject({ ok: true });
    expect(await keyRow(id)).toBeUndefined();
    expect((await chat(key)).status).toBe(401);

    expect((await audits(id)).map((a) => [a.actor_id, a.action])).toEqual([
      [alice.id, "key.create"],
      [alice.id, "key.rename"],
      [alice.id, "key.suspend"],
      [alice.id, "key.reactivate"],
      [alice.id, "key.delete"],
    ]);
  });

  it("answers another user's key id exactly like a key that does not exist, and changes nothing", async () => {
    const bobsKey = await createKeyAs(app, admin, bob.id, "bob's");
    const bobsId = await keyIdOf(app, bobsKey);
    const missing = "0".repeat(32);
    const before = await written();
    for (const [name, payload] of [
      ["renameOwnKeyAction", { label: "mine now" }],
      ["setOwnKeyStatusAction", { status: "suspended" }],
      ["deleteOwnKeyAction", {}],
    ] as const) {
      const theirs = await own(name, { ...payload, keyId: bobsId }, alice.session);
      const none = await own(name, { ...payload, keyId: missing }, alice.session);
      expect(theirs.status, name).toBe(200);
      expect(theirs.state, name).toMatchObject({ ok: false, message: NOT_FOUND });
      expect(none.state, name).toEqual(theirs.state);
    }
    expect(await written()).toBe(before);
    expect((await chat(bobsKey)).status).toBe(200);
  });

  it("refuses callers without a working session, and writes nothing", async () => {
    const key = await createKeyAs(app, admin, alice.id, "target");
    const id = await keyIdOf(app, key);
    // A user whose forced password change is still due, and a session of a user since suspended.
    const freshName = unique("fresh");
    await createUserAs(app, admin, freshName);
    const fresh = await loginOrThrow(app.url, freshName, FIRST_PASSWORD);
    const gone = await readyUser(app, admin);
    await usersActionAs(app, admin, "setActiveAction", { id: gone.id, active: false });
    const before = await written();
    for (const [who, session] of [
      ["no session", undefined],
      ["a forced password change due", fresh],
      ["a suspended user's old session", gone.session],
    ] as const) {
      for (const [name, payload] of [
        ["createOwnKeyAction", { label: "x" }],
        ["renameOwnKeyAction", { keyId: id, label: "x" }],
        ["setOwnKeyStatusAction", { keyId: id, status: "suspended" }],
        ["deleteOwnKeyAction", { keyId: id }],
      ] as const) {
        const r = await own(name, payload, session);
        expect(r.state?.ok, `${name} for ${who}: ${r.body}`).toBe(false);
      }
    }
    expect(await written()).toBe(before);
    // The page itself sends them to sign in (or to the password change).
    const page = await fetch(app.url + PAGE, { redirect: "manual" });
    expect(page.status).toBe(307);
    expect(page.headers.get("location")).toMatch(/\/login\?next=%2Fuser%2Fkeys$/);
  });

  it("answers bad input at its field and writes nothing", async () => {
    const key = await createKeyAs(app, admin, alice.id, "fields");
    const id = await keyIdOf(app, key);
    const before = await written();
    const cases: [string, Record<string, unknown>, string][] = [
      ["createOwnKeyAction", { label: "x".repeat(101) }, "label"],
      ["renameOwnKeyAction", { keyId: id, label: "x".repeat(101) }, "label"],
      ["renameOwnKeyAction", { keyId: "not-an-id", label: "ok" }, "keyId"],
      ["setOwnKeyStatusAction", { keyId: id, status: "deleted" }, "status"],
      ["deleteOwnKeyAction", { keyId: 42 }, "keyId"],
    ];
    for (const [name, payload, field] of cases) {
      const r = await own(name, payload, alice.session);
      expect(r.state?.ok, name).toBe(false);
      expect(Object.keys(r.state?.fieldErrors ?? {}), `${name} ${JSON.stringify(payload)}`).toEqual([field]);
    }
    expect(await written()).toBe(before);
  });

  it("refuses to reactivate a key an admin suspended, by the portal action and by the admin's", async () => {
    const key = await createKeyAs(app, admin, alice.id, "held");
    const id = await keyIdOf(app, key);
    await usersActionAs(app, admin, "setKeyStatusAction", { keyId: id, status: "suspended" });
    expect(await keyRow(id)).toMatchObject({ status: "suspended", suspended_by: "admin" });
    const before = await written();
    const r = await own("setOwnKeyStatusAction", { keyId: id, status: "active" }, alice.session);
    expect(r.state).toMatchObject({ ok: false, message: "Suspended by an administrator — ask them to reactivate it." });
    // The admin's action is not for a user (the wrong role).
    const asAdmin = await callAction(app.url, "/users", "setKeyStatusAction", { keyId: id, status: "active" }, { session: alice.session });
    expect(asAdmin.state?.ok).toBe(false);
    expect(await written()).toBe(before);
    expect((await chat(key)).status).toBe(401);
    // The owner may still delete it; an admin may reactivate it.
    await usersActionAs(app, admin, "setKeyStatusAction", { keyId: id, status: "active" });
    expect(await keyRow(id)).toMatchObject({ status: "active", suspended_by: null });
    expect((await own("deleteOwnKeyAction", { keyId: id }, alice.session)).state).toMatchObject({ ok: true });
  });
});
