import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs, keyIdOf, readyUser, signedInAdmin, usersActionAs } from "../support/admin";
import { startApp, type App } from "../support/app";
import type { Session } from "../support/http";
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
  // B reads a new endpoint within 2 s of its addition through A; the key works there from then on.
  await expect.poll(() => outcome(callVia(b, key)), { timeout: 5000, interval: 200 }).toBe("ok");
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
    expect((await fetch(`${b.url}/user`, { headers: { cookie: session.cookie }, redirect: "manual" })).status).toBe(200);
    await act("setActiveAction", { id, active: false });
    expect((await fetch(`${b.url}/user`, { headers: { cookie: session.cookie }, redirect: "manual" })).status).toBe(307);
  });
});
