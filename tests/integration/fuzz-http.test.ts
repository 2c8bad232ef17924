import { request as httpRequest } from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs, keyIdOf, signedInAdmin, snapshot } from "../support/admin";
import { startApp, type App } from "../support/app";
import { actionId, callAction, login, type Session } from "../support/http";
import { startMockLlm, type MockLlm } from "../support/mock-llm";
import { unique } from "../support/names";

// Generated bad input against every server action, the sign-in and the gateway of the built app:
// wrong types, huge and empty strings, NUL bytes, `$`-operators, `__proto__`, deep nesting, bodies
// that are not JSON or too large. None may get a 500, and a refused action writes nothing.

let app: App;
let mock: MockLlm;
let admin: Session;
let key: string;
const target = { userId: "", keyId: "", endpointId: "", endpointName: "" };

beforeAll(async () => {
  mock = await startMockLlm();
  app = await startApp({ valkey: true, smtp: false, env: { GATEWAY_MAX_BODY_BYTES: "65536" } });
  admin = await signedInAdmin(app);
  target.userId = await createUserAs(app, admin, unique("fuzzed"));
  key = await createKeyAs(app, admin, target.userId, "fuzz");
  target.keyId = await keyIdOf(app, key);
  target.endpointName = unique("fuzz-ep");
  target.endpointId = await createEndpointAs(app, admin, { name: target.endpointName, baseUrl: `${mock.url}/v1`, models: ["mock-gpt"] });
});
afterAll(async () => {
  await app?.stop();
  await mock?.stop();
});

const deep = (levels: number) => JSON.parse("[".repeat(levels) + "]".repeat(levels));
/** Values no field of any form expects: each replaces one field of a valid payload in turn. */
const BAD_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  "",
  " ",
  "\u0000",
  "name\u0000admin",
  "x".repeat(20_000),
  "$where",
  { $gt: "" },
  { $ne: null },
  [],
  ["a", "b"],
  {},
  JSON.parse('{"__proto__": {"polluted": true}}'),
  "__proto__",
  "constructor",
  "' OR 1=1 --",
  "<script>alert(1)</script>",
  "💥".repeat(40),
  deep(40),
];

type Action = { name: string; page: string; valid: Record<string, unknown> };
const actions = (): Action[] => [
  {
    name: "createUserAction",
    page: "/users",
    valid: { username: unique("fz"), email: `${unique("fz")}@example.test`, displayName: "F", password: "long-enough-1", role: "user", dailyLimit: "", monthlyLimit: "", totalLimit: "", sendWelcome: false, includePassword: false },
  },
  { name: "updateUserAction", page: "/users", valid: { id: target.userId, email: `${unique("fz")}@example.test`, displayName: "F", dailyLimit: "1", monthlyLimit: "", totalLimit: "", budgetType: "subscription" } },
  { name: "setRoleAction", page: "/users", valid: { id: target.userId, role: "expert" } },
  { name: "setActiveAction", page: "/users", valid: { id: target.userId, active: true } },
  { name: "resetPasswordAction", page: "/users", valid: { id: target.userId, password: "reset-by-fuzz-1", mustChange: true } },
  { name: "deleteUserAction", page: "/users", valid: { id: target.userId } },
  { name: "createKeyAction", page: "/users", valid: { userId: target.userId, label: "fz" } },
  { name: "setKeyStatusAction", page: "/users", valid: { keyId: target.keyId, status: "active" } },
  { name: "renameKeyAction", page: "/users", valid: { keyId: target.keyId, label: "fz" } },
  { name: "deleteKeyAction", page: "/users", valid: { keyId: target.keyId } },
  {
    name: "createEndpointAction",
    page: "/endpoints",
    valid: { name: unique("fz"), baseUrl: "https://api.example.test/v1", apiStyle: "openai", apiKey: "", models: "m", eurPerMInput: "1", eurPerMOutput: "2" },
  },
  {
    name: "updateEndpointAction",
    page: "/endpoints",
    valid: { id: target.endpointId, name: target.endpointName, baseUrl: `${mock.url}/v1`, apiStyle: "openai", apiKey: "", models: "mock-gpt", eurPerMInput: "0", eurPerMOutput: "0" },
  },
  { name: "deleteEndpointAction", page: "/endpoints", valid: { id: target.endpointId } },
  { name: "testEndpointAction", page: "/endpoints", valid: { id: target.endpointId } },
  // Never valid: the current password is wrong, so the admin's password is never changed.
  { name: "changePasswordAction", page: "/change-password", valid: { current: "not-the-password", password: "fuzzed-pass-1", confirm: "fuzzed-pass-1" } },
  // The admin's own profile; the e-mail and password changes never valid (a wrong current password).
  { name: "updateOwnProfileAction", page: "/user/profile", valid: { displayName: "Fuzzed" } },
  { name: "changeOwnEmailAction", page: "/user/profile", valid: { email: `${unique("fz")}@example.test`, current: "not-the-password" } },
  { name: "setOwnTimezoneAction", page: "/user/profile", valid: { timezoneOffsetHours: "1" } },
  { name: "changeOwnPasswordAction", page: "/user/profile", valid: { current: "not-the-password", password: "fuzzed-pass-1", confirm: "fuzzed-pass-1" } },
  // Public: mail is off here, and the token was never issued.
  { name: "forgotPasswordAction", page: "/user/forgot-password", valid: { email: "fz@example.test" } },
  { name: "resetPasswordWithLinkAction", page: "/user/reset-password", valid: { token: Buffer.alloc(32, 3).toString("base64url"), password: "fuzzed-pass-1", confirm: "fuzzed-pass-1" } },
  // Templates and CC profiles: the admin's page and the portal's (an admin there manages all).
  {
    name: "createTemplateAction",
    page: "/templates",
    valid: { name: unique("fz"), description: "", costFactor: "1.5", active: true, target: `mock-gpt@${target.endpointName}`, systemPrompt: "Be brief.", maxTokens: "100", temperature: "0.2", mode: "native" },
  },
  { name: "importTemplatesAction", page: "/templates", valid: { json: JSON.stringify({ kind: "tollgate.expert-templates", version: 1, items: [] }), mode: "merge" } },
  {
    name: "createMyProfileAction",
    page: "/user/cc-profiles",
    valid: { name: unique("fz"), description: "", active: true, mode: "native", toolModel: `mock-gpt@${target.endpointName}`, toolMaxTokens: "100", reasoningMaxTokens: "2048", systemPromptPrefix: "", streamThinking: true },
  },
  { name: "setUserActiveProfileAction", page: "/cc-profiles", valid: { userId: target.userId, profileId: "" } },
];

const TABLES = ["users", "api_keys", "model_endpoints", "password_reset_tokens", "expert_templates", "cc_profiles"] as const;

describe("generated bad input", () => {
  it("never gets a 500 from a server action, and a refused action writes nothing", async () => {
    let sent = 0;
    for (const action of actions()) {
      for (const field of Object.keys(action.valid)) {
        for (const value of BAD_VALUES) {
          const payload = { ...action.valid, [field]: value };
          const before = await snapshot(app, [...TABLES]);
          const r = await callAction(app.url, action.page, action.name, payload, { session: admin });
          sent++;
          const what = `${action.name}.${field} = ${JSON.stringify(value)?.slice(0, 60)}`;
          expect(r.status, `${what}: ${r.body.slice(0, 200)}`).toBeLessThan(500);
          if (!r.state?.ok) expect(await snapshot(app, [...TABLES]), what).toBe(before);
        }
      }
    }
    expect(sent).toBeGreaterThan(300);
    // Hundreds of actions with a snapshot on either side: over a minute on a busy two-core machine. A
    // timeout that cuts it short leaves its requests running into the next test.
  }, 240_000);

  it("never gets a 500 from a server action whatever its body: not an object, not JSON, too deep, too large, foreign", async () => {
    const bodies: [string, Record<string, string>?][] = [
      [JSON.stringify(["$undefined", "just a string"])],
      [JSON.stringify(["$undefined", 42])],
      [JSON.stringify(["$undefined", null])],
      [JSON.stringify(["$undefined"])],
      [JSON.stringify({ not: "an array" })],
      ["{not json"],
      ["\u0000\u0000"],
      [""],
      ["[" + "[".repeat(100_000) + "]".repeat(100_000) + "]"],
      [JSON.stringify(["$undefined", { username: "x".repeat(200_000) }])],
      [JSON.stringify(["$undefined", {}]), { origin: "https://evil.example" }],
      // A $-string not escaped as React's client escapes it: a reference no browser sends.
      [JSON.stringify(["$undefined", { username: "$where", email: { $gt: "" } }])],
      [JSON.stringify(["$@1", {}])],
      [JSON.stringify(["$undefined", {}]), { "sec-fetch-site": "cross-site", origin: "https://evil.example" }],
    ];
    for (const [body, headers] of bodies) {
      const before = await snapshot(app, [...TABLES]);
      const r = await callAction(app.url, "/users", "createUserAction", null, { session: admin, rawBody: body, headers });
      expect(r.status, `${body.slice(0, 40)} ${JSON.stringify(headers ?? {})}: ${r.body.slice(0, 200)}`).toBeLessThan(500);
      expect(await snapshot(app, [...TABLES])).toBe(before);
    }
    const foreign = await callAction(app.url, "/users", "createUserAction", {}, { session: admin, headers: { origin: "https://evil.example" } });
    expect(foreign.status).toBe(403);
    const large = await callAction(app.url, "/users", "createUserAction", null, { session: admin, rawBody: "x".repeat(200_000) });
    expect(large.status).toBe(413);
    // The public pages' actions (forgot / reset password) have their bodies checked too, session or not.
    const publicBad = await callAction(app.url, "/user/forgot-password", "forgotPasswordAction", null, { rawBody: "{not json" });
    expect(publicBad.status).toBe(400);
    // Multipart, which our forms never send: refused whatever its size, chunked or not.
    for (const chunked of [false, true]) {
      const boundary = "----fuzz";
      const part = `--${boundary}\r\nContent-Disposition: form-data; name="1_username"\r\n\r\n${"x".repeat(200_000)}\r\n--${boundary}--\r\n`;
      const status = await new Promise<number>((resolve) => {
        const req = httpRequest(
          {
            host: "127.0.0.1",
            port: Number(new URL(app.url).port),
            path: "/users",
            method: "POST",
            headers: {
              "next-action": actionId("createUserAction"),
              origin: app.url,
              cookie: admin.cookie,
              "content-type": `multipart/form-data; boundary=${boundary}`,
              ...(chunked ? { "transfer-encoding": "chunked" } : { "content-length": String(Buffer.byteLength(part)) }),
            },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.end(part);
      });
      expect(status, chunked ? "chunked" : "with a length").toBeLessThan(500);
    }
  });

  it("never gets a 500 from the sign-in, whatever the fields", async () => {
    const strings = ["", " ", "\u0000", "admin\u0000", "x".repeat(20_000), "$where", "__proto__", "' OR 1=1 --", "💥".repeat(40), "ADMIN", " admin "];
    for (const username of strings.slice(0, 6)) {
      for (const password of strings) {
        let status = 0;
        await login(app.url, username, password, { headers: { "x-forwarded-for": "192.0.2.1" }, onAnswer: (res) => (status = res.status) });
        expect(status, `${JSON.stringify(username).slice(0, 30)} / ${JSON.stringify(password).slice(0, 30)}`).toBeLessThan(500);
      }
    }
  });

  it("never gets a 500 from the gateway, whatever the body", async () => {
    // A key of its own: the action fuzz above may well have suspended the shared target.
    const own = await createKeyAs(app, admin, await createUserAs(app, admin, unique("gw-fuzz")), "gateway fuzz");
    const valid = { model: "mock-gpt", messages: [{ role: "user", content: "hi" }], max_tokens: 5 };
    const post = (path: string, body: string) => fetch(app.url + path, { method: "POST", headers: { authorization: `Bearer ${own}`, "content-type": "application/json", "anthropic-version": "2023-06-01" }, body });
    for (const path of ["/v1/chat/completions", "/v1/messages"]) {
      for (const field of ["model", "messages", "max_tokens", "stream"]) {
        for (const value of BAD_VALUES) {
          const res = await post(path, JSON.stringify({ ...valid, [field]: value }));
          expect(res.status, `${path} ${field} = ${JSON.stringify(value)?.slice(0, 60)}`).toBeLessThan(500);
          await res.arrayBuffer();
        }
      }
      for (const raw of ["[" + "[".repeat(100_000) + "]".repeat(100_000) + "]", JSON.stringify({ ...valid, deep: deep(1000) }), "{nope", "\u0000", "", "null", "[]", "x".repeat(100_000)]) {
        const res = await post(path, raw);
        expect(res.status, `${path} ${raw.slice(0, 30)}`).toBeLessThan(500);
        expect([400, 413]).toContain(res.status);
        await res.arrayBuffer();
      }
    }
  });

  it("logs an upload the client aborted in one line, not a stack trace", async () => {
    const { port } = new URL(app.url);
    for (const path of ["/v1/chat/completions", "/users"]) {
      await new Promise<void>((resolve) => {
        const socket = net.connect(Number(port), "127.0.0.1", () => {
          const action = path === "/users" ? `Next-Action: ${actionId("createUserAction")}\r\nCookie: ${admin.cookie}\r\nOrigin: ${app.url}\r\n` : "";
          socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${key}\r\n${action}Content-Type: text/plain\r\nContent-Length: 90000\r\n\r\n["$undefined",{"model":"mock-gpt","messages":[`);
          setTimeout(() => {
            socket.destroy();
            resolve();
          }, 200);
        });
      });
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(app.logs()).not.toMatch(/\n\s+at [^\n]+\(/);
  });
});
