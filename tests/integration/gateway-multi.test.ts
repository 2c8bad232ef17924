import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeyAs, createUserAs, signedInAdmin } from "../support/admin";
import { startApp, type App } from "../support/app";
import { callAction, type Session } from "../support/http";
import { startMockLlm, type MockLlm } from "../support/mock-llm";

// Two app processes of one deployment on different ports, sharing the SQLite file and valkey-server:
// what one instance's admin action changes, the other enforces on its very next call.

let a: App;
let b: App;
let mock: MockLlm;
let admin: Session;
let userId: string;
let key: string;

const callVia = (app: App, apiKey = key) =>
  new OpenAI({ apiKey, baseURL: `${app.url}/v1`, maxRetries: 0 }).chat.completions.create({ model: "mock-gpt", messages: [{ role: "user", content: "hi" }] });
const outcome = (p: Promise<unknown>) => p.then(() => "ok", (e) => (e instanceof OpenAI.AuthenticationError ? "401" : String(e)));
const act = async (name: string, payload: unknown) => expect((await callAction(a.url, "/users", name, payload, { session: admin })).state).toMatchObject({ ok: true });

beforeAll(async () => {
  mock = await startMockLlm();
  a = await startApp({ valkey: true, smtp: false });
  b = await startApp({ valkey: true, smtp: false, shareWith: a });
  admin = await signedInAdmin(a);
  await a.db.execute({
    sql: "INSERT INTO model_endpoints (id, name, base_url, api_style, models, eur_per_m_input, eur_per_m_output) VALUES ('m', 'mock', ?, 'openai', '[\"mock-gpt\"]', 1, 1)",
    args: [`${mock.url}/v1`],
  });
  userId = await createUserAs(a, admin, "multi");
  key = await createKeyAs(a, admin, userId);
});

afterAll(async () => {
  await b?.stop();
  await a?.stop();
  await mock?.stop();
});

describe("several instances sharing one database and one Valkey", () => {
  it("refuses a key on instance B on the very next call after the user is suspended through instance A", async () => {
    // B reads the new endpoint within 2 s; from then on it has the key's auth record cached.
    await expect.poll(() => outcome(callVia(b)), { timeout: 5000, interval: 200 }).toBe("ok");
    await act("setActiveAction", { id: userId, active: false });
    expect(await outcome(callVia(b))).toBe("401");
    expect(await outcome(callVia(a))).toBe("401");
    await act("setActiveAction", { id: userId, active: true });
    expect(await outcome(callVia(b))).toBe("ok");
  });

  it("does the same for the key alone, and for its deletion", async () => {
    const [{ id: keyId }] = (await a.db.execute({ sql: "SELECT id FROM api_keys WHERE user_id = ?", args: [userId] })).rows as unknown as { id: string }[];
    expect(await outcome(callVia(b))).toBe("ok");
    await act("setKeyStatusAction", { keyId, status: "suspended" });
    expect(await outcome(callVia(b))).toBe("401");
    await act("setKeyStatusAction", { keyId, status: "active" });
    expect(await outcome(callVia(b))).toBe("ok");
    await act("deleteKeyAction", { keyId });
    expect(await outcome(callVia(b))).toBe("401");
  });

  it("ends a session on instance B when the user is suspended through instance A", async () => {
    const other = await createUserAs(a, admin, "multi-session");
    const { loginOrThrow } = await import("../support/http");
    const first = await loginOrThrow(b.url, "multi-session", "first-password");
    const r = await callAction(b.url, "/change-password", "changePasswordAction", { current: "first-password", password: "second-password", confirm: "second-password" }, { session: first });
    expect(r.state).toMatchObject({ ok: true });
    const s = await loginOrThrow(b.url, "multi-session", "second-password");
    expect((await fetch(`${b.url}/user`, { headers: { cookie: s.cookie }, redirect: "manual" })).status).toBe(200);
    await act("setActiveAction", { id: other, active: false });
    expect((await fetch(`${b.url}/user`, { headers: { cookie: s.cookie }, redirect: "manual" })).status).toBe(307);
  });
});
