import { describe, expect, it } from "vitest";
import { routingEndpoint } from "../support/routing";
import { adapters } from "@/lib/gateway/styles";

// What differs between the two API styles: the path, the upstream's headers, the body as sent,
// where the usage report sits (cache parts included), and where the text of prompts, answers and
// stream deltas sits (what an estimate counts).

const u = (input: number, output: number, cacheRead = 0, cacheWrite = 0) => ({ input, output, cacheRead, cacheWrite });

const endpoint = (upstreamApiKey: string | null) => routingEndpoint("e", "openai", ["m"], { baseUrl: "http://upstream.test/v1", upstreamApiKey });
const client = new Headers({ authorization: "Bearer tg-sk-client", "x-api-key": "tg-sk-client", "anthropic-beta": "tools-2025", "anthropic-version": "2024-01-01" });

describe("the openai adapter", () => {
  const a = adapters.openai;

  it("sends the endpoint's key as a Bearer token, never the client's", () => {
    expect(a.path).toBe("/chat/completions");
    expect(a.upstreamHeaders(endpoint("sk-up"), client)).toEqual({ "content-type": "application/json", authorization: "Bearer sk-up" });
    expect(a.upstreamHeaders(endpoint(null), client)).toEqual({ "content-type": "application/json" });
  });

  it("asks a stream for its usage unless the client did, and says so", () => {
    expect(a.prepare({ model: "m", stream: true })).toEqual({ body: { model: "m", stream: true, stream_options: { include_usage: true } }, injectedUsage: true });
    expect(a.prepare({ model: "m", stream: true, stream_options: { include_obfuscation: false } })).toEqual({
      body: { model: "m", stream: true, stream_options: { include_obfuscation: false, include_usage: true } },
      injectedUsage: true,
    });
    const asked = { model: "m", stream: true, stream_options: { include_usage: true } };
    expect(a.prepare(asked)).toEqual({ body: asked, injectedUsage: false });
    expect(a.prepare({ model: "m" })).toEqual({ body: { model: "m" }, injectedUsage: false });
  });

  it("reads usage from an answer and from the usage-only event", () => {
    expect(a.usageOfJson({ usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } })).toEqual(u(3, 2));
    expect(a.usageOfJson({ choices: [] })).toBeUndefined();
    expect(a.usageOfJson({ usage: { prompt_tokens: "3", completion_tokens: null } })).toEqual(u(0, 0));
    expect(a.usageOfJson({ usage: { prompt_tokens: -3, completion_tokens: 2.7 } })).toEqual(u(0, 2));
    expect(a.isUsageOnlyEvent({ choices: [], usage: { prompt_tokens: 1 } })).toBe(true);
    expect(a.isUsageOnlyEvent({ choices: [{ delta: {} }], usage: { prompt_tokens: 1 } })).toBe(false);
  });

  it("reads the cached part of the prompt as cache reads, within the prompt tokens", () => {
    const usage = { prompt_tokens: 2006, completion_tokens: 300, prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 64 } };
    expect(a.usageOfJson({ usage })).toEqual(u(2006, 300, 1920, 0));
    expect(a.usageOfEvent({ choices: [], usage }, u(0, 0))).toEqual(u(2006, 300, 1920, 0));
    expect(a.usageOfJson({ usage: { prompt_tokens: 10, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 50 } } })).toEqual(u(10, 1, 10, 0));
    expect(a.usageOfJson({ usage: { prompt_tokens: 10, completion_tokens: 1, prompt_tokens_details: null } })).toEqual(u(10, 1));
  });

  it("knows the final usage report: the usage-only event, or a finishing chunk that carries usage", () => {
    expect(a.isFinalUsageEvent({ choices: [], usage: { prompt_tokens: 1 } })).toBe(true);
    expect(a.isFinalUsageEvent({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: { prompt_tokens: 1 } })).toBe(true);
    expect(a.isFinalUsageEvent({ choices: [{ index: 0, delta: { content: "x" }, finish_reason: null }], usage: { prompt_tokens: 1 } })).toBe(false);
    expect(a.isFinalUsageEvent({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: null })).toBe(false);
  });

  it("finds the delivered text in a delta: content, reasoning, refusal, tool call names and arguments", () => {
    expect(a.deliveredText({ choices: [{ index: 0, delta: { role: "assistant", content: "Hello" } }] })).toBe("Hello");
    expect(a.deliveredText({ choices: [{ index: 0, delta: { reasoning_content: "think" } }, { index: 1, delta: { content: "two" } }] })).toBe("think\ntwo");
    expect(a.deliveredText({ choices: [{ delta: { tool_calls: [{ index: 0, id: "c1", function: { name: "get_weather", arguments: '{"city":' } }] } }] })).toBe('get_weather\n{"city":');
    expect(a.deliveredText({ choices: [{ delta: { refusal: "No." } }] })).toBe("No.");
    expect(a.deliveredText({ choices: [{ delta: { content: null }, finish_reason: "stop" }] })).toBe("");
    expect(a.deliveredText({ choices: [], usage: { prompt_tokens: 1 } })).toBe("");
  });

  it("finds the text of an answer and of a prompt (messages, parts, tool calls and tool definitions)", () => {
    expect(a.answerText({ choices: [{ message: { role: "assistant", content: "Hi", tool_calls: [{ function: { name: "f", arguments: "{}" } }] } }] })).toBe("Hi\nf\n{}");
    const tool = { type: "function", function: { name: "f", description: "Does f", parameters: { type: "object" } } };
    const prompt = a.promptText({
      model: "m",
      messages: [
        { role: "system", content: "Be brief" },
        { role: "user", content: [{ type: "text", text: "Look:" }, { type: "image_url", image_url: { url: "data:..." } }] },
        { role: "assistant", content: null, tool_calls: [{ id: "1", type: "function", function: { name: "f", arguments: '{"a":1}' } }] },
        { role: "tool", tool_call_id: "1", content: "42" },
      ],
      tools: [tool],
    });
    expect(prompt).toBe(["Be brief", "Look:", "f", '{"a":1}', "42", JSON.stringify(tool)].join("\n"));
    expect(a.promptText({ messages: "not a list" })).toBe("");
  });
});

describe("the anthropic adapter", () => {
  const a = adapters.anthropic;

  it("sends the endpoint's key as x-api-key with the client's version and beta headers", () => {
    expect(a.path).toBe("/messages");
    expect(a.upstreamHeaders(endpoint("sk-ant"), client)).toEqual({
      "content-type": "application/json",
      "anthropic-version": "2024-01-01",
      "anthropic-beta": "tools-2025",
      "x-api-key": "sk-ant",
    });
    expect(a.upstreamHeaders(endpoint(null), new Headers())).toEqual({ "content-type": "application/json", "anthropic-version": "2023-06-01" });
  });

  it("sends the body as it is", () => {
    const body = { model: "m", stream: true, max_tokens: 5 };
    expect(a.prepare(body)).toEqual({ body, injectedUsage: false });
  });

  it("counts cache writes and reads as input, and says which part is which", () => {
    expect(a.usageOfJson({ usage: { input_tokens: 10, cache_creation_input_tokens: 4, cache_read_input_tokens: 6, output_tokens: 3 } })).toEqual(u(20, 3, 6, 4));
    expect(a.usageOfJson({ usage: { input_tokens: 10, cache_creation_input_tokens: null, output_tokens: 3 } })).toEqual(u(10, 3));
  });

  it("folds message_start and message_delta events into the usage seen so far", () => {
    const start = a.usageOfEvent({ type: "message_start", message: { usage: { input_tokens: 8, output_tokens: 1 } } }, u(0, 0));
    expect(start).toEqual(u(8, 1));
    expect(a.usageOfEvent({ type: "message_delta", usage: { output_tokens: 12 } }, start!)).toEqual(u(8, 12));
    expect(a.usageOfEvent({ type: "message_delta", usage: { input_tokens: 9, output_tokens: 13 } }, start!)).toEqual(u(9, 13));
    expect(a.usageOfEvent({ type: "content_block_delta" }, start!)).toBeUndefined();
    expect(a.isUsageOnlyEvent({ type: "message_delta", usage: {} })).toBe(false);
  });

  it("keeps the cache parts of message_start, and takes the most of each part when message_delta repeats them", () => {
    const startUsage = { input_tokens: 5, cache_creation_input_tokens: 100, cache_read_input_tokens: 2000, output_tokens: 1 };
    const start = a.usageOfEvent({ type: "message_start", message: { usage: startUsage } }, u(0, 0))!;
    expect(start).toEqual(u(2105, 1, 2000, 100));
    // Only the output: the input parts stay.
    expect(a.usageOfEvent({ type: "message_delta", usage: { output_tokens: 40 } }, start)).toEqual(u(2105, 40, 2000, 100));
    // Cumulative parts again, one of them grown.
    const delta = { input_tokens: 5, cache_creation_input_tokens: 100, cache_read_input_tokens: 2500, output_tokens: 41 };
    expect(a.usageOfEvent({ type: "message_delta", usage: delta }, start)).toEqual(u(2605, 41, 2500, 100));
    // A delta that names fewer parts never lowers what was seen.
    expect(a.usageOfEvent({ type: "message_delta", usage: { input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 } }, start)).toEqual(u(2105, 1, 2000, 100));
  });

  it("knows the final usage report: message_delta with usage (message_start's is only the start)", () => {
    expect(a.isFinalUsageEvent({ type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 3 } })).toBe(true);
    expect(a.isFinalUsageEvent({ type: "message_start", message: { usage: { input_tokens: 3 } } })).toBe(false);
    expect(a.isFinalUsageEvent({ type: "message_delta", delta: {} })).toBe(false);
  });

  it("finds the delivered text of text, tool input and thinking deltas, and of a block's start", () => {
    expect(a.deliveredText({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hello" } })).toBe("Hello");
    expect(a.deliveredText({ type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"city": "Pa' } })).toBe('{"city": "Pa');
    expect(a.deliveredText({ type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "Hmm" } })).toBe("Hmm");
    expect(a.deliveredText({ type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "EqQBCg" } })).toBe("");
    expect(a.deliveredText({ type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "t", name: "get_weather", input: {} } })).toBe("get_weather");
    expect(a.deliveredText({ type: "message_delta", usage: { output_tokens: 3 } })).toBe("");
  });

  it("finds the text of an answer and of a prompt (system, blocks, tool use and results, tool definitions)", () => {
    expect(a.answerText({ content: [{ type: "thinking", thinking: "Hm" }, { type: "text", text: "Hi" }, { type: "tool_use", id: "t", name: "f", input: { a: 1 } }] })).toBe('Hm\nHi\nf\n{"a":1}');
    const tool = { name: "f", description: "Does f", input_schema: { type: "object" } };
    const prompt = a.promptText({
      system: [{ type: "text", text: "Be brief", cache_control: { type: "ephemeral" } }],
      messages: [
        { role: "user", content: "Hello" },
        { role: "assistant", content: [{ type: "tool_use", id: "t", name: "f", input: { a: 1 } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: [{ type: "text", text: "42" }] }, { type: "image", source: {} }] },
      ],
      tools: [tool],
    });
    expect(prompt).toBe(["Be brief", "Hello", 'f\n{"a":1}', "42", JSON.stringify(tool)].join("\n"));
  });
});
