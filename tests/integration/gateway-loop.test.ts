import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs, signedInAdmin } from "../support/admin";
import { startApp, type App } from "../support/app";
import type { Session } from "../support/http";
import { startMockLlm, type MockLlm } from "../support/mock-llm";
import { unique } from "../support/names";

// No gateway loops, over HTTP against the built app: a call carrying the hop header every gateway adds
// to what it forwards is refused, and two separate deployments (A and B, each its own database and
// key) whose endpoints point at each other end a call after one hop instead of passing it back and
// forth for ever. In-process cache: nothing here concerns Valkey.

let a: App;
let b: App;
let mock: MockLlm;
let adminA: Session;
let adminB: Session;
let keyA: string;

const usage = async (app: App, sql = "", args: string[] = []) => (await app.db.execute({ sql: `SELECT * FROM usage_events ${sql}`, args })).rows;
const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

/** A user of its own on this app, and one key of theirs. */
async function callerOn(app: App, admin: Session) {
  return createKeyAs(app, admin, await createUserAs(app, admin, unique("loop")));
}

beforeAll(async () => {
  mock = await startMockLlm();
  a = await startApp({ smtp: false });
  b = await startApp({ smtp: false });
  adminA = await signedInAdmin(a);
  adminB = await signedInAdmin(b);
  keyA = await callerOn(a, adminA);
  await createEndpointAs(a, adminA, { name: "mock", baseUrl: `${mock.url}/v1`, models: ["mock-gpt", "mock-claude"] });
  await createEndpointAs(a, adminA, { name: "mock-an", baseUrl: `${mock.url}/v1`, apiStyle: "anthropic", models: ["mock-claude"] });
});

afterAll(async () => {
  await b?.stop();
  await a?.stop();
  await mock?.stop();
});

describe("a call forwarded by a gateway", () => {
  it("is refused: 400 in OpenAI's shape, one usage row with status loop_refused, nothing forwarded", async () => {
    const seen = mock.requests.length;
    const client = new OpenAI({ apiKey: keyA, baseURL: `${a.url}/v1`, maxRetries: 0, defaultHeaders: { "x-tollgate-hop": "1" } });
    const error = await client.chat.completions.create({ model: "mock-gpt", messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.message).toMatch(/x-tollgate-hop/);
    const requestId = error.headers.get("x-request-id");
    expect(await usage(a, "WHERE request_id = ?", [requestId])).toEqual([expect.objectContaining({ status: "loop_refused", input_tokens: 0, cost_eur: 0 })]);
    expect(mock.requests.length).toBe(seen);
  });

  it("is refused in Anthropic's shape on /v1/messages", async () => {
    const client = new Anthropic({ apiKey: keyA, baseURL: a.url, maxRetries: 0, defaultHeaders: { "x-tollgate-hop": "1" } });
    const error = await client.messages.create({ model: "mock-claude", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(error.error).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(await usage(a, "WHERE request_id = ?", [error.headers.get("x-request-id")])).toEqual([expect.objectContaining({ status: "loop_refused" })]);
  });

  it("the same call without the header goes through: the gateway marks what it forwards", async () => {
    const client = new OpenAI({ apiKey: keyA, baseURL: `${a.url}/v1`, maxRetries: 0 });
    await client.chat.completions.create({ model: "mock-gpt", messages: [{ role: "user", content: "hi" }] });
    expect(mock.requests.at(-1)?.headers["x-tollgate-hop"]).toBe("1");
  });
});

describe("two Tollgate deployments whose endpoints point at each other", () => {
  it("end a call after one hop: A forwards to B, B refuses, one usage row on each side", async () => {
    const model = unique("ping-pong");
    // Each side calls the other with a key of the other's, as an admin would set it up by mistake.
    const keyOnB = await callerOn(b, adminB);
    await createEndpointAs(a, adminA, { name: unique("to-b"), baseUrl: `${b.url}/v1`, apiKey: keyOnB, models: [model] });
    await createEndpointAs(b, adminB, { name: unique("to-a"), baseUrl: `${a.url}/v1`, apiKey: await callerOn(a, adminA), models: [model] });

    const client = new OpenAI({ apiKey: keyA, baseURL: `${a.url}/v1`, maxRetries: 0 });
    const started = Date.now();
    const error = await client.chat.completions.create({ model, messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
    // B's refusal, passed on by A as an upstream 400.
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.message).toMatch(/forwarded by a Tollgate gateway/);
    expect(Date.now() - started).toBeLessThan(5000);

    await settle(); // a loop would keep adding rows; none come
    expect((await usage(a, "WHERE model = ?", [model])).map((r) => r.status)).toEqual(["upstream_400"]);
    expect((await usage(b)).map((r) => r.status)).toEqual(["loop_refused"]); // B serves only this call; refused before it reads a model
  });
});
