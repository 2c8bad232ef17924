import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, keyIdOf, readyUser, signedInAdmin, type ReadyUser } from "../support/admin";
import { startApp, type App } from "../support/app";
import type { Session } from "../support/http";
import { startMockLlm, type MockLlm } from "../support/mock-llm";
import { unique } from "../support/names";
import { waitFor } from "../support/ports";

// The portal's usage history over HTTP against the built app, with the ledger rows of two users' real
// gateway calls (to the local mock upstream, one of which fails upstream): GET /user/usage/export sends
// the session's own rows and nobody else's, as JSON and as CSV, and refuses what it must with a JSON
// error (never the sign-in page); GET /user/usage shows exactly the rows a filter asks for, and answers
// bogus filters with the default view, never a 500.

let app: App;
let mock: MockLlm;
let admin: Session;
let alice: ReadyUser;
let bob: ReadyUser;
let aliceKeys: { laptop: string; ci: string };
let bobKeyId: string;
const MODEL_A = unique("model-a");
const MODEL_B = unique("model-b");

const get = (path: string, opts: { session?: Session; headers?: Record<string, string> } = {}) =>
  fetch(app.url + path, { redirect: "manual", headers: { ...(opts.session ? { cookie: opts.session.cookie } : {}), ...opts.headers } });

async function call(key: string, model: string, status = 200) {
  const res = await fetch(`${app.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hello" }] }),
  });
  expect(res.status, await res.text()).toBe(status);
}

/** A user's ledger rows' ids, oldest first (read with SQL, for asserting). */
async function ledgerIds(userId: string): Promise<number[]> {
  const { rows } = await app.db.execute({ sql: "SELECT id FROM usage_events WHERE user_id = ? ORDER BY created_at, id", args: [userId] });
  return rows.map((r) => Number(r.id));
}

/** The ids of the call rows a page of /user/usage shows, in order. */
async function shownIds(path: string, session: Session): Promise<number[]> {
  const res = await get(path, { session });
  expect(res.status, path).toBe(200);
  const html = await res.text();
  return [...html.matchAll(/data-testid="usage-call" data-id="(\d+)"/g)].map((m) => Number(m[1]));
}

beforeAll(async () => {
  mock = await startMockLlm();
  app = await startApp({ valkey: true, smtp: false });
  admin = await signedInAdmin(app);
  await createEndpointAs(app, admin, { name: unique("usage-ep"), baseUrl: `${mock.url}/v1`, models: [MODEL_A, MODEL_B, "mock-error"], eurPerMInput: 2, eurPerMOutput: 4 });
  [alice, bob] = [await readyUser(app, admin), await readyUser(app, admin)];
  const laptop = await createKeyAs(app, admin, alice.id, "laptop");
  const ci = await createKeyAs(app, admin, alice.id, "ci");
  const bobs = await createKeyAs(app, admin, bob.id, "bob's");
  aliceKeys = { laptop: await keyIdOf(app, laptop), ci: await keyIdOf(app, ci) };
  bobKeyId = await keyIdOf(app, bobs);
  await call(laptop, MODEL_A);
  await call(ci, MODEL_B);
  await call(laptop, "mock-error", 502);
  await call(laptop, MODEL_A);
  await call(bobs, MODEL_A);
  await call(bobs, MODEL_B);
  await waitFor("the calls' ledger rows", async () => (await ledgerIds(alice.id)).length === 4 && (await ledgerIds(bob.id)).length === 2, 5000, 50);
});

afterAll(async () => {
  await app?.stop();
  await mock?.stop();
});

describe("GET /user/usage/export", () => {
  it("sends the session's own rows as JSON, and another user's session gets theirs alone", async () => {
    for (const who of [alice, bob]) {
      const res = await get("/user/usage/export?days=30&format=json", { session: who.session });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(res.headers.get("content-disposition")).toMatch(new RegExp(`^attachment; filename="usage-${who.username}-\\d{4}-\\d{2}-\\d{2}-\\d{4}-\\d{2}-\\d{2}\\.json"$`));
      const rows = (await res.json()) as { id: number; user_id: string }[];
      expect(rows.map((r) => r.id)).toEqual(await ledgerIds(who.id));
      expect(new Set(rows.map((r) => r.user_id))).toEqual(new Set([who.id]));
    }
  });

  it("sends CSV: a header row, then the session's own rows", async () => {
    const res = await get("/user/usage/export?format=csv&days=7", { session: alice.session });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get("content-disposition")).toMatch(new RegExp(`^attachment; filename="usage-${alice.username}-\\d{4}-\\d{2}-\\d{2}-\\d{4}-\\d{2}-\\d{2}\\.csv"$`));
    const [header, ...records] = (await res.text()).split("\r\n").filter(Boolean).map((l) => l.split(","));
    expect(header.slice(0, 4)).toEqual(["id", "request_id", "created_at", "user_id"]);
    expect(records.map((r) => Number(r[0]))).toEqual(await ledgerIds(alice.id));
    expect(new Set(records.map((r) => r[header.indexOf("user_id")]))).toEqual(new Set([alice.id]));
    expect(records.map((r) => r[header.indexOf("status")])).toContain("upstream_500");
  });

  it("ignores a user id in the URL: the rows are the session's", async () => {
    const rows = (await (await get(`/user/usage/export?user=${bob.id}&id=${bob.id}`, { session: alice.session })).json()) as { user_id: string }[];
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.user_id === alice.id)).toBe(true);
  });

  it("refuses no session (401), another site (403) and bad parameters (400, naming them) with a JSON error, never a redirect", async () => {
    const cases: [string, Response, number, RegExp][] = [
      ["no session", await get("/user/usage/export?days=30&format=csv"), 401, /session/i],
      ["a bogus session cookie", await get("/user/usage/export", { headers: { cookie: "next-auth.session-token=forged" } }), 401, /session/i],
      ["the middleware-bypass header", await get("/user/usage/export", { headers: { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" } }), 401, /session/i],
      ["another Origin", await get("/user/usage/export", { session: alice.session, headers: { origin: "https://evil.example" } }), 403, /cross-site/i],
      ["a cross-site fetch", await get("/user/usage/export", { session: alice.session, headers: { "sec-fetch-site": "cross-site" } }), 403, /cross-site/i],
    ];
    for (const query of ["?days=0", "?days=367", "?days=1.5", "?days=abc", "?days=", "?days=30&days=31", "?format=xml", "?format=", "?format=JSON"]) {
      cases.push([query, await get(`/user/usage/export${query}`, { session: alice.session }), 400, query.includes("format") ? /^format / : /^days /]);
    }
    for (const [what, res, status, message] of cases) {
      expect(res.status, what).toBe(status);
      expect(res.headers.get("location"), what).toBeNull();
      expect(res.headers.get("content-type"), what).toMatch(/^application\/json/);
      expect(((await res.json()) as { error: string }).error, what).toMatch(message);
    }
    // The same Origin is welcome; 1 and 366 days are.
    expect((await get("/user/usage/export?days=1", { session: alice.session, headers: { origin: app.url, "sec-fetch-site": "same-origin" } })).status).toBe(200);
    expect((await get("/user/usage/export?days=366&format=csv", { session: alice.session })).status).toBe(200);
  });
});

describe("GET /user/usage", () => {
  it("shows the session's calls newest first, and with a filter exactly the matching ones", async () => {
    const all = await ledgerIds(alice.id); // oldest first: laptop A, ci B, laptop error, laptop A
    expect(await shownIds("/user/usage", alice.session)).toEqual([...all].reverse());
    expect(await shownIds(`/user/usage?model=${MODEL_B}`, alice.session)).toEqual([all[1]]);
    expect(await shownIds(`/user/usage?key=${aliceKeys.ci}`, alice.session)).toEqual([all[1]]);
    expect(await shownIds(`/user/usage?key=${aliceKeys.laptop}&model=${MODEL_A}&days=7`, alice.session)).toEqual([all[3], all[0]]);
    expect(await shownIds("/user/usage?status=error", alice.session)).toEqual([all[2]]);
    expect(await shownIds("/user/usage?status=upstream&days=90", alice.session)).toEqual([all[2]]);
    expect(await shownIds("/user/usage?status=ok", alice.session)).toEqual([all[3], all[1], all[0]]);
    expect(await shownIds("/user/usage?key=deleted", alice.session)).toEqual([]);
    const bobs = await ledgerIds(bob.id);
    expect(await shownIds(`/user/usage?model=${MODEL_B}`, bob.session)).toEqual([bobs[1]]);
  });

  it("answers bogus filters with the default view, not an error, and never shows another user's rows", async () => {
    const all = [...(await ledgerIds(alice.id))].reverse();
    for (const query of [
      "?days=abc&key=zzz&model=%00&status=x&page=-1",
      "?days=7&days=90&page=2&page=3",
      `?key=${bobKeyId}`,
      "?model=" + "x".repeat(5000),
      "?page=999999999999",
      "?status[]=ok&days[a]=1",
      "?key=%E0%A4%A",
    ]) {
      expect(await shownIds(`/user/usage${query}`, alice.session), query).toEqual(all);
    }
    expect(await shownIds("/user/usage?page=999999", alice.session)).toEqual(all);
  });

  it("sends a visitor without a session to sign in", async () => {
    const res = await get("/user/usage?days=7");
    expect(res.status).toBe(307);
    expect(res.headers.get("location")).toMatch(/\/login\?next=%2Fuser%2Fusage%3Fdays%3D7$/);
  });
});
