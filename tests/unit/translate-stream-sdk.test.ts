import { Stream as AnthropicStream } from "@anthropic-ai/sdk/core/streaming";
import { BetaMessageStream } from "@anthropic-ai/sdk/lib/BetaMessageStream";
import { MessageStream } from "@anthropic-ai/sdk/lib/MessageStream";
import { Stream as OpenAIStream } from "openai/core/streaming";
import { ChatCompletionStream } from "openai/lib/ChatCompletionStream";
import { describe, expect, it } from "vitest";
import { anthropicStreamDecoder, anthropicStreamEncoder } from "@/lib/translate/anthropic/stream";
import type { StreamDecoder, StreamEncoder } from "@/lib/translate/ir";
import { openAIStreamDecoder, openAIStreamEncoder } from "@/lib/translate/openai/stream";
import { ab, ad, as } from "../support/translate-fixtures";

// What the official SDKs make of the translated streams: the SSE text, sent a push at a time, read
// by each SDK's own SSE parser and stream accumulator (messages.stream() / chat.completions.stream()
// do the same on a live response), down to the final message or completion.

type Json = Record<string, unknown>;

/** The client's SSE text, one piece per upstream event and one for end(), as a streamed Response. */
function respond(decoder: StreamDecoder, encoder: StreamEncoder, upstream: Json[]): Response {
  const pieces = upstream.map((e) => decoder.push(e).map((x) => encoder.push(x)).join(""));
  pieces.push(decoder.end().map((x) => encoder.push(x)).join("") + encoder.end());
  const bytes = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const p of pieces) if (p) controller.enqueue(bytes.encode(p));
      controller.close();
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

const anthropicClient = (upstream: Json[]) =>
  MessageStream.fromReadableStream(AnthropicStream.fromSSEResponse(respond(openAIStreamDecoder(), anthropicStreamEncoder(), upstream), new AbortController()).toReadableStream());

const anthropicBetaClient = (upstream: Json[]) =>
  BetaMessageStream.fromReadableStream(AnthropicStream.fromSSEResponse(respond(openAIStreamDecoder(), anthropicStreamEncoder(), upstream), new AbortController()).toReadableStream());

const openAIClient = (upstream: Json[], includeUsage = true) =>
  ChatCompletionStream.fromReadableStream(
    OpenAIStream.fromSSEResponse(respond(anthropicStreamDecoder(), openAIStreamEncoder({ includeUsage }), upstream), new AbortController()).toReadableStream(),
  );

// OpenAI-style upstream chunks.
const base = { id: "chatcmpl-9", object: "chat.completion.chunk", created: 1764532800, model: "qwen3-32b" };
const oc = (delta: Json, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });

// Anthropic upstream events.
const messageStart = {
  type: "message_start",
  message: { id: "msg_01", type: "message", role: "assistant", model: "claude-sonnet-4-5", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 20, cache_read_input_tokens: 1000, cache_creation_input_tokens: 0, output_tokens: 1 } },
};

describe("the Anthropic SDK reads an OpenAI upstream's answer", () => {
  it("reasoning, text and two tool calls (one argument arriving late): the final message", async () => {
    const stream = anthropicClient([
      oc({ role: "assistant", content: "" }),
      oc({ reasoning_content: "The user wants weather and time." }),
      oc({ content: "Looking both up." }),
      oc({ tool_calls: [{ index: 0, id: "call_w", type: "function", function: { name: "get_weather", arguments: '{"city":' } }] }),
      oc({ tool_calls: [{ index: 1, id: "call_t", type: "function", function: { name: "get_time", arguments: '{"tz":"CET"}' } }] }),
      oc({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      oc({}, "tool_calls"),
      { ...base, choices: [], usage: { prompt_tokens: 1200, completion_tokens: 45, total_tokens: 1245, prompt_tokens_details: { cached_tokens: 1024 } } },
    ]);
    const texts: string[] = [];
    stream.on("text", (t) => texts.push(t));
    const message = await stream.finalMessage();
    expect(texts).toEqual(["Looking both up."]);
    expect(message).toMatchObject({
      id: "msg_chatcmpl-9",
      role: "assistant",
      model: "qwen3-32b",
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 176, output_tokens: 45, cache_read_input_tokens: 1024, cache_creation_input_tokens: 0 },
    });
    expect(message.content).toEqual([
      { type: "thinking", thinking: "The user wants weather and time.", signature: "" },
      { type: "text", text: "Looking both up." },
      { type: "tool_use", id: "call_w", name: "get_weather", input: { city: "Paris" } },
      { type: "tool_use", id: "call_t", name: "get_time", input: { tz: "CET" } },
    ]);
  });

  it("the beta stream (what agents such as Claude Code read), an inputJson listener on: late arguments still land on their tool", async () => {
    const stream = anthropicBetaClient([
      oc({ role: "assistant", content: "" }),
      oc({ tool_calls: [{ index: 0, id: "call_w", type: "function", function: { name: "get_weather", arguments: '{"city":' } }] }),
      oc({ tool_calls: [{ index: 1, id: "call_t", type: "function", function: { name: "get_time", arguments: "{}" } }] }),
      oc({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      oc({}, "tool_calls"),
    ]);
    const pieces: string[] = [];
    stream.on("inputJson", (partial) => pieces.push(partial));
    const message = await stream.finalMessage();
    expect(pieces).toEqual(['{"city":', "{}", '"Paris"}']);
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content).toEqual([
      { type: "tool_use", id: "call_w", name: "get_weather", input: { city: "Paris" } },
      { type: "tool_use", id: "call_t", name: "get_time", input: {} },
    ]);
  });

  it("plain text with length: finalText and the stop reason", async () => {
    const stream = anthropicClient([oc({ role: "assistant", content: "" }), oc({ content: "Hello" }), oc({ content: " world" }), oc({}, "length")]);
    expect(await stream.finalText()).toBe("Hello world");
    expect((await stream.finalMessage()).stop_reason).toBe("max_tokens");
  });

  it("an upstream error mid-stream: the SDK throws an APIError of that type", async () => {
    const stream = anthropicClient([oc({ role: "assistant", content: "" }), oc({ content: "Hel" }), { error: { message: "Too many requests", type: "rate_limit_error" } }]);
    await expect(stream.finalMessage()).rejects.toMatchObject({ type: "rate_limit_error", error: { type: "error", error: { type: "rate_limit_error", message: "Too many requests" } } });
  });

  it("a stream that ends early: the SDK throws", async () => {
    const stream = anthropicClient([oc({ role: "assistant", content: "" }), oc({ content: "Hel" })]);
    await expect(stream.finalMessage()).rejects.toMatchObject({ type: "api_error" });
  });
});

describe("the OpenAI SDK reads an Anthropic upstream's answer", () => {
  it("text and two tool calls: the final completion, usage included", async () => {
    const stream = openAIClient([
      messageStart,
      ab(0, { type: "thinking", thinking: "", signature: "" }),
      ad(0, { type: "thinking_delta", thinking: "Two lookups." }),
      ad(0, { type: "signature_delta", signature: "sig" }),
      as(0),
      ab(1, { type: "text", text: "" }),
      ad(1, { type: "text_delta", text: "Looking " }),
      ad(1, { type: "text_delta", text: "both up." }),
      as(1),
      ab(2, { type: "tool_use", id: "toolu_w", name: "get_weather", input: {} }),
      ad(2, { type: "input_json_delta", partial_json: "" }),
      ad(2, { type: "input_json_delta", partial_json: '{"city":' }),
      ad(2, { type: "input_json_delta", partial_json: '"Paris"}' }),
      as(2),
      ab(3, { type: "tool_use", id: "toolu_t", name: "get_time", input: {} }),
      ad(3, { type: "input_json_delta", partial_json: '{"tz":"CET"}' }),
      as(3),
      { type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 88 } },
      { type: "message_stop" },
    ]);
    const contents: string[] = [];
    stream.on("content.delta", ({ delta }) => contents.push(delta));
    const completion = await stream.finalChatCompletion();
    expect(contents).toEqual(["Looking ", "both up."]);
    expect(completion).toMatchObject({ id: "chatcmpl-msg_01", object: "chat.completion", model: "claude-sonnet-4-5" });
    expect(completion.usage).toEqual({ prompt_tokens: 1020, completion_tokens: 88, total_tokens: 1108, prompt_tokens_details: { cached_tokens: 1000 } });
    const choice = completion.choices[0];
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message).toMatchObject({ role: "assistant", content: "Looking both up.", reasoning_content: "Two lookups." });
    expect(choice.message.tool_calls?.map((t) => (t.type === "function" ? [t.id, t.function.name, JSON.parse(t.function.arguments)] : t))).toEqual([
      ["toolu_w", "get_weather", { city: "Paris" }],
      ["toolu_t", "get_time", { tz: "CET" }],
    ]);
  });

  it("includeUsage false: no usage on the completion", async () => {
    const stream = openAIClient(
      [messageStart, ab(0, { type: "text", text: "" }), ad(0, { type: "text_delta", text: "Hi" }), as(0), { type: "message_delta", delta: { stop_reason: "max_tokens", stop_sequence: null }, usage: { output_tokens: 1 } }, { type: "message_stop" }],
      false,
    );
    const completion = await stream.finalChatCompletion();
    expect(completion.choices[0]).toMatchObject({ finish_reason: "length", message: { content: "Hi" } });
    expect(completion.usage ?? null).toBeNull();
  });

  it("an upstream error mid-stream: the SDK throws an APIError with the message", async () => {
    const stream = openAIClient([messageStart, ab(0, { type: "text", text: "" }), ad(0, { type: "text_delta", text: "Hel" }), { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }]);
    await expect(stream.finalChatCompletion()).rejects.toMatchObject({ message: "Overloaded", type: "server_error" });
  });

  it("a stream that ends early: the SDK throws", async () => {
    const stream = openAIClient([messageStart, ab(0, { type: "text", text: "" }), ad(0, { type: "text_delta", text: "Hel" })]);
    await expect(stream.finalChatCompletion()).rejects.toMatchObject({ message: "The upstream stream ended before the answer was complete." });
  });
});
