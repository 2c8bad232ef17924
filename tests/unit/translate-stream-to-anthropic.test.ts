import { describe, expect, it } from "vitest";
import { anthropicStreamEncoder } from "@/lib/translate/anthropic/stream";
import type { StreamEvent } from "@/lib/translate/ir";
import { openAIStreamDecoder } from "@/lib/translate/openai/stream";

// An Anthropic client (Claude Code, messages.stream()) calling a model behind an OpenAI-compatible
// upstream (vLLM, Ollama, llama.cpp): real-shaped chunks in, the exact Messages events out, each as
// soon as the chunk that causes it is pushed.

type Json = Record<string, unknown>;
const base = { id: "chatcmpl-7f3a", object: "chat.completion.chunk", created: 1764532800, model: "qwen3-32b", system_fingerprint: null };
const chunk = (delta: Json, finish: string | null = null, extra: Json = {}) => ({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra });
const usageChunk = (usage: Json) => ({ ...base, choices: [], usage });

/** The client's SSE text, one string per upstream chunk pushed, and what end() wrote. */
function translate(chunks: Json[]) {
  const decoder = openAIStreamDecoder();
  const encoder = anthropicStreamEncoder();
  const write = (events: StreamEvent[]) => events.map((e) => encoder.push(e)).join("");
  const outs = chunks.map((c) => write(decoder.push(c)));
  const end = write(decoder.end()) + encoder.end();
  return { outs, end, all: outs.join("") + end };
}

/** Anthropic SSE text → its events; each `data` carries the event's name as `type`. */
function events(text: string): { event: string; data: Json }[] {
  if (text === "") return [];
  expect(text.endsWith("\n\n")).toBe(true);
  return text
    .slice(0, -2)
    .split("\n\n")
    .map((block) => {
      const [eventLine, dataLine, ...rest] = block.split("\n");
      expect(rest).toEqual([]);
      expect(eventLine.startsWith("event: ")).toBe(true);
      expect(dataLine.startsWith("data: ")).toBe(true);
      const event = eventLine.slice(7);
      const data = JSON.parse(dataLine.slice(6)) as Json;
      expect(data.type).toBe(event);
      return { event, data };
    });
}
const names = (text: string) => events(text).map((e) => e.event);

const messageStart = {
  event: "message_start",
  data: {
    type: "message_start",
    message: {
      id: "msg_chatcmpl-7f3a",
      type: "message",
      role: "assistant",
      model: "qwen3-32b",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    },
  },
};
const delta = (stopReason: string, usage: Json) => ({
  event: "message_delta",
  data: { type: "message_delta", delta: { stop_reason: stopReason, stop_sequence: null }, usage },
});
const stop = { event: "message_stop", data: { type: "message_stop" } };

describe("OpenAI upstream → Anthropic client", () => {
  it("plain text: the exact SSE text, each piece written on the push that brings it", () => {
    const { outs, end } = translate([
      chunk({ role: "assistant", content: "" }),
      chunk({ content: "Hello" }),
      chunk({ content: " world" }),
      chunk({}, "stop"),
      usageChunk({ prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 }),
    ]);
    expect(outs[0]).toBe(
      "event: message_start\n" +
        'data: {"type":"message_start","message":{"id":"msg_chatcmpl-7f3a","type":"message","role":"assistant","model":"qwen3-32b","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"output_tokens":0}}}\n\n',
    );
    expect(outs[1]).toBe(
      "event: content_block_start\n" +
        'data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
        "event: content_block_delta\n" +
        'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}\n\n',
    );
    expect(outs[2]).toBe('event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" world"}}\n\n');
    // The finish is held: its usage follows in the next chunk.
    expect(outs[3]).toBe("");
    expect(outs[4]).toBe(
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
        "event: message_delta\n" +
        'data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":3,"input_tokens":12,"cache_read_input_tokens":0,"cache_creation_input_tokens":0}}\n\n' +
        'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    );
    expect(end).toBe("");
  });

  it("a text delta is written at once, not at end()", () => {
    const decoder = openAIStreamDecoder();
    const encoder = anthropicStreamEncoder();
    const push = (c: Json) => decoder.push(c).map((e) => encoder.push(e)).join("");
    push(chunk({ role: "assistant", content: "" }));
    expect(events(push(chunk({ content: "Hi" }))).at(-1)).toEqual({
      event: "content_block_delta",
      data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } },
    });
  });

  it("reasoning (reasoning_content, or reasoning) then text: a thinking block, then a text block", () => {
    for (const field of ["reasoning_content", "reasoning"]) {
      const { all } = translate([
        chunk({ role: "assistant", content: "" }),
        chunk({ [field]: "Let me think." }),
        chunk({ [field]: " Done." }),
        chunk({ content: "42" }),
        chunk({}, "stop"),
        usageChunk({ prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 }),
      ]);
      expect(events(all)).toEqual([
        messageStart,
        { event: "content_block_start", data: { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } } },
        { event: "content_block_delta", data: { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "Let me think." } } },
        { event: "content_block_delta", data: { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: " Done." } } },
        { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
        { event: "content_block_start", data: { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } } },
        { event: "content_block_delta", data: { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "42" } } },
        { event: "content_block_stop", data: { type: "content_block_stop", index: 1 } },
        delta("end_turn", { output_tokens: 9, input_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 }),
        stop,
      ]);
    }
  });

  it("a single tool call with its arguments over several chunks (the first one carrying a piece)", () => {
    const { outs, all } = translate([
      chunk({ role: "assistant", content: "" }),
      chunk({ content: "Checking." }),
      chunk({ tool_calls: [{ index: 0, id: "call_abc", type: "function", function: { name: "get_weather", arguments: '{"ci' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'ty": "Par' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'is"}' } }] }),
      chunk({}, "tool_calls"),
      usageChunk({ prompt_tokens: 80, completion_tokens: 20, total_tokens: 100 }),
    ]);
    expect(names(outs[2])).toEqual(["content_block_stop", "content_block_start", "content_block_delta"]);
    expect(events(all)).toEqual([
      messageStart,
      { event: "content_block_start", data: { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } } },
      { event: "content_block_delta", data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Checking." } } },
      { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
      { event: "content_block_start", data: { type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "call_abc", name: "get_weather", input: {} } } },
      { event: "content_block_delta", data: { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"ci' } } },
      { event: "content_block_delta", data: { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: 'ty": "Par' } } },
      { event: "content_block_delta", data: { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: 'is"}' } } },
      { event: "content_block_stop", data: { type: "content_block_stop", index: 1 } },
      delta("tool_use", { output_tokens: 20, input_tokens: 80, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 }),
      stop,
    ]);
  });

  it("two parallel tool calls (indexes 0 and 1): two tool_use blocks", () => {
    const { all } = translate([
      chunk({ role: "assistant", content: null }),
      chunk({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "get_weather", arguments: "" } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":"Paris"}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: "call_2", type: "function", function: { name: "get_time", arguments: "" } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '{"tz":"CET"}' } }] }),
      chunk({}, "tool_calls"),
      usageChunk({ prompt_tokens: 50, completion_tokens: 30, total_tokens: 80 }),
    ]);
    expect(events(all)).toEqual([
      messageStart,
      { event: "content_block_start", data: { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "call_1", name: "get_weather", input: {} } } },
      { event: "content_block_delta", data: { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"city":"Paris"}' } } },
      { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
      { event: "content_block_start", data: { type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "call_2", name: "get_time", input: {} } } },
      { event: "content_block_delta", data: { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"tz":"CET"}' } } },
      { event: "content_block_stop", data: { type: "content_block_stop", index: 1 } },
      delta("tool_use", { output_tokens: 30, input_tokens: 50, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 }),
      stop,
    ]);
  });

  it("arguments for an earlier (closed) tool call go to that tool's block index", () => {
    const { all } = translate([
      chunk({ role: "assistant" }),
      chunk({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "a", arguments: '{"x":' } }] }),
      chunk({ tool_calls: [{ index: 1, id: "call_2", type: "function", function: { name: "b", arguments: "{}" } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: "1}" } }] }),
      chunk({}, "tool_calls"),
    ]);
    expect(events(all).slice(1, 7)).toEqual([
      { event: "content_block_start", data: { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "call_1", name: "a", input: {} } } },
      { event: "content_block_delta", data: { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"x":' } } },
      { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
      { event: "content_block_start", data: { type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "call_2", name: "b", input: {} } } },
      { event: "content_block_delta", data: { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "{}" } } },
      { event: "content_block_delta", data: { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: "1}" } } },
    ]);
  });

  it("usage with cached tokens: Anthropic's input_tokens is the uncached part", () => {
    const { all } = translate([
      chunk({ role: "assistant", content: "" }),
      chunk({ content: "ok" }),
      chunk({}, "stop"),
      usageChunk({ prompt_tokens: 2000, completion_tokens: 7, total_tokens: 2007, prompt_tokens_details: { cached_tokens: 1536 } }),
    ]);
    expect(events(all).at(-2)).toEqual(delta("end_turn", { output_tokens: 7, input_tokens: 464, cache_read_input_tokens: 1536, cache_creation_input_tokens: 0 }));
  });

  it("usage on the finish chunk itself: written on that push", () => {
    const { outs, end } = translate([
      chunk({ role: "assistant", content: "" }),
      chunk({ content: "ok" }),
      chunk({}, "stop", { usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 } }),
    ]);
    expect(names(outs[2])).toEqual(["content_block_stop", "message_delta", "message_stop"]);
    expect(events(outs[2])[1]).toEqual(delta("end_turn", { output_tokens: 2, input_tokens: 10, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 }));
    expect(end).toBe("");
  });

  it("usage on every chunk (running counts): only the one at or after the finish is final", () => {
    const { outs, end } = translate([
      chunk({ role: "assistant", content: "" }, null, { usage: { prompt_tokens: 10, completion_tokens: 0 } }),
      chunk({ content: "a" }, null, { usage: { prompt_tokens: 10, completion_tokens: 1 } }),
      chunk({ content: "b" }, null, { usage: { prompt_tokens: 10, completion_tokens: 2 } }),
      chunk({}, "length", { usage: { prompt_tokens: 10, completion_tokens: 2 } }),
    ]);
    expect(names(outs[2])).toEqual(["content_block_delta"]);
    expect(events(outs[3])[1]).toEqual(delta("max_tokens", { output_tokens: 2, input_tokens: 10, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 }));
    expect(end).toBe("");
  });

  it("no usage at all: the finish is written at end() with zero counts", () => {
    const { outs, end } = translate([chunk({ role: "assistant", content: "" }), chunk({ content: "ok" }), chunk({}, "stop")]);
    expect(outs[2]).toBe("");
    expect(events(end)).toEqual([
      { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
      delta("end_turn", { output_tokens: 0, input_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 }),
      stop,
    ]);
  });

  it("every stop reason", () => {
    const cases: [string, string][] = [
      ["stop", "end_turn"],
      ["length", "max_tokens"],
      ["tool_calls", "tool_use"],
      ["function_call", "tool_use"],
      ["content_filter", "refusal"],
      ["something_new", "end_turn"],
    ];
    for (const [openai, anthropic] of cases) {
      const { all } = translate([chunk({ role: "assistant", content: "" }), chunk({ content: "x" }), chunk({}, openai), usageChunk({ prompt_tokens: 1, completion_tokens: 1 })]);
      const d = events(all).find((e) => e.event === "message_delta");
      expect(d?.data.delta, openai).toEqual({ stop_reason: anthropic, stop_sequence: null });
    }
  });

  it("an upstream error mid-stream: Anthropic's error event, and nothing after", () => {
    const { outs, end } = translate([
      chunk({ role: "assistant", content: "" }),
      chunk({ content: "Hel" }),
      { error: { message: "The server is overloaded.", type: "server_error", code: "overloaded" } },
      chunk({ content: "lo" }),
      chunk({}, "stop"),
    ]);
    expect(outs[2]).toBe('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"The server is overloaded."}}\n\n');
    expect(outs[3]).toBe("");
    expect(outs[4]).toBe("");
    expect(end).toBe("");
  });

  it("the gateway's own error (a cut stream) maps each kind to Anthropic's error type", () => {
    const kinds = {
      invalid_request: "invalid_request_error",
      authentication: "authentication_error",
      permission: "permission_error",
      not_found: "not_found_error",
      rate_limit: "rate_limit_error",
      overloaded: "overloaded_error",
      api_error: "api_error",
    } as const;
    for (const [kind, type] of Object.entries(kinds)) {
      const encoder = anthropicStreamEncoder();
      encoder.push({ type: "start", id: "x", model: "m" });
      expect(events(encoder.push({ type: "error", kind: kind as keyof typeof kinds, message: "m" }))).toEqual([
        { event: "error", data: { type: "error", error: { type, message: "m" } } },
      ]);
      expect(encoder.end()).toBe("");
    }
  });

  it("end() without a finish: an error event instead of message_delta/message_stop", () => {
    const { end } = translate([chunk({ role: "assistant", content: "" }), chunk({ content: "Hel" })]);
    expect(events(end)).toEqual([
      { event: "error", data: { type: "error", error: { type: "api_error", message: "The upstream stream ended before the answer was complete." } } },
    ]);
  });

  it("a stream that never started still ends in a valid error event", () => {
    expect(events(translate([]).end)).toEqual([
      { event: "error", data: { type: "error", error: { type: "api_error", message: "The upstream stream ended before the answer was complete." } } },
    ]);
    const encoder = anthropicStreamEncoder();
    expect(names(encoder.push({ type: "error", kind: "rate_limit", message: "slow down" }))).toEqual(["error"]);
    expect(encoder.end()).toBe("");
  });

  it("an id without msg_ gets the prefix; one that has it keeps it; a missing one is made up", () => {
    const withPrefix = anthropicStreamEncoder();
    expect(events(withPrefix.push({ type: "start", id: "msg_01", model: "m" }))[0].data.message).toMatchObject({ id: "msg_01" });
    const none = anthropicStreamEncoder();
    expect((events(none.push({ type: "start", id: "", model: "m" }))[0].data.message as Json).id).toMatch(/^msg_[0-9a-f]{32}$/);
  });

  it("reasoning signatures go on the thinking block; stop sequences are written", () => {
    const encoder = anthropicStreamEncoder();
    const out = [
      encoder.push({ type: "start", id: "msg_1", model: "m", usage: { input: 30, output: 1, cacheRead: 10, cacheWrite: 5 } }),
      encoder.push({ type: "reasoning", text: "hmm" }),
      encoder.push({ type: "reasoning_signature", signature: "sig" }),
      encoder.push({ type: "text", text: "ok" }),
      encoder.push({ type: "finish", stopReason: "stop_sequence", stopSequence: "END" }),
      encoder.end(),
    ].join("");
    expect(events(out)).toEqual([
      {
        event: "message_start",
        data: {
          type: "message_start",
          message: {
            id: "msg_1",
            type: "message",
            role: "assistant",
            model: "m",
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 15, output_tokens: 0, cache_read_input_tokens: 10, cache_creation_input_tokens: 5 },
          },
        },
      },
      { event: "content_block_start", data: { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } } },
      { event: "content_block_delta", data: { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "hmm" } } },
      { event: "content_block_delta", data: { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "sig" } } },
      { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
      { event: "content_block_start", data: { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } } },
      { event: "content_block_delta", data: { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "ok" } } },
      { event: "content_block_stop", data: { type: "content_block_stop", index: 1 } },
      {
        event: "message_delta",
        data: {
          type: "message_delta",
          delta: { stop_reason: "stop_sequence", stop_sequence: "END" },
          usage: { output_tokens: 1, input_tokens: 15, cache_read_input_tokens: 10, cache_creation_input_tokens: 5 },
        },
      },
      stop,
    ]);
  });
});

describe("openAIStreamDecoder", () => {
  it("chunks → events: start once, text, reasoning, tools numbered by first appearance, finish, usage", () => {
    const decoder = openAIStreamDecoder();
    expect(decoder.push(chunk({ role: "assistant", content: "" }))).toEqual([{ type: "start", id: "chatcmpl-7f3a", model: "qwen3-32b" }]);
    expect(decoder.push(chunk({ reasoning_content: "r" }))).toEqual([{ type: "reasoning", text: "r" }]);
    expect(decoder.push(chunk({ content: "t" }))).toEqual([{ type: "text", text: "t" }]);
    // llama.cpp-style keys: the upstream's index 3 comes first, so it is IR tool 0.
    expect(decoder.push(chunk({ tool_calls: [{ index: 3, id: "call_a", type: "function", function: { name: "f", arguments: "{" } }] }))).toEqual([
      { type: "tool_call_start", index: 0, id: "call_a", name: "f" },
      { type: "tool_call_delta", index: 0, arguments: "{" },
    ]);
    expect(decoder.push(chunk({ tool_calls: [{ index: 0, id: "call_b", function: { name: "g" } }] }))).toEqual([{ type: "tool_call_start", index: 1, id: "call_b", name: "g" }]);
    expect(decoder.push(chunk({ tool_calls: [{ index: 3, function: { arguments: "}" } }] }))).toEqual([{ type: "tool_call_delta", index: 0, arguments: "}" }]);
    expect(decoder.push(chunk({}, "tool_calls"))).toEqual([{ type: "finish", stopReason: "tool_calls" }]);
    expect(decoder.push(usageChunk({ prompt_tokens: 100, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 60 } }))).toEqual([
      { type: "usage", usage: { input: 100, output: 5, cacheRead: 60, cacheWrite: 0 } },
    ]);
    expect(decoder.end()).toEqual([]);
  });

  it("a tool call whose name comes after its id: started once the name is known, its early arguments kept", () => {
    const decoder = openAIStreamDecoder();
    decoder.push(chunk({ role: "assistant" }));
    expect(decoder.push(chunk({ tool_calls: [{ index: 0, id: "call_a", type: "function", function: { arguments: "" } }] }))).toEqual([]);
    expect(decoder.push(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] }))).toEqual([]);
    expect(decoder.push(chunk({ tool_calls: [{ index: 0, function: { name: "f", arguments: "1}" } }] }))).toEqual([
      { type: "tool_call_start", index: 0, id: "call_a", name: "f" },
      { type: "tool_call_delta", index: 0, arguments: '{"a":1}' },
    ]);
    // One that never gets a name is started nameless when the answer finishes.
    expect(decoder.push(chunk({ tool_calls: [{ index: 1, id: "call_b", function: { arguments: "{}" } }] }))).toEqual([]);
    expect(decoder.push(chunk({}, "tool_calls"))).toEqual([
      { type: "tool_call_start", index: 1, id: "call_b", name: "" },
      { type: "tool_call_delta", index: 1, arguments: "{}" },
      { type: "finish", stopReason: "tool_calls" },
    ]);
    expect(decoder.end()).toEqual([]);
  });

  it("tool calls without an index (found by id) and calls that all say index 0 (told apart by id)", () => {
    // Ollama before it sent `index`: each call whole, in a chunk of its own.
    const noIndex = openAIStreamDecoder();
    noIndex.push(chunk({ role: "assistant" }));
    expect(noIndex.push(chunk({ tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: '{"a":1}' } }] }))).toEqual([
      { type: "tool_call_start", index: 0, id: "call_1", name: "f" },
      { type: "tool_call_delta", index: 0, arguments: '{"a":1}' },
    ]);
    expect(noIndex.push(chunk({ tool_calls: [{ id: "call_2", type: "function", function: { name: "g", arguments: "{}" } }] }))).toEqual([
      { type: "tool_call_start", index: 1, id: "call_2", name: "g" },
      { type: "tool_call_delta", index: 1, arguments: "{}" },
    ]);
    // Neither index nor id: more arguments for the last call.
    expect(noIndex.push(chunk({ tool_calls: [{ function: { arguments: " " } }] }))).toEqual([{ type: "tool_call_delta", index: 1, arguments: " " }]);

    const allZero = openAIStreamDecoder();
    allZero.push(chunk({ role: "assistant" }));
    allZero.push(chunk({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "f", arguments: "" } }] }));
    expect(allZero.push(chunk({ tool_calls: [{ index: 0, id: "call_1", function: { arguments: "{}" } }] }))).toEqual([{ type: "tool_call_delta", index: 0, arguments: "{}" }]);
    expect(allZero.push(chunk({ tool_calls: [{ index: 0, id: "call_2", type: "function", function: { name: "g", arguments: "" } }] }))).toEqual([
      { type: "tool_call_start", index: 1, id: "call_2", name: "g" },
    ]);
    expect(allZero.push(chunk({ tool_calls: [{ index: 0, function: { arguments: "{}" } }] }))).toEqual([{ type: "tool_call_delta", index: 1, arguments: "{}" }]);
  });

  it("a refusal (OpenAI's own models) is text", () => {
    const decoder = openAIStreamDecoder();
    decoder.push(chunk({ role: "assistant", content: null, refusal: null }));
    expect(decoder.push(chunk({ refusal: "I can't help with that." }))).toEqual([{ type: "text", text: "I can't help with that." }]);
  });

  it("an error object → an error event with its kind", () => {
    const decoder = openAIStreamDecoder();
    expect(decoder.push({ error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } })).toEqual([
      { type: "error", kind: "rate_limit", message: "Rate limit reached" },
    ]);
    expect(openAIStreamDecoder().push({ error: { message: "boom" } })).toEqual([{ type: "error", kind: "api_error", message: "boom" }]);
    expect(openAIStreamDecoder().push({ error: { object: "error", message: "too long", type: "BadRequestError", param: null, code: 400 } })).toEqual([
      { type: "error", kind: "invalid_request", message: "too long" },
    ]);
    expect(openAIStreamDecoder().push({ error: "cut" })).toEqual([{ type: "error", kind: "api_error", message: "cut" }]);
  });
});
