import type Anthropic from "@anthropic-ai/sdk";
import type OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { translateResponse } from "@/lib/translate";
import { decodeAnthropicResponse, encodeAnthropicResponse } from "@/lib/translate/anthropic/response";
import type { ChatResponse, StopReason } from "@/lib/translate/ir";
import { decodeOpenAIResponse, encodeOpenAIResponse } from "@/lib/translate/openai/response";
import { anthropicMessage, completion } from "../support/translate-fixtures";

// Whole (non-streamed) answers between the two API styles: the upstream's JSON in, the client's out.
// The expected answers are written as the official SDKs' response types (openai 6, @anthropic-ai/sdk
// 1): the fields those SDKs read are all there. Anthropic's SDK types also list fields that are null
// for a plain answer (container, stop_details, diagnostics, usage.server_tool_use, …): left out, as
// the SDK reads none of them to parse an answer.

type Json = Record<string, unknown>;
const NOW = new Date("2026-11-30T12:00:00Z");
beforeEach(() => vi.useFakeTimers({ now: NOW }));
afterEach(() => vi.useRealTimers());


describe("OpenAI-style upstream → Anthropic client", () => {
  it("turns reasoning, text and tool calls into thinking, text and tool_use blocks, with the usage split Anthropic's way", () => {
    const out = translateResponse(
      "openai",
      "anthropic",
      completion(
        {
          content: "Reading it.",
          reasoning_content: "The user wants the file.",
          tool_calls: [{ id: "call_1", type: "function", function: { name: "Read", arguments: '{"file_path":"/a"}' } }],
        },
        "tool_calls",
        { prompt_tokens: 1200, completion_tokens: 40, total_tokens: 1240, prompt_tokens_details: { cached_tokens: 1000 } },
      ),
    );
    const expected: Anthropic.Message = {
      id: "msg_abc",
      type: "message",
      role: "assistant",
      model: "qwen3-coder",
      content: [
        { type: "thinking", thinking: "The user wants the file.", signature: "" },
        { type: "text", text: "Reading it.", citations: null },
        { type: "tool_use", id: "call_1", name: "Read", input: { file_path: "/a" } } as Anthropic.ToolUseBlock,
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 200, output_tokens: 40, cache_read_input_tokens: 1000, cache_creation_input_tokens: 0 } as Anthropic.Usage,
    } as Anthropic.Message;
    expect(out).toEqual(expected);
  });

  it("reads Ollama's `reasoning`, and a tool call finished with `stop` as a tool turn", () => {
    const out = translateResponse(
      "openai",
      "anthropic",
      completion({ content: null, reasoning: "hmm", tool_calls: [{ id: "c", type: "function", function: { name: "ls", arguments: "" } }] }, "stop"),
    );
    expect(out.content).toEqual([
      { type: "thinking", thinking: "hmm", signature: "" },
      { type: "tool_use", id: "c", name: "ls", input: {} },
    ]);
    expect(out.stop_reason).toBe("tool_use");
    expect(out.usage).toEqual({ input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
  });

  it("keeps a tool call's malformed arguments rather than losing them", () => {
    const out = translateResponse("openai", "anthropic", completion({ content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{oops" } }] }, "tool_calls"));
    expect(out.content).toEqual([{ type: "tool_use", id: "c", name: "f", input: { arguments: "{oops" } }]);
  });

  it("turns a refusal into text with the refusal stop reason", () => {
    const out = translateResponse("openai", "anthropic", completion({ content: null, refusal: "I can't help with that." }, "stop"));
    expect(out.content).toEqual([{ type: "text", text: "I can't help with that.", citations: null }]);
    expect(out.stop_reason).toBe("refusal");
  });

  it.each([
    ["stop", "end_turn"],
    ["length", "max_tokens"],
    ["tool_calls", "tool_use"],
    ["content_filter", "refusal"],
    ["something_else", "end_turn"],
  ])("turns finish_reason %s into stop_reason %s", (finish, stop) => {
    expect(translateResponse("openai", "anthropic", completion({ content: "x" }, finish)).stop_reason).toBe(stop);
  });
});

describe("Anthropic upstream → OpenAI client", () => {
  it("turns thinking, text and tool_use blocks into reasoning_content, content and tool_calls, with all input in prompt_tokens", () => {
    const out = translateResponse(
      "anthropic",
      "openai",
      anthropicMessage(
        [
          { type: "thinking", thinking: "Need the weather.", signature: "sig" },
          { type: "text", text: "Let me check." },
          { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
        ],
        "tool_use",
        { input_tokens: 50, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200, output_tokens: 30 },
      ),
    );
    const expected: OpenAI.ChatCompletion = {
      id: "chatcmpl-01XYZ",
      object: "chat.completion",
      created: NOW.getTime() / 1000,
      model: "claude-sonnet-4-5",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: "Let me check.",
            refusal: null,
            tool_calls: [{ id: "toolu_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
            reasoning_content: "Need the weather.",
          } as OpenAI.ChatCompletionMessage,
          logprobs: null,
          finish_reason: "tool_calls",
        },
      ],
      usage: { prompt_tokens: 1250, completion_tokens: 30, total_tokens: 1280, prompt_tokens_details: { cached_tokens: 1000 } },
    };
    expect(out).toEqual(expected);
  });

  it("gives a text-only answer no tool_calls and no reasoning_content", () => {
    const out = translateResponse("anthropic", "openai", anthropicMessage([{ type: "text", text: "Hello" }, { type: "text", text: " there." }], "end_turn"));
    expect((out.choices as Json[])[0]).toEqual({ index: 0, message: { role: "assistant", content: "Hello there.", refusal: null }, logprobs: null, finish_reason: "stop" });
    expect(out.usage).toEqual({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 0 } });
  });

  it.each([
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["max_tokens", "length"],
    ["model_context_window_exceeded", "length"],
    ["tool_use", "tool_calls"],
    ["refusal", "content_filter"],
    ["pause_turn", "stop"],
  ])("turns stop_reason %s into finish_reason %s", (stop, finish) => {
    const out = translateResponse("anthropic", "openai", anthropicMessage([{ type: "text", text: "x" }], stop));
    expect((out.choices as Json[])[0].finish_reason).toBe(finish);
  });
});

describe("the decoders and encoders alone", () => {
  it("decode Anthropic's stop sequence, redacted thinking and usage (input = uncached + cache reads + cache writes)", () => {
    const decoded = decodeAnthropicResponse(
      anthropicMessage([{ type: "redacted_thinking", data: "zz" }, { type: "text", text: "a" }], "stop_sequence", { input_tokens: 3, cache_read_input_tokens: 4, cache_creation_input_tokens: 5, output_tokens: 6 }, "END"),
    );
    expect(decoded).toEqual({
      id: "msg_01XYZ",
      model: "claude-sonnet-4-5",
      content: [
        { type: "reasoning", text: "", redacted: "zz" },
        { type: "text", text: "a" },
      ],
      stopReason: "stop_sequence",
      stopSequence: "END",
      usage: { input: 12, output: 6, cacheRead: 4, cacheWrite: 5 },
    });
  });

  it("encode for Anthropic: the stop sequence, redacted thinking, signed thinking, and each stop reason", () => {
    const res: ChatResponse = {
      id: "x1",
      model: "m",
      content: [
        { type: "reasoning", text: "", redacted: "zz" },
        { type: "reasoning", text: "t", signature: "s" },
      ],
      stopReason: "stop_sequence",
      stopSequence: "END",
      usage: { input: 12, output: 6, cacheRead: 4, cacheWrite: 5 },
    };
    expect(encodeAnthropicResponse(res)).toEqual({
      id: "msg_x1",
      type: "message",
      role: "assistant",
      model: "m",
      content: [
        { type: "redacted_thinking", data: "zz" },
        { type: "thinking", thinking: "t", signature: "s" },
      ],
      stop_reason: "stop_sequence",
      stop_sequence: "END",
      usage: { input_tokens: 3, output_tokens: 6, cache_read_input_tokens: 4, cache_creation_input_tokens: 5 },
    });
    const reasons: [StopReason, string][] = [
      ["end_turn", "end_turn"],
      ["max_tokens", "max_tokens"],
      ["tool_calls", "tool_use"],
      ["content_filter", "refusal"],
      ["pause", "pause_turn"],
      ["other", "end_turn"],
    ];
    for (const [stopReason, expected] of reasons) expect(encodeAnthropicResponse({ ...res, stopReason }).stop_reason).toBe(expected);
  });

  it("decode an OpenAI answer's usage: prompt_tokens already counts the cached part", () => {
    const decoded = decodeOpenAIResponse(completion({ content: "hi" }, "stop", { prompt_tokens: 100, completion_tokens: 7, total_tokens: 107, prompt_tokens_details: { cached_tokens: 60 } }));
    expect(decoded).toEqual({ id: "chatcmpl-abc", model: "qwen3-coder", content: [{ type: "text", text: "hi" }], stopReason: "end_turn", usage: { input: 100, output: 7, cacheRead: 60, cacheWrite: 0 } });
  });

  it("encode for OpenAI: no usage when none was reported, a null content when there is no text, and each stop reason", () => {
    const res: ChatResponse = { id: "chatcmpl-9", model: "m", content: [{ type: "tool_call", id: "t", name: "f", arguments: "{}" }], stopReason: "tool_calls" };
    expect(encodeOpenAIResponse(res)).toEqual({
      id: "chatcmpl-9",
      object: "chat.completion",
      created: NOW.getTime() / 1000,
      model: "m",
      choices: [{ index: 0, message: { role: "assistant", content: null, refusal: null, tool_calls: [{ id: "t", type: "function", function: { name: "f", arguments: "{}" } }] }, logprobs: null, finish_reason: "tool_calls" }],
    });
    const reasons: [StopReason, string][] = [
      ["end_turn", "stop"],
      ["stop_sequence", "stop"],
      ["max_tokens", "length"],
      ["content_filter", "content_filter"],
      ["pause", "stop"],
      ["other", "stop"],
    ];
    for (const [stopReason, expected] of reasons) expect((encodeOpenAIResponse({ ...res, stopReason }).choices as Json[])[0].finish_reason).toBe(expected);
  });
});

describe("the official SDKs read the translated answers", () => {
  // Each SDK's client, answered by a fetch that returns the translated body: what an SDK user gets.
  const answering = (body: Json) => async () => new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });

  it("openai's chat.completions.create", async () => {
    const { default: OpenAIClient } = await import("openai");
    const body = translateResponse("anthropic", "openai", anthropicMessage([{ type: "text", text: "Hi" }, { type: "tool_use", id: "toolu_1", name: "f", input: { a: 1 } }], "tool_use"));
    const client = new OpenAIClient({ apiKey: "k", baseURL: "http://upstream.test/v1", fetch: answering(body), maxRetries: 0 });
    const answer = await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] });
    expect(answer.choices[0].message.content).toBe("Hi");
    expect(answer.choices[0].message.tool_calls?.[0]).toEqual({ id: "toolu_1", type: "function", function: { name: "f", arguments: '{"a":1}' } });
    expect(answer.choices[0].finish_reason).toBe("tool_calls");
    expect(answer.usage?.prompt_tokens).toBe(10);
  });

  it("@anthropic-ai/sdk's messages.create", async () => {
    const { default: AnthropicClient } = await import("@anthropic-ai/sdk");
    const body = translateResponse("openai", "anthropic", completion({ content: "Hi", tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: '{"a":1}' } }] }, "tool_calls", { prompt_tokens: 30, completion_tokens: 2, total_tokens: 32, prompt_tokens_details: { cached_tokens: 20 } }));
    const client = new AnthropicClient({ apiKey: "k", baseURL: "http://upstream.test", fetch: answering(body), maxRetries: 0 });
    const answer = await client.messages.create({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "x" }] });
    expect(answer.content).toEqual([
      { type: "text", text: "Hi", citations: null },
      { type: "tool_use", id: "call_1", name: "f", input: { a: 1 } },
    ]);
    expect(answer.stop_reason).toBe("tool_use");
    expect(answer.usage).toEqual({ input_tokens: 10, output_tokens: 2, cache_read_input_tokens: 20, cache_creation_input_tokens: 0 });
  });
});
