import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PORTAL_MENU, portalMenu } from "@/components/portal/menu";
import { createEndpointAs, keyIdOf, readyUser, signedInAdmin, snapshot, type ReadyUser } from "../support/admin";
import { startApp, type App } from "../support/app";
import { callAction, type Session } from "../support/http";
import { startMockLlm, type MockLlm } from "../support/mock-llm";
import { unique } from "../support/names";

// One user never sees or touches another's portal data, over real HTTP against the built app, posted
// and fetched the way a script or an attacker can. Alice has a key, a call in the ledger and alert
// settings, each with a marker of its own; Bob then reads every page of the portal menu (the list the
// sidebar is drawn from, so a new page is covered the day it is listed), its data routes and its query
// variants naming Alice's ids, and posts every portal action with Alice's ids slipped in: none of
// Alice's markers appears anywhere, a key id of hers is answered as a key that does not exist, and her
// rows do not change. The admin's routes and actions refuse Bob outright.

let app: App;
let mock: MockLlm;
let admin: Session;
let alice: ReadyUser;
let bob: ReadyUser;
let aliceKey: string;
let aliceKeyId: string;
let requestId: string;
const model = unique("iso-model");
const ALICE_LABEL = unique("alice-label");
const ALICE_ALERTS = `${unique("alice-alerts")}@example.test`;

/** What of Alice's may never reach Bob: her name, her key's prefix and label, her call, her alert address. */
const aliceMarkers = () => [alice.username, aliceKey.slice(0, 16), ALICE_LABEL, requestId, ALICE_ALERTS];
const expectNothingOfAlice = (body: string, where: string) => {
  for (const marker of aliceMarkers()) expect(body.includes(marker), `${where} shows ${marker}`).toBe(false);
};
const get = (path: string, session?: Session) => fetch(app.url + path, { headers: session ? { cookie: session.cookie } : {}, redirect: "manual" });
/** Every user and key row and the audit log's length: equal before and after means nothing was written. */
const written = () => snapshot(app, ["users", "api_keys"]);

beforeAll(async () => {
  mock = await startMockLlm();
  app = await startApp({ valkey: true, smtp: false });
  admin = await signedInAdmin(app);
  await createEndpointAs(app, admin, { name: unique("iso-ep"), baseUrl: `${mock.url}/v1`, models: [model] });
  [alice, bob] = [await readyUser(app, admin), await readyUser(app, admin)];
  const created = await callAction(app.url, "/user/keys", "createOwnKeyAction", { label: ALICE_LABEL }, { session: alice.session });
  expect(created.state, created.body).toMatchObject({ ok: true });
  aliceKey = (created.state!.data as { key: string }).key;
  aliceKeyId = await keyIdOf(app, aliceKey);
  const call = await fetch(`${app.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${aliceKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hello from alice" }] }),
  });
  expect(call.status, await call.clone().text()).toBe(200);
  const [row] = (await app.db.execute({ sql: "SELECT request_id FROM usage_events WHERE user_id = ?", args: [alice.id] })).rows;
  requestId = String(row.request_id);
  const alerts = await callAction(app.url, "/user/billing", "setOwnAlertsAction", { alertEnabled: "on", alertThresholdPct: "70", alertEmail: ALICE_ALERTS }, { session: alice.session });
  expect(alerts.state, alerts.body).toMatchObject({ ok: true });
});

afterAll(async () => {
  await app?.stop();
  await mock?.stop();
});

describe("portal pages", () => {
  it("Alice's own pages show her markers (so their absence below means something)", async () => {
    const seen = new Set<string>();
    // Alice and Bob are users: their menu (the template and profile pages are for other roles).
    for (const entry of portalMenu("user").links) {
      const res = await get(entry.href, alice.session);
      expect(res.status, entry.href).toBe(200);
      const body = await res.text();
      for (const marker of aliceMarkers()) if (body.includes(marker)) seen.add(marker);
    }
    // Her name is in the frame, her key on the keys page, her alert address on billing.
    for (const marker of [alice.username, aliceKey.slice(0, 16), ALICE_LABEL, ALICE_ALERTS]) expect(seen.has(marker), marker).toBe(true);
  });

  it("every page of the portal menu, and its variants naming Alice's ids, shows Bob nothing of Alice's", async () => {
    const paths = portalMenu("user").links.flatMap((e) => [
      e.href,
      `${e.href}?user=${alice.id}`,
      `${e.href}?userId=${alice.id}`,
      `${e.href}?id=${alice.id}`,
      `${e.href}?key=${aliceKeyId}`,
      `${e.href}?edit=${alice.id}`,
    ]);
    for (const path of paths) {
      const res = await get(path, bob.session);
      expect(res.status, path).toBe(200);
      const body = await res.text();
      expect(body, path).toContain(bob.username);
      expectNothingOfAlice(body, path);
    }
  });

  it("the portal's usage download holds the session's own rows only, whatever the query names", async () => {
    const download = (session: Session, query: string) => fetch(`${app.url}/user/usage/export?${query}`, { headers: { cookie: session.cookie, origin: app.url } });
    for (const format of ["json", "csv"]) {
      const mine = await download(alice.session, `days=90&format=${format}`);
      expect(mine.status).toBe(200);
      expect(await mine.text(), `Alice's ${format}`).toContain(requestId);
      for (const query of [`days=90&format=${format}`, `days=90&format=${format}&user=${alice.id}&userId=${alice.id}&id=${alice.id}&key=${aliceKeyId}`]) {
        const theirs = await download(bob.session, query);
        expect(theirs.status, query).toBe(200);
        expectNothingOfAlice(await theirs.text(), `Bob's download (${query})`);
      }
    }
  });

  it("sends a caller without a session to sign in from every portal page", async () => {
    for (const entry of PORTAL_MENU.filter((e) => e.available)) {
      const res = await get(entry.href);
      expect(res.status, entry.href).toBe(307);
      expect(new URL(res.headers.get("location")!, app.url).pathname, entry.href).toBe("/login");
    }
  });
});

describe("the admin's routes and actions", () => {
  it("refuse Bob: the admin pages send him to his dashboard, Alice's usage download is forbidden", async () => {
    for (const path of ["/users", `/users?edit=${alice.id}`, "/endpoints", "/skills", "/mcp-tools", "/templates", "/cc-profiles"]) {
      const res = await get(path, bob.session);
      expect(res.status, path).toBe(307);
      expect(new URL(res.headers.get("location")!, app.url).pathname, path).toBe("/user/dashboard");
    }
    const download = await fetch(`${app.url}/api/users/${alice.id}/usage?days=30&format=json`, { headers: { cookie: bob.session.cookie, origin: app.url } });
    expect(download.status).toBe(403);
    expectNothingOfAlice(await download.text(), "the admin usage download");
  });

  it("refuse Bob's posts naming Alice, and nothing changes", async () => {
    const before = await written();
    for (const [name, payload] of [
      ["updateUserAction", { id: alice.id, email: "taken-over@example.test", displayName: "Bob was here" }],
      ["setAlertsAction", { id: alice.id, alertEnabled: "on", alertThresholdPct: "5", alertEmail: "bob@example.test" }],
      ["createKeyAction", { userId: alice.id, label: "bob's key for alice" }],
      ["setKeyStatusAction", { keyId: aliceKeyId, status: "suspended" }],
      ["deleteKeyAction", { keyId: aliceKeyId }],
      ["resetPasswordAction", { id: alice.id, password: "bob-chose-this", mustChange: "" }],
      ["setActiveAction", { id: alice.id, active: "" }],
    ] as const) {
      const r = await callAction(app.url, "/users", name, payload, { session: bob.session });
      expect(r.state?.ok, `${name}: ${r.body}`).toBe(false);
    }
    expect(await written()).toBe(before);
  });
});

describe("portal actions", () => {
  it("answer Alice's key id to Bob as a key that does not exist, and change nothing", async () => {
    const before = await written();
    for (const [name, payload] of [
      ["renameOwnKeyAction", { keyId: aliceKeyId, label: "bob renamed it" }],
      ["setOwnKeyStatusAction", { keyId: aliceKeyId, status: "suspended" }],
      ["deleteOwnKeyAction", { keyId: aliceKeyId }],
    ] as const) {
      const r = await callAction(app.url, "/user/keys", name, payload, { session: bob.session });
      expect(r.state, `${name}: ${r.body}`).toMatchObject({ ok: false, message: "This key no longer exists." });
    }
    expect(await written()).toBe(before);
  });

  it("act on the session's user only: a user id slipped into the payload changes Bob's row, never Alice's", async () => {
    const aliceBefore = (await app.db.execute({ sql: "SELECT * FROM users WHERE id = ?", args: [alice.id] })).rows[0];
    const r = await callAction(
      app.url,
      "/user/billing",
      "setOwnAlertsAction",
      { id: alice.id, userId: alice.id, alertEnabled: "on", alertThresholdPct: "55", alertEmail: "" },
      { session: bob.session },
    );
    expect(r.state, r.body).toMatchObject({ ok: true });
    expect((await app.db.execute({ sql: "SELECT alert_threshold_pct FROM users WHERE id = ?", args: [bob.id] })).rows[0].alert_threshold_pct).toBe(55);
    expect((await app.db.execute({ sql: "SELECT * FROM users WHERE id = ?", args: [alice.id] })).rows[0]).toEqual(aliceBefore);
  });
});
