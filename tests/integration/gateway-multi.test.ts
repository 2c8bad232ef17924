import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs, keyIdOf, readyUser, signedInAdmin, usersActionAs } from "../support/admin";
import { startApp, type App } from "../support/app";
import { callAction, type Session } from "../support/http";
import { startMockLlm, type MockLlm } from "../support/mock-llm";
import { unique } from "../support/names";

// Two app processes of one deployment on different ports, sharing the SQLite file and valkey-server:
// what one instance's admin action changes, the other enforces on its very next call. The endpoint is
// added once and never changed; each test has its own user.

let a: App;
let b: App;
let mock: MockLlm;
let admin: Session;

const callVia = (app: App, apiKey: string) =>
  new OpenAI({ apiKey, baseURL: `${app.url}/v1`, maxRetries: 0 }).chat.completions.create({ model: "mock-gpt", messages: [{ role: "user", content: "hi" }] });
const outcome = (p: Promise<unknown>) => p.then(() => "ok", (e) => (e instanceof OpenAI.AuthenticationError ? "401" : String(e)));
const act = (name: string, payload: unknown) => usersActionAs(a, admin, name, payload);

/** A user and key of the test's own, already used through B (which then has the key's auth record cached). */
async function keyUsedOnB() {
  const userId = await createUserAs(a, admin, unique("multi"));
  const key = await createKeyAs(a, admin, userId);
  expect(await outcome(callVia(b, key))).toBe("ok");
  return { userId, key };
}

beforeAll(async () => {
  mock = await startMockLlm();
  a = await startApp({ valkey: true, smtp: false });
  b = await startApp({ valkey: true, smtp: false, shareWith: a });
  admin = await signedInAdmin(a);
  await createEndpointAs(a, admin, { name: "mock", baseUrl: `${mock.url}/v1`, models: ["mock-gpt"], eurPerMInput: 1, eurPerMOutput: 1 });
});

afterAll(async () => {
  await b?.stop();
  await a?.stop();
  await mock?.stop();
});

describe("several instances sharing one database and one Valkey", () => {
  it("refuses a key on instance B on the very next call after the user is suspended through instance A", async () => {
    const { userId, key } = await keyUsedOnB();
    await act("setActiveAction", { id: userId, active: false });
    expect(await outcome(callVia(b, key))).toBe("401");
    expect(await outcome(callVia(a, key))).toBe("401");
    await act("setActiveAction", { id: userId, active: true });
    expect(await outcome(callVia(b, key))).toBe("ok");
  });

  it("does the same for the key alone, and for its deletion", async () => {
    const { key } = await keyUsedOnB();
    const keyId = await keyIdOf(a, key);
    expect(await outcome(callVia(b, key))).toBe("ok");
    await act("setKeyStatusAction", { keyId, status: "suspended" });
    expect(await outcome(callVia(b, key))).toBe("401");
    await act("setKeyStatusAction", { keyId, status: "active" });
    expect(await outcome(callVia(b, key))).toBe("ok");
    await act("deleteKeyAction", { keyId });
    expect(await outcome(callVia(b, key))).toBe("401");
  });

  it("ends a session on instance B when the user is suspended through instance A", async () => {
    const { id, session } = await readyUser(a, admin, { loginVia: b });
    expect((await fetch(`${b.url}/user/dashboard`, { headers: { cookie: session.cookie }, redirect: "manual" })).status).toBe(200);
    await act("setActiveAction", { id, active: false });
    expect((await fetch(`${b.url}/user/dashboard`, { headers: { cookie: session.cookie }, redirect: "manual" })).status).toBe(307);
  });

  it("routes by an endpoint added, changed or deleted through instance A on instance B at its very next call", async () => {
    const { key } = await keyUsedOnB(); // B now holds a copy of the routing table
    const model = unique("fresh-model");
    const name = unique("fresh");
    const chat = (app: App, m: string) =>
      new OpenAI({ apiKey: key, baseURL: `${app.url}/v1`, maxRetries: 0 }).chat.completions.create({ model: m, messages: [{ role: "user", content: "hi" }] }).then(
        () => "ok",
        (e) => String(e.status),
      );
    expect(await chat(b, model)).toBe("404");
    const id = await createEndpointAs(a, admin, { name, baseUrl: `${mock.url}/v1`, models: [model] });
    expect(await chat(b, model)).toBe("ok");
    const renamed = `${model}-2`;
    const edit = await callAction(a.url, "/endpoints", "updateEndpointAction", { id, name, baseUrl: `${mock.url}/v1`, apiStyle: "openai", apiKey: "", models: renamed, eurPerMInput: "0", eurPerMOutput: "0" }, { session: admin });
    expect(edit.state, edit.body).toMatchObject({ ok: true });
    expect(await chat(b, renamed)).toBe("ok");
    expect(await chat(b, model)).toBe("404");
    const removed = await callAction(a.url, "/endpoints", "deleteEndpointAction", { id }, { session: admin });
    expect(removed.state, removed.body).toMatchObject({ ok: true });
    expect(await chat(b, renamed)).toBe("404");
  });
});
