import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs, signedInAdmin } from "../support/admin";
import { AGENT_COUNT, AGENT_REASONING, AGENT_REFUSAL, AGENT_TEXT, AGENT_TOOL_INPUT, AGENT_USAGE, startAgentLlm, type AgentLlm } from "../support/agent-llm";
import { startApp, type App } from "../support/app";
import type { Session } from "../support/http";
import { startMockLlm, type MockLlm } from "../support/mock-llm";
import { unique } from "../support/names";

/**
 * Calls between the two API styles, end to end: the official SDKs against the built app (real SQLite,
 * valkey-server), whose endpoints of the other style are local upstreams speaking each API exactly
 * (tests/support/agent-llm). Every answer is parsed by the client's own SDK; the upstream's requests
 * are read as it received them; the ledger holds the upstream's own usage report.
 */

let app: App;
let admin: Session;
let agent: AgentLlm;
let plain: MockLlm;
let key: string;
let userId: string;
let an: Anthropic;
let oa: OpenAI;

const MODEL_MAX = 2048;
const WEATHER: Anthropic.Tool = { name: "get_weather", description: "The weather in a city", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } };
const TIME: Anthropic.Tool = { name: "get_time", description: "The time in a city", input_schema: { type: "object", properties: { city: { type: "string" } } } };
const oaTool = (t: Anthropic.Tool) => ({ type: "function" as const, function: { name: t.name, description: t.description, parameters: t.input_schema } });

beforeAll(async () => {
  [agent, plain] = await Promise.all([startAgentLlm(), startMockLlm()]);
  app = await startApp({ valkey: true, smtp: false });
  admin = await signedInAdmin(app);
  const models = ["agent-plain", "agent-think", "agent-tools", "agent-fail-mid", "agent-400"];
  const terms = { eurPerMInput: 1, eurPerMOutput: 2, maxOutputTokens: models.map((m) => `${m} = ${MODEL_MAX}`).join("\n") };
  // The same models behind one endpoint of each style, named apart so each direction is explicit.
  await createEndpointAs(app, admin, { name: "self-hosted", baseUrl: `${agent.url}/v1`, apiStyle: "openai", models: models.map((m) => m), ...terms });
  await createEndpointAs(app, admin, { name: "claude-api", baseUrl: `${agent.url}/v1`, apiStyle: "anthropic", models, ...terms });
  await createEndpointAs(app, admin, { name: "cutter", baseUrl: `${plain.url}/v1`, apiStyle: "openai", models: ["mock-cut-2"] });
  userId = await createUserAs(app, admin, unique("agent"), "user");
  key = await createKeyAs(app, admin, userId);
  an = new Anthropic({ apiKey: key, baseURL: app.url, maxRetries: 0 });
  oa = new OpenAI({ apiKey: key, baseURL: `${app.url}/v1`, maxRetries: 0 });
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await Promise.all([agent?.stop(), plain?.stop()]);
});

/** The upstream's requests made during `fn`. */
async function sentDuring(fn: () => Promise<unknown>) {
  const before = agent.requests.length;
  await fn();
  return agent.requests.slice(before);
}

async function lastRow() {
  const { rows } = await app.db.execute({
    sql: "SELECT endpoint, model, status, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, estimated FROM usage_events WHERE user_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
    args: [userId],
  });
  return { ...rows[0] };
}

describe("an Anthropic client on a model behind an openai-style endpoint", () => {
  it("gets a Messages answer from a Chat Completions upstream, and the ledger holds the upstream's usage", async () => {
    let message: Anthropic.Message | undefined;
    const [sent] = await sentDuring(async () => {
      message = await an.messages.create({
        model: "agent-plain@self-hosted",
        max_tokens: 300,
        system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
        messages: [{ role: "user", content: "Hi" }],
        temperature: 0.2,
        stop_sequences: ["END"],
        metadata: { user_id: "u-42" },
        // Sent as Claude Code sends it; this SDK version no longer types it.
      } as Anthropic.MessageCreateParamsNonStreaming);
    });
    expect(sent.path).toBe("/v1/chat/completions");
    expect(sent.body).toMatchObject({
      model: "agent-plain",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
      ],
      max_tokens: 300,
      temperature: 0.2,
      stop: ["END"],
      user: "u-42",
    });
    expect(sent.body).not.toHaveProperty("system");
    expect(sent.body).not.toHaveProperty("metadata");
    expect(message).toMatchObject({ type: "message", role: "assistant", content: [{ type: "text", text: AGENT_TEXT }], stop_reason: "end_turn" });
    const u = AGENT_USAGE.openai;
    expect(message!.usage).toMatchObject({ input_tokens: u.input - u.cacheRead, cache_read_input_tokens: u.cacheRead, output_tokens: u.output });
    expect(await lastRow()).toMatchObject({ endpoint: "self-hosted", model: "agent-plain", status: "ok", input_tokens: u.input, output_tokens: u.output, cache_read_tokens: u.cacheRead, estimated: 0 });
  });

  it("streams: messages.stream() gets thinking and text blocks from reasoning_content and content deltas", async () => {
    const stream = an.messages.stream({ model: "agent-think@self-hosted", max_tokens: 300, messages: [{ role: "user", content: "Think" }] });
    const texts: string[] = [];
    stream.on("text", (t) => texts.push(t));
    const message = await stream.finalMessage();
    expect(message.content).toMatchObject([
      { type: "thinking", thinking: AGENT_REASONING },
      { type: "text", text: AGENT_TEXT },
    ]);
    expect(texts.join("")).toBe(AGENT_TEXT);
    expect(texts.length).toBeGreaterThan(1);
    expect(message.usage).toMatchObject({ output_tokens: AGENT_USAGE.openai.output });
    expect(await lastRow()).toMatchObject({ status: "ok", input_tokens: AGENT_USAGE.openai.input, output_tokens: AGENT_USAGE.openai.output, estimated: 0 });
  });

  it("runs a tool round trip: parallel tool_use blocks from streamed tool calls, tool_result back as tool messages", async () => {
    const ask = { model: "agent-tools@self-hosted", max_tokens: 500, tools: [WEATHER, TIME], messages: [{ role: "user" as const, content: "Weather and time in Oslo?" }] };
    let first: Anthropic.Message | undefined;
    const [sent] = await sentDuring(async () => (first = await an.messages.stream(ask).finalMessage()));
    expect(sent.body.tools).toEqual([oaTool(WEATHER), oaTool(TIME)]);
    expect(first!.stop_reason).toBe("tool_use");
    expect(first!.content).toEqual([
      { type: "tool_use", id: "call_mock_0", name: "get_weather", input: AGENT_TOOL_INPUT },
      { type: "tool_use", id: "call_mock_1", name: "get_time", input: AGENT_TOOL_INPUT },
    ]);
    const results = [
      { type: "tool_result" as const, tool_use_id: "call_mock_0", content: "Sunny, 21 C" },
      { type: "tool_result" as const, tool_use_id: "call_mock_1", content: [{ type: "text" as const, text: "14:05" }] },
    ];
    let second: Anthropic.Message | undefined;
    const [back] = await sentDuring(async () => {
      second = await an.messages.create({ ...ask, messages: [...ask.messages, { role: "assistant", content: first!.content }, { role: "user", content: results }] });
    });
    expect(back.body.messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_mock_0", type: "function", function: { name: "get_weather", arguments: JSON.stringify(AGENT_TOOL_INPUT) } },
          { id: "call_mock_1", type: "function", function: { name: "get_time", arguments: JSON.stringify(AGENT_TOOL_INPUT) } },
        ],
      },
      { role: "tool", tool_call_id: "call_mock_0", content: "Sunny, 21 C" },
      { role: "tool", tool_call_id: "call_mock_1", content: "14:05" },
    ]);
    expect(second!.content).toMatchObject([{ type: "text", text: "Result: Sunny, 21 C" }]);
  });

  it("passes disable_parallel_tool_use and a named tool_choice as parallel_tool_calls and a function choice", async () => {
    const [sent] = await sentDuring(() =>
      an.messages.create({
        model: "agent-tools@self-hosted",
        max_tokens: 200,
        tools: [WEATHER, TIME],
        tool_choice: { type: "tool", name: "get_time", disable_parallel_tool_use: true },
        messages: [{ role: "user", content: "Time?" }],
      }),
    );
    expect(sent.body).toMatchObject({ parallel_tool_calls: false, tool_choice: { type: "function", function: { name: "get_time" } } });
  });

  it("counts tokens: estimated by the gateway for an openai-style endpoint, asked of an anthropic-style one", async () => {
    const body = { model: "agent-plain@self-hosted", messages: [{ role: "user" as const, content: "How many tokens is this sentence?" }], tools: [WEATHER] };
    const estimated = await an.messages.countTokens(body).withResponse();
    expect(estimated.data.input_tokens).toBeGreaterThan(10);
    expect(estimated.response.headers.get("x-tollgate-estimated")).toBe("true");
    const [asked] = await sentDuring(async () => expect((await an.messages.countTokens({ ...body, model: "agent-plain@claude-api" })).input_tokens).toBe(AGENT_COUNT));
    expect(asked).toMatchObject({ path: "/v1/messages/count_tokens", body: { model: "agent-plain" } });
    const rows = await app.db.execute({ sql: "SELECT count(*) AS n FROM usage_events WHERE user_id = ? AND model = 'agent-plain' AND status = 'ok' AND input_tokens = ?", args: [userId, AGENT_COUNT] });
    expect(Number(rows.rows[0].n), "counting is not billed").toBe(0);
  });

  it("takes Claude Code's headers and ?beta=true (the SDK's beta client), dropping the beta features as advisory", async () => {
    const response = await fetch(`${app.url}/v1/messages?beta=true`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "anthropic-version": "2023-06-01", "anthropic-beta": "interleaved-thinking-2025-05-14,context-management-2025-06-27", "content-type": "application/json" },
      body: JSON.stringify({ model: "agent-plain@self-hosted", max_tokens: 100, messages: [{ role: "user", content: "Hi" }], thinking: { type: "enabled", budget_tokens: 1024 } }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-tollgate-translated")).toBe("anthropic-to-openai");
    expect(response.headers.get("x-tollgate-dropped-fields")).toMatch(/thinking.*anthropic-beta \(header\)/);
    expect(await response.json()).toMatchObject({ content: [{ type: "text", text: AGENT_TEXT }] });
  });

  it("gets the upstream's refusal as an Anthropic error, and a mid-stream error as the stream's error event", async () => {
    const refused = await an.messages.create({ model: "agent-400@self-hosted", max_tokens: 10, messages: [{ role: "user", content: "x" }] }).catch((e) => e);
    expect(refused).toBeInstanceOf(Anthropic.BadRequestError);
    expect(refused.error).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: AGENT_REFUSAL } });
    const broken = await an.messages
      .stream({ model: "agent-fail-mid@self-hosted", max_tokens: 10, messages: [{ role: "user", content: "x" }] })
      .finalMessage()
      .catch((e) => e);
    expect(broken).toBeInstanceOf(Anthropic.APIError);
    expect(String(broken.message)).toMatch(/overloaded mid-stream/);
  });

  it("bills a stream cut mid-translation by what was delivered, and tells the client in its own error event", async () => {
    const stream = an.messages.stream({ model: "mock-cut-2", max_tokens: 100, messages: [{ role: "user", content: "cut me" }] });
    const texts: string[] = [];
    stream.on("text", (t) => texts.push(t));
    const error = await stream.finalMessage().catch((e) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(String(error.message)).toMatch(/broke off the stream/);
    expect(texts.join("")).toBe("Hello from");
    const row = await lastRow();
    expect(row).toMatchObject({ endpoint: "cutter", status: "upstream_stream_error", estimated: 1 });
    expect(Number(row.output_tokens)).toBeGreaterThanOrEqual(2);
    expect(Number(row.input_tokens)).toBeGreaterThanOrEqual(1);
  });

  it("refuses a field that cannot be translated with a 400 naming it, before anything reaches the upstream", async () => {
    const sent = await sentDuring(async () => {
      const error = await an.messages
        .create({
          model: "agent-plain@self-hosted",
          max_tokens: 10,
          messages: [{ role: "user", content: [{ type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" } }] }],
        })
        .catch((e) => e);
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect(error.message).toMatch(/`messages\[0\]\.content\[0\]`/);
    });
    expect(sent).toEqual([]);
    expect(await lastRow()).toMatchObject({ status: "untranslatable_field", input_tokens: 0, output_tokens: 0 });
  });
});

describe("an OpenAI client on a model behind an anthropic-style endpoint", () => {
  it("gets a Chat Completions answer from a Messages upstream, max_tokens defaulted from the model's maximum", async () => {
    let completion: OpenAI.ChatCompletion | undefined;
    const [sent] = await sentDuring(async () => {
      completion = await oa.chat.completions.create({
        model: "agent-plain@claude-api",
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Hi" },
        ],
        top_p: 0.9,
        stop: "END",
        user: "u-7",
      });
    });
    expect(sent.path).toBe("/v1/messages");
    expect(sent.headers["anthropic-version"]).toBe("2023-06-01");
    expect(sent.body).toEqual({
      model: "agent-plain",
      system: [{ type: "text", text: "Be brief." }],
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
      max_tokens: MODEL_MAX,
      top_p: 0.9,
      stop_sequences: ["END"],
      metadata: { user_id: "u-7" },
    });
    const u = AGENT_USAGE.anthropic;
    expect(completion).toMatchObject({ object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: AGENT_TEXT }, finish_reason: "stop" }] });
    expect(completion!.usage).toMatchObject({ prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.input + u.output, prompt_tokens_details: { cached_tokens: u.cacheRead } });
    expect(await lastRow()).toMatchObject({ endpoint: "claude-api", status: "ok", input_tokens: u.input, output_tokens: u.output, cache_read_tokens: u.cacheRead, cache_write_tokens: u.cacheWrite, estimated: 0 });
  });

  it("streams, with the usage chunk only when asked for", async () => {
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const c of await oa.chat.completions.create({ model: "agent-plain@claude-api", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "Hi" }] })) chunks.push(c);
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("")).toBe(AGENT_TEXT);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: AGENT_USAGE.anthropic.input, completion_tokens: AGENT_USAGE.anthropic.output } });
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe("stop");
    const quiet: OpenAI.ChatCompletionChunk[] = [];
    for await (const c of await oa.chat.completions.create({ model: "agent-plain@claude-api", stream: true, messages: [{ role: "user", content: "Hi" }] })) quiet.push(c);
    expect(quiet.every((c) => !c.usage)).toBe(true);
    expect(quiet.at(-1)!.choices[0].finish_reason).toBe("stop");
    expect(await lastRow()).toMatchObject({ status: "ok", input_tokens: AGENT_USAGE.anthropic.input, output_tokens: AGENT_USAGE.anthropic.output, estimated: 0 });
  });

  it("runs parallel tool calls from tool_use blocks and sends tool messages back as tool_result blocks", async () => {
    const ask = { model: "agent-tools@claude-api", tools: [oaTool(WEATHER), oaTool(TIME)], messages: [{ role: "user" as const, content: "Weather and time in Oslo?" }] };
    let first: OpenAI.ChatCompletion | undefined;
    const [sent] = await sentDuring(async () => (first = await oa.chat.completions.stream(ask).finalChatCompletion()));
    expect(sent.body.tools).toEqual([WEATHER, TIME]);
    const message = first!.choices[0].message;
    expect(first!.choices[0].finish_reason).toBe("tool_calls");
    expect(message.tool_calls).toEqual([
      { id: "toolu_mock_0", type: "function", function: { name: "get_weather", arguments: JSON.stringify(AGENT_TOOL_INPUT) } },
      { id: "toolu_mock_1", type: "function", function: { name: "get_time", arguments: JSON.stringify(AGENT_TOOL_INPUT) } },
    ]);
    let second: OpenAI.ChatCompletion | undefined;
    const [back] = await sentDuring(async () => {
      second = await oa.chat.completions.create({
        ...ask,
        parallel_tool_calls: false,
        messages: [
          ...ask.messages,
          { role: "assistant", content: null, tool_calls: (message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[]).map(({ id, function: f }) => ({ id, type: "function" as const, function: { name: f.name, arguments: f.arguments } })) },
          { role: "tool", tool_call_id: "toolu_mock_0", content: "Sunny, 21 C" },
          { role: "tool", tool_call_id: "toolu_mock_1", content: "14:05" },
        ],
      });
    });
    expect(back.body.tool_choice).toEqual({ type: "auto", disable_parallel_tool_use: true });
    expect(back.body.messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "toolu_mock_0", name: "get_weather", input: AGENT_TOOL_INPUT },
          { type: "tool_use", id: "toolu_mock_1", name: "get_time", input: AGENT_TOOL_INPUT },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_mock_0", content: "Sunny, 21 C" },
          { type: "tool_result", tool_use_id: "toolu_mock_1", content: "14:05" },
        ],
      },
    ]);
    expect(second!.choices[0].message.content).toBe("Result: Sunny, 21 C");
  });

  it("gets the upstream's refusal as an OpenAI error, and a mid-stream error raised by the SDK", async () => {
    const refused = await oa.chat.completions.create({ model: "agent-400@claude-api", messages: [{ role: "user", content: "x" }] }).catch((e) => e);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect(refused.message).toMatch(AGENT_REFUSAL);
    const broken = await (async () => {
      for await (const c of await oa.chat.completions.create({ model: "agent-fail-mid@claude-api", stream: true, messages: [{ role: "user", content: "x" }] })) void c;
    })().catch((e) => e);
    expect(broken).toBeInstanceOf(OpenAI.APIError);
    expect(String(broken.message)).toMatch(/overloaded mid-stream/);
  });

  it("refuses n > 1 with a 400 naming it, before anything reaches the upstream", async () => {
    const sent = await sentDuring(async () => {
      const error = await oa.chat.completions.create({ model: "agent-plain@claude-api", n: 2, messages: [{ role: "user", content: "x" }] }).catch((e) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error.message).toMatch(/`n`/);
    });
    expect(sent).toEqual([]);
  });
});

describe("a user with a token limit, through translation", () => {
  it("has the lowered cap arrive in the upstream's own field, and a refusal as a 429 in the client's shape", async () => {
    const limited = await createUserAs(app, admin, unique("capped"), "user", { dailyLimit: 1500 });
    const limitedKey = await createKeyAs(app, admin, limited);
    const client = new Anthropic({ apiKey: limitedKey, baseURL: app.url, maxRetries: 0 });
    const [sent] = await sentDuring(() => client.messages.create({ model: "agent-plain@self-hosted", max_tokens: 2000, messages: [{ role: "user", content: "Hi" }] }));
    expect(sent.body.max_tokens).toBeLessThan(1500);
    expect(sent.body.max_tokens).toBeGreaterThanOrEqual(1024);
    const starved = await createUserAs(app, admin, unique("starved"), "user", { dailyLimit: 500 });
    const starvedKey = await createKeyAs(app, admin, starved);
    const openai = new OpenAI({ apiKey: starvedKey, baseURL: `${app.url}/v1`, maxRetries: 0 });
    const none = await sentDuring(async () => {
      const error = await openai.chat.completions.create({ model: "agent-plain@claude-api", messages: [{ role: "user", content: "Hi" }] }).catch((e) => e);
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(error.error).toMatchObject({ type: "insufficient_quota", code: "insufficient_quota" });
    });
    expect(none).toEqual([]);
  });
});
