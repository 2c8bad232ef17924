import http from "node:http";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs, signedInAdmin } from "../support/admin";
import { AGENT_REASONING, AGENT_TEXT, AGENT_TOOL_INPUT, AGENT_USAGE, startAgentLlm, type AgentLlm } from "../support/agent-llm";
import { startApp, type App } from "../support/app";
import type { Session } from "../support/http";
import { startMockLlm, type MockLlm } from "../support/mock-llm";
import { unique } from "../support/names";

/**
 * The Responses API (POST /v1/responses) end to end: the official `openai` SDK's responses.create and
 * responses.stream against the built app (real SQLite, valkey-server), translated to a Chat
 * Completions and to a Messages upstream, and passed through to an upstream that speaks Responses
 * itself (tests/support/agent-llm answers all three).
 */

let app: App;
let admin: Session;
let agent: AgentLlm;
let plain: MockLlm;
let userId: string;
let oa: OpenAI;

const WEATHER: OpenAI.Responses.FunctionTool = { type: "function", name: "get_weather", description: "The weather in a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] }, strict: false };
const TIME: OpenAI.Responses.FunctionTool = { type: "function", name: "get_time", description: "The time in a city", parameters: { type: "object", properties: { city: { type: "string" } } }, strict: false };

beforeAll(async () => {
  [agent, plain] = await Promise.all([startAgentLlm(), startMockLlm()]);
  app = await startApp({ valkey: true, smtp: false });
  admin = await signedInAdmin(app);
  const models = ["agent-plain", "agent-think", "agent-tools", "agent-fail-mid"];
  await createEndpointAs(app, admin, { name: "self-hosted", baseUrl: `${agent.url}/v1`, apiStyle: "openai", models, eurPerMInput: 1, eurPerMOutput: 2 });
  await createEndpointAs(app, admin, { name: "claude-api", baseUrl: `${agent.url}/v1`, apiStyle: "anthropic", models, maxOutputTokens: models.map((m) => `${m} = 2048`).join("\n") });
  await createEndpointAs(app, admin, { name: "openai-api", baseUrl: `${agent.url}/v1`, apiStyle: "openai-responses", models: ["agent-plain", "agent-tools"] });
  await createEndpointAs(app, admin, { name: "cutter", baseUrl: `${plain.url}/v1`, apiStyle: "openai", models: ["mock-cut-2"] });
  userId = await createUserAs(app, admin, unique("codexer"), "user");
  oa = new OpenAI({ apiKey: await createKeyAs(app, admin, userId), baseURL: `${app.url}/v1`, maxRetries: 0 });
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await Promise.all([agent?.stop(), plain?.stop()]);
});

async function sentDuring(fn: () => Promise<unknown>) {
  const before = agent.requests.length;
  await fn();
  return agent.requests.slice(before);
}

async function lastRow() {
  const { rows } = await app.db.execute({
    sql: "SELECT endpoint, model, status, input_tokens, output_tokens, cache_read_tokens, estimated FROM usage_events WHERE user_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
    args: [userId],
  });
  return { ...rows[0] };
}

describe("responses.create and responses.stream, translated", () => {
  it("answers from a Chat Completions upstream: instructions and input as messages, usage in Responses terms and in the ledger", async () => {
    let response: OpenAI.Responses.Response | undefined;
    const [sent] = await sentDuring(async () => {
      response = await oa.responses.create({ model: "agent-plain@self-hosted", instructions: "Be brief.", input: "Hi", max_output_tokens: 300, store: false });
    });
    expect(sent.path).toBe("/v1/chat/completions");
    expect(sent.body).toMatchObject({ model: "agent-plain", messages: [{ role: "system", content: "Be brief." }, { role: "user" }], max_tokens: 300 });
    expect(response!.output_text).toBe(AGENT_TEXT);
    expect(response!.status).toBe("completed");
    const u = AGENT_USAGE.openai;
    expect(response!.usage).toMatchObject({ input_tokens: u.input, input_tokens_details: { cached_tokens: u.cacheRead }, output_tokens: u.output, total_tokens: u.input + u.output });
    expect(await lastRow()).toMatchObject({ endpoint: "self-hosted", status: "ok", input_tokens: u.input, output_tokens: u.output, cache_read_tokens: u.cacheRead, estimated: 0 });
  });

  it("streams from a Messages upstream: every event parses, the thinking comes back sealed and goes upstream again whole", async () => {
    const stream = oa.responses.stream({ model: "agent-think@claude-api", input: "Think" });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const response = await stream.finalResponse();
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    expect(types).toContain("response.output_text.delta");
    expect(response.output_text).toBe(AGENT_TEXT);
    const reasoning = response.output.find((i) => i.type === "reasoning") as OpenAI.Responses.ResponseReasoningItem;
    expect(reasoning.encrypted_content).toMatch(/^enc:v1:/);
    expect(JSON.stringify(reasoning)).not.toContain("sig-mock");
    // Codex sends the reasoning item back as it got it: the Anthropic upstream gets its signed thinking.
    const [again] = await sentDuring(() => oa.responses.create({ model: "agent-plain@claude-api", input: [{ role: "user", content: "Think" }, reasoning, { role: "assistant", content: AGENT_TEXT }, { role: "user", content: "Again" }] as OpenAI.Responses.ResponseInput }));
    expect(again.body.messages[1].content[0]).toEqual({ type: "thinking", thinking: AGENT_REASONING, signature: "sig-mock" });
  });

  for (const endpoint of ["self-hosted", "claude-api"]) {
    it(`runs a function tool round trip through ${endpoint}: function_call items streamed, function_call_output back`, async () => {
      const ask = { model: `agent-tools@${endpoint}`, tools: [WEATHER, TIME], input: [{ role: "user" as const, content: "Weather and time in Oslo?" }] };
      const first = await oa.responses.stream(ask).finalResponse();
      const calls = first.output.filter((i) => i.type === "function_call") as OpenAI.Responses.ResponseFunctionToolCall[];
      expect(calls.map((c) => [c.name, JSON.parse(c.arguments)])).toEqual([
        ["get_weather", AGENT_TOOL_INPUT],
        ["get_time", AGENT_TOOL_INPUT],
      ]);
      const second = await oa.responses.create({
        ...ask,
        input: [...ask.input, ...calls, { type: "function_call_output", call_id: calls[0].call_id, output: "Sunny, 21 C" }, { type: "function_call_output", call_id: calls[1].call_id, output: "14:05" }],
      });
      expect(second.output_text).toBe("Result: Sunny, 21 C");
    });
  }

  it("bills a stream cut mid-translation by what was delivered, and fails the response in the stream", async () => {
    const stream = oa.responses.stream({ model: "mock-cut-2", input: "cut me" });
    const types: string[] = [];
    const error = await (async () => {
      for await (const event of stream) types.push(event.type);
    })().catch((e) => e);
    expect(types.includes("response.failed") || error instanceof Error).toBe(true);
    const row = await lastRow();
    expect(row).toMatchObject({ endpoint: "cutter", status: "upstream_stream_error", estimated: 1 });
    expect(Number(row.output_tokens)).toBeGreaterThanOrEqual(2);
  });

  it("refuses previous_response_id and hosted tools by name, before anything reaches the upstream", async () => {
    const sent = await sentDuring(async () => {
      for (const model of ["agent-plain@self-hosted", "agent-plain@openai-api"]) {
        const chained = await oa.responses.create({ model, input: "Hi", previous_response_id: "resp_123" }).catch((e) => e);
        expect(chained, model).toBeInstanceOf(OpenAI.BadRequestError);
        expect(chained.message).toMatch(/`previous_response_id`/);
        const hosted = await oa.responses.create({ model, input: "Hi", tools: [{ type: "web_search" }] }).catch((e) => e);
        expect(hosted, model).toBeInstanceOf(OpenAI.BadRequestError);
        expect(hosted.message).toMatch(/`tools\[0\]`/);
      }
    });
    expect(sent).toEqual([]);
  });
});

describe("an endpoint that speaks Responses itself", () => {
  it("gets the call passed through with store: false, streamed and not, and bills its own usage report", async () => {
    const [whole] = await sentDuring(async () => expect((await oa.responses.create({ model: "agent-plain@openai-api", input: "Hi", store: true })).output_text).toBe(AGENT_TEXT));
    expect(whole).toMatchObject({ path: "/v1/responses", body: { model: "agent-plain", input: "Hi", store: false } });
    const stream = oa.responses.stream({ model: "agent-tools@openai-api", input: "Weather?", tools: [WEATHER] });
    const final = await stream.finalResponse();
    expect(final.output.find((i) => i.type === "function_call")).toMatchObject({ name: "get_weather", arguments: JSON.stringify(AGENT_TOOL_INPUT) });
    expect(await lastRow()).toMatchObject({ endpoint: "openai-api", status: "ok", input_tokens: AGENT_USAGE.openai.input, output_tokens: AGENT_USAGE.openai.output, estimated: 0 });
  });

  it("refuses a WebSocket upgrade on /v1/responses at once, saying why", async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${app.url}/v1/responses`, { headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" } });
      req.on("response", (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("upgrade", () => reject(new Error("upgraded")));
      req.on("error", reject);
      req.end();
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "websocket_not_supported" } });
  });
});

describe("budgets and permissions, as for every call", () => {
  it("sends a limited user's lowered cap as max_output_tokens to a Responses endpoint, and refuses a model without a grant", async () => {
    const limited = await createUserAs(app, admin, unique("capped"), "user", { dailyLimit: 1500 });
    const client = new OpenAI({ apiKey: await createKeyAs(app, admin, limited), baseURL: `${app.url}/v1`, maxRetries: 0 });
    const [sent] = await sentDuring(() => client.responses.create({ model: "agent-plain@openai-api", input: "Hi", max_output_tokens: 1495 }));
    expect(sent.body.max_output_tokens).toBeLessThan(1495);
    expect(sent.body.max_output_tokens).toBeGreaterThanOrEqual(1024);
    const ungranted = await createUserAs(app, admin, unique("nogrant"), "user", { modelGrants: [] });
    const refused = new OpenAI({ apiKey: await createKeyAs(app, admin, ungranted), baseURL: `${app.url}/v1`, maxRetries: 0 });
    const none = await sentDuring(async () => expect(await refused.responses.create({ model: "agent-plain", input: "Hi" }).catch((e) => e)).toBeInstanceOf(OpenAI.PermissionDeniedError));
    expect(none).toEqual([]);
  });
});
