import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { anthropicStreamDecoder } from "@/lib/translate/anthropic/stream";
import type { StreamDecoder, Tool } from "@/lib/translate/ir";
import { openAIStreamDecoder } from "@/lib/translate/openai/stream";
import { responsesStreamEncoder } from "@/lib/translate/responses/stream";
import { ab, ad, as, testSealer as sealer } from "../support/translate-fixtures";

// What the official OpenAI SDK makes of a translated Responses stream: the SSE text, sent a push at a
// time as the body of the SDK's own request (client.responses.stream()), read by its SSE parser and
// response accumulator down to the final response.

type Json = Record<string, unknown>;
const TOOLS: Tool[] = [
  { name: "exec_command", parameters: { type: "object" }, kind: "function" },
  { name: "apply_patch", parameters: { type: "object" }, kind: "custom" },
  { name: "local_shell", parameters: { type: "object" }, kind: "local_shell" },
];
const REQUEST = { model: "gpt-5-codex", input: "Say hello", stream: true };

/** A Responses stream as the SDK reads it off the wire: the client's request is answered with the translated SSE text. */
function stream(decoder: StreamDecoder, upstream: Json[]) {
  const encoder = responsesStreamEncoder({ tools: TOOLS, sealer, request: REQUEST, created: 1764532800 });
  const pieces = upstream.map((e) => decoder.push(e).map((x) => encoder.push(x)).join(""));
  pieces.push(decoder.end().map((x) => encoder.push(x)).join("") + encoder.end());
  const bytes = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const p of pieces) if (p) controller.enqueue(bytes.encode(p));
      controller.close();
    },
  });
  const client = new OpenAI({
    apiKey: "tg-test",
    baseURL: "http://tollgate.test/v1",
    maxRetries: 0,
    fetch: async () => new Response(body, { headers: { "content-type": "text/event-stream" } }),
  });
  return client.responses.stream({ model: "gpt-5-codex", input: "Say hello" });
}

// OpenAI-style upstream chunks.
const base = { id: "chatcmpl-9", object: "chat.completion.chunk", created: 1764532800, model: "qwen3-32b" };
const oc = (delta: Json, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
const ou = (prompt: number, completion: number, cached = 0) => ({
  ...base,
  choices: [],
  usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: cached } },
});

// Anthropic upstream events.
const messageStart = {
  type: "message_start",
  message: { id: "msg_01", type: "message", role: "assistant", model: "claude-sonnet-4-5", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 20, cache_read_input_tokens: 1000, cache_creation_input_tokens: 0, output_tokens: 1 } },
};

describe("the OpenAI SDK reads a translated Responses stream", () => {
  it("an Anthropic upstream's thinking, text, a function call and an apply_patch call: the final response", async () => {
    const patch = "*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n";
    const s = stream(anthropicStreamDecoder(), [
      messageStart,
      ab(0, { type: "thinking", thinking: "", signature: "" }),
      ad(0, { type: "thinking_delta", thinking: "Two steps." }),
      ad(0, { type: "signature_delta", signature: "sig" }),
      as(0),
      ab(1, { type: "text", text: "" }),
      ad(1, { type: "text_delta", text: "Looking " }),
      ad(1, { type: "text_delta", text: "first." }),
      as(1),
      ab(2, { type: "tool_use", id: "toolu_e", name: "exec_command", input: {} }),
      ad(2, { type: "input_json_delta", partial_json: '{"cmd":' }),
      ad(2, { type: "input_json_delta", partial_json: '"ls"}' }),
      as(2),
      ab(3, { type: "tool_use", id: "toolu_p", name: "apply_patch", input: {} }),
      ad(3, { type: "input_json_delta", partial_json: JSON.stringify({ input: patch }) }),
      as(3),
      { type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 88 } },
      { type: "message_stop" },
    ]);
    const texts: string[] = [];
    const args: string[] = [];
    const types: string[] = [];
    s.on("response.output_text.delta", (e) => texts.push(e.delta));
    s.on("response.function_call_arguments.delta", (e) => args.push(e.snapshot));
    s.on("event", (e) => types.push(e.type));
    const response = await s.finalResponse();
    expect(texts).toEqual(["Looking ", "first."]);
    expect(args).toEqual(['{"cmd":', '{"cmd":"ls"}']);
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    expect(response).toMatchObject({ id: "resp_01", status: "completed", model: "claude-sonnet-4-5", output_text: "Looking first." });
    expect(response.usage).toEqual({ input_tokens: 1020, input_tokens_details: { cached_tokens: 1000, cache_write_tokens: 0 }, output_tokens: 88, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 1108 });
    expect(response.output.map((o) => o.type)).toEqual(["reasoning", "message", "function_call", "custom_tool_call"]);
    const [reasoning, , call, custom] = response.output;
    expect(reasoning).toMatchObject({ summary: [{ type: "summary_text", text: "Two steps." }] });
    expect(reasoning.type === "reasoning" && sealer.open(reasoning.encrypted_content ?? "")).toEqual({ text: "Two steps.", signature: "sig" });
    expect(call).toMatchObject({ type: "function_call", call_id: "toolu_e", name: "exec_command", arguments: '{"cmd":"ls"}', status: "completed" });
    expect(custom).toMatchObject({ type: "custom_tool_call", call_id: "toolu_p", name: "apply_patch", input: patch });
  });

  it("iterating the events of an OpenAI upstream's answer, a local_shell call and a late argument among them", async () => {
    const s = stream(openAIStreamDecoder(), [
      oc({ role: "assistant", content: "" }),
      oc({ tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "exec_command", arguments: '{"cmd":' } }] }),
      oc({ tool_calls: [{ index: 1, id: "call_s", type: "function", function: { name: "local_shell", arguments: '{"command":["pwd"]}' } }] }),
      oc({ tool_calls: [{ index: 0, function: { arguments: '"ls"}' } }] }),
      oc({}, "tool_calls"),
      ou(1200, 45, 1024),
    ]);
    const seen: number[] = [];
    for await (const event of s) seen.push(event.sequence_number);
    expect(seen).toEqual(seen.map((_, i) => i));
    const response = await s.finalResponse();
    expect(response.status).toBe("completed");
    expect(response.output).toMatchObject([
      { id: "fc_9_0", type: "function_call", status: "completed", arguments: '{"cmd":"ls"}', call_id: "call_a", name: "exec_command" },
      { id: "lsc_9_1", type: "local_shell_call", status: "completed", call_id: "call_s", action: { type: "exec", command: ["pwd"], env: {} } },
    ]);
    expect(response.output[1]).toEqual({ id: "lsc_9_1", type: "local_shell_call", status: "completed", call_id: "call_s", action: { type: "exec", command: ["pwd"], env: {} } });
    expect(response.usage).toMatchObject({ input_tokens: 1200, input_tokens_details: { cached_tokens: 1024 }, output_tokens: 45, total_tokens: 1245 });
  });

  it("max_tokens: the final response is incomplete, its text so far kept", async () => {
    const s = stream(openAIStreamDecoder(), [oc({ role: "assistant", content: "" }), oc({ content: "Hel" }), oc({}, "length"), ou(10, 1)]);
    const response = await s.finalResponse();
    expect(response).toMatchObject({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" }, output_text: "Hel" });
  });

  it("an upstream error mid-stream: the final response reports the failure, its code and message", async () => {
    const s = stream(openAIStreamDecoder(), [oc({ role: "assistant", content: "" }), oc({ content: "Hel" }), { error: { message: "Too many requests", type: "rate_limit_error" } }]);
    const types: string[] = [];
    s.on("event", (e) => types.push(e.type));
    const response = await s.finalResponse();
    expect(types.at(-1)).toBe("response.failed");
    expect(response).toMatchObject({ status: "failed", error: { code: "rate_limit_exceeded", message: "Too many requests" } });
  });

  it("a stream that ends early: the final response is failed with server_error", async () => {
    const s = stream(anthropicStreamDecoder(), [messageStart, ab(0, { type: "text", text: "" }), ad(0, { type: "text_delta", text: "Hel" })]);
    const response = await s.finalResponse();
    expect(response).toMatchObject({ status: "failed", error: { code: "server_error", message: "The upstream stream ended before the answer was complete." } });
  });
});
