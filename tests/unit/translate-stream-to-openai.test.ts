import { describe, expect, it } from "vitest";
import { anthropicStreamDecoder } from "@/lib/translate/anthropic/stream";
import type { StreamEvent } from "@/lib/translate/ir";
import { openAIStreamEncoder } from "@/lib/translate/openai/stream";

// An OpenAI-SDK client calling an Anthropic upstream: real-shaped Messages events in, the exact Chat
// Completions chunks out, each as soon as the event that causes it is pushed.

type Json = Record<string, unknown>;
const CREATED = 1764532800;

const messageStart = (usage: Json = { input_tokens: 25, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 }) => ({
  type: "message_start",
  message: {
    id: "msg_01XFDUDYJgAACzvnptvVoYEL",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5",
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage,
  },
});
const blockStart = (index: number, content_block: Json) => ({ type: "content_block_start", index, content_block });
const blockDelta = (index: number, delta: Json) => ({ type: "content_block_delta", index, delta });
const blockStop = (index: number) => ({ type: "content_block_stop", index });
const messageDelta = (stop_reason: string, usage: Json, stop_sequence: string | null = null) => ({ type: "message_delta", delta: { stop_reason, stop_sequence }, usage });
const text = (index: number, t: string) => blockDelta(index, { type: "text_delta", text: t });
const ping = { type: "ping" };
const messageStop = { type: "message_stop" };

function translate(upstream: Json[], includeUsage = true) {
  const decoder = anthropicStreamDecoder();
  const encoder = openAIStreamEncoder({ includeUsage, created: CREATED });
  const write = (events: StreamEvent[]) => events.map((e) => encoder.push(e)).join("");
  const outs = upstream.map((e) => write(decoder.push(e)));
  const end = write(decoder.end()) + encoder.end();
  return { outs, end, all: outs.join("") + end };
}

/** OpenAI SSE text → its data objects ("[DONE]" kept as the string). */
function chunks(textIn: string): (Json | "[DONE]")[] {
  if (textIn === "") return [];
  expect(textIn.endsWith("\n\n")).toBe(true);
  return textIn
    .slice(0, -2)
    .split("\n\n")
    .map((line) => {
      expect(line.startsWith("data: ")).toBe(true);
      expect(line.includes("\n")).toBe(false);
      const data = line.slice(6);
      return data === "[DONE]" ? "[DONE]" : (JSON.parse(data) as Json);
    });
}

const head = { id: "chatcmpl-msg_01XFDUDYJgAACzvnptvVoYEL", object: "chat.completion.chunk", created: CREATED, model: "claude-sonnet-4-5", system_fingerprint: null };
const c = (delta: Json, finish_reason: string | null = null, includeUsage = true) => ({
  ...head,
  choices: [{ index: 0, delta, logprobs: null, finish_reason }],
  ...(includeUsage ? { usage: null } : {}),
});
const usageChunk = (prompt: number, completion: number, cached = 0) => ({
  ...head,
  choices: [],
  usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: cached } },
});

const plain = [
  messageStart(),
  blockStart(0, { type: "text", text: "" }),
  ping,
  text(0, "Hello"),
  text(0, " world"),
  blockStop(0),
  messageDelta("end_turn", { output_tokens: 12 }),
  messageStop,
];

describe("Anthropic upstream → OpenAI client", () => {
  it("plain text, includeUsage: the exact SSE text, each chunk written on the push that brings it", () => {
    const { outs, end } = translate(plain);
    expect(outs[0]).toBe(
      'data: {"id":"chatcmpl-msg_01XFDUDYJgAACzvnptvVoYEL","object":"chat.completion.chunk","created":1764532800,"model":"claude-sonnet-4-5","system_fingerprint":null,' +
        '"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":null}\n\n',
    );
    expect(outs[1]).toBe("");
    expect(outs[2]).toBe("");
    expect(chunks(outs[3])).toEqual([c({ content: "Hello" })]);
    expect(chunks(outs[4])).toEqual([c({ content: " world" })]);
    expect(outs[5]).toBe("");
    expect(chunks(outs[6])).toEqual([c({}, "stop")]);
    expect(outs[7]).toBe("");
    expect(end).toBe(
      'data: {"id":"chatcmpl-msg_01XFDUDYJgAACzvnptvVoYEL","object":"chat.completion.chunk","created":1764532800,"model":"claude-sonnet-4-5","system_fingerprint":null,' +
        '"choices":[],"usage":{"prompt_tokens":25,"completion_tokens":12,"total_tokens":37,"prompt_tokens_details":{"cached_tokens":0}}}\n\n' +
        "data: [DONE]\n\n",
    );
  });

  it("includeUsage false: no usage field on any chunk, no usage chunk", () => {
    const { all } = translate(plain, false);
    expect(chunks(all)).toEqual([
      c({ role: "assistant", content: "" }, null, false),
      c({ content: "Hello" }, null, false),
      c({ content: " world" }, null, false),
      c({}, "stop", false),
      "[DONE]",
    ]);
  });

  it("a text delta is written at once, not at end()", () => {
    const decoder = anthropicStreamDecoder();
    const encoder = openAIStreamEncoder({ includeUsage: false, created: CREATED });
    const push = (e: Json) => decoder.push(e).map((x) => encoder.push(x)).join("");
    push(messageStart());
    push(blockStart(0, { type: "text", text: "" }));
    expect(chunks(push(text(0, "Hi")))).toEqual([c({ content: "Hi" }, null, false)]);
  });

  it("thinking then text: reasoning_content, the signature dropped", () => {
    const { all } = translate([
      messageStart(),
      blockStart(0, { type: "thinking", thinking: "", signature: "" }),
      blockDelta(0, { type: "thinking_delta", thinking: "Let me think." }),
      blockDelta(0, { type: "signature_delta", signature: "EqQBCgIYAhIM" }),
      blockStop(0),
      blockStart(1, { type: "text", text: "" }),
      text(1, "42"),
      blockStop(1),
      messageDelta("end_turn", { output_tokens: 30 }),
      messageStop,
    ]);
    expect(chunks(all)).toEqual([
      c({ role: "assistant", content: "" }),
      c({ reasoning_content: "Let me think." }),
      c({ content: "42" }),
      c({}, "stop"),
      usageChunk(25, 30),
      "[DONE]",
    ]);
  });

  it("a single tool call with its input over several input_json_delta events", () => {
    const { all } = translate([
      messageStart(),
      blockStart(0, { type: "text", text: "" }),
      text(0, "Checking."),
      blockStop(0),
      blockStart(1, { type: "tool_use", id: "toolu_01A", name: "get_weather", input: {} }),
      blockDelta(1, { type: "input_json_delta", partial_json: "" }),
      blockDelta(1, { type: "input_json_delta", partial_json: '{"city": ' }),
      blockDelta(1, { type: "input_json_delta", partial_json: '"Paris"}' }),
      blockStop(1),
      messageDelta("tool_use", { output_tokens: 40 }),
      messageStop,
    ]);
    expect(chunks(all)).toEqual([
      c({ role: "assistant", content: "" }),
      c({ content: "Checking." }),
      c({ tool_calls: [{ index: 0, id: "toolu_01A", type: "function", function: { name: "get_weather", arguments: "" } }] }),
      c({ tool_calls: [{ index: 0, function: { arguments: '{"city": ' } }] }),
      c({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      c({}, "tool_calls"),
      usageChunk(25, 40),
      "[DONE]",
    ]);
  });

  it("two tool_use blocks → tool_calls indexes 0 and 1 (the text block does not count)", () => {
    const { all } = translate([
      messageStart(),
      blockStart(0, { type: "text", text: "" }),
      text(0, "Both."),
      blockStop(0),
      blockStart(1, { type: "tool_use", id: "toolu_1", name: "get_weather", input: {} }),
      blockDelta(1, { type: "input_json_delta", partial_json: '{"city":"Paris"}' }),
      blockStop(1),
      blockStart(2, { type: "tool_use", id: "toolu_2", name: "get_time", input: {} }),
      blockDelta(2, { type: "input_json_delta", partial_json: '{"tz":"CET"}' }),
      blockStop(2),
      messageDelta("tool_use", { output_tokens: 60 }),
      messageStop,
    ]);
    expect(chunks(all)).toEqual([
      c({ role: "assistant", content: "" }),
      c({ content: "Both." }),
      c({ tool_calls: [{ index: 0, id: "toolu_1", type: "function", function: { name: "get_weather", arguments: "" } }] }),
      c({ tool_calls: [{ index: 0, function: { arguments: '{"city":"Paris"}' } }] }),
      c({ tool_calls: [{ index: 1, id: "toolu_2", type: "function", function: { name: "get_time", arguments: "" } }] }),
      c({ tool_calls: [{ index: 1, function: { arguments: '{"tz":"CET"}' } }] }),
      c({}, "tool_calls"),
      usageChunk(25, 60),
      "[DONE]",
    ]);
  });

  it("usage with cache reads and writes: prompt_tokens is their sum with the uncached input", () => {
    const { end } = translate([
      messageStart({ input_tokens: 10, cache_creation_input_tokens: 200, cache_read_input_tokens: 1800, output_tokens: 1 }),
      blockStart(0, { type: "text", text: "" }),
      text(0, "ok"),
      blockStop(0),
      messageDelta("end_turn", { output_tokens: 5 }),
      messageStop,
    ]);
    expect(chunks(end)).toEqual([usageChunk(2010, 5, 1800), "[DONE]"]);
  });

  it("message_delta's cumulative input fields are taken when present", () => {
    const { end } = translate([
      messageStart({ input_tokens: 10, output_tokens: 1 }),
      blockStart(0, { type: "text", text: "" }),
      text(0, "ok"),
      messageDelta("end_turn", { input_tokens: 12, cache_read_input_tokens: 100, cache_creation_input_tokens: 0, output_tokens: 5 }),
      messageStop,
    ]);
    expect(chunks(end)).toEqual([usageChunk(112, 5, 100), "[DONE]"]);
  });

  it("every stop reason", () => {
    const cases: [string, string][] = [
      ["end_turn", "stop"],
      ["max_tokens", "length"],
      ["tool_use", "tool_calls"],
      ["stop_sequence", "stop"],
      ["refusal", "content_filter"],
      ["pause_turn", "stop"],
      ["model_context_window_exceeded", "length"],
      ["something_new", "stop"],
    ];
    for (const [anthropic, openai] of cases) {
      const { all } = translate([messageStart(), blockStart(0, { type: "text", text: "" }), text(0, "x"), blockStop(0), messageDelta(anthropic, { output_tokens: 1 }, anthropic === "stop_sequence" ? "END" : null), messageStop], false);
      expect(chunks(all).at(-2), anthropic).toEqual(c({}, openai, false));
    }
  });

  it("an upstream error event mid-stream: a data line carrying `error`, and nothing after", () => {
    const { outs, end } = translate([
      messageStart(),
      blockStart(0, { type: "text", text: "" }),
      text(0, "Hel"),
      { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
      text(0, "lo"),
      messageDelta("end_turn", { output_tokens: 3 }),
    ]);
    expect(outs[3]).toBe('data: {"error":{"message":"Overloaded","type":"server_error","code":"overloaded","param":null}}\n\n');
    expect(outs[4]).toBe("");
    expect(outs[5]).toBe("");
    expect(end).toBe("");
  });

  it("error kinds → OpenAI error types and codes, as in the error bodies of whole answers", () => {
    const kinds = {
      invalid_request: ["invalid_request_error", null],
      authentication: ["authentication_error", "invalid_api_key"],
      permission: ["permission_error", null],
      not_found: ["invalid_request_error", "not_found"],
      rate_limit: ["rate_limit_error", "rate_limit_exceeded"],
      overloaded: ["server_error", "overloaded"],
      api_error: ["server_error", null],
    } as const;
    for (const [kind, [type, code]] of Object.entries(kinds)) {
      const encoder = openAIStreamEncoder({ includeUsage: true, created: CREATED });
      expect(chunks(encoder.push({ type: "error", kind: kind as keyof typeof kinds, message: "m" }))).toEqual([{ error: { message: "m", type, param: null, code } }]);
      expect(encoder.end()).toBe("");
    }
  });

  it("end() without a finish: an error chunk instead of [DONE] (and a stream that never started too)", () => {
    const { end } = translate([messageStart(), blockStart(0, { type: "text", text: "" }), text(0, "Hel")]);
    const error = { error: { message: "The upstream stream ended before the answer was complete.", type: "server_error", param: null, code: null } };
    expect(chunks(end)).toEqual([error]);
    expect(chunks(translate([]).end)).toEqual([error]);
  });

  it("ids: chatcmpl- prefix added unless there; a missing one made up; created is fixed per stream", () => {
    const encoder = openAIStreamEncoder({ includeUsage: false });
    const first = chunks(encoder.push({ type: "start", id: "", model: "m" }))[0] as Json;
    expect(first.id).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    expect(Math.abs((first.created as number) - Date.now() / 1000)).toBeLessThan(5);
    const next = chunks(encoder.push({ type: "text", text: "x" }))[0] as Json;
    expect([next.id, next.created]).toEqual([first.id, first.created]);
    const kept = openAIStreamEncoder({ includeUsage: false });
    expect((chunks(kept.push({ type: "start", id: "chatcmpl-1", model: "m" }))[0] as Json).id).toBe("chatcmpl-1");
  });
});

describe("anthropicStreamDecoder", () => {
  it("events → IR: start with usage, tool indexes among tool_use blocks only, finish with its stop sequence, usage", () => {
    const decoder = anthropicStreamDecoder();
    expect(decoder.push(messageStart({ input_tokens: 10, cache_read_input_tokens: 5, cache_creation_input_tokens: 2, output_tokens: 1 }))).toEqual([
      { type: "start", id: "msg_01XFDUDYJgAACzvnptvVoYEL", model: "claude-sonnet-4-5", usage: { input: 17, output: 1, cacheRead: 5, cacheWrite: 2 } },
    ]);
    expect(decoder.push(blockStart(0, { type: "thinking", thinking: "", signature: "" }))).toEqual([]);
    expect(decoder.push(blockDelta(0, { type: "signature_delta", signature: "s" }))).toEqual([{ type: "reasoning_signature", signature: "s" }]);
    expect(decoder.push(blockStart(1, { type: "text", text: "" }))).toEqual([]);
    expect(decoder.push(blockStart(2, { type: "tool_use", id: "toolu_1", name: "f", input: {} }))).toEqual([{ type: "tool_call_start", index: 0, id: "toolu_1", name: "f" }]);
    expect(decoder.push(blockDelta(2, { type: "input_json_delta", partial_json: "{}" }))).toEqual([{ type: "tool_call_delta", index: 0, arguments: "{}" }]);
    expect(decoder.push(blockStop(2))).toEqual([]);
    expect(decoder.push(messageDelta("stop_sequence", { output_tokens: 9 }, "END"))).toEqual([
      { type: "finish", stopReason: "stop_sequence", stopSequence: "END" },
      { type: "usage", usage: { input: 17, output: 9, cacheRead: 5, cacheWrite: 2 } },
    ]);
    expect(decoder.push(messageStop)).toEqual([]);
    expect(decoder.end()).toEqual([]);
  });

  it("error events keep their kind", () => {
    const kinds = {
      invalid_request_error: "invalid_request",
      authentication_error: "authentication",
      permission_error: "permission",
      not_found_error: "not_found",
      rate_limit_error: "rate_limit",
      overloaded_error: "overloaded",
      api_error: "api_error",
      request_too_large: "invalid_request",
      something_else: "api_error",
    };
    for (const [type, kind] of Object.entries(kinds)) {
      expect(anthropicStreamDecoder().push({ type: "error", error: { type, message: "m" } })).toEqual([{ type: "error", kind, message: "m" }]);
    }
  });
});
