import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { decodeAnthropicResponse } from "@/lib/translate/anthropic/response";
import { encodeAnthropicRequest } from "@/lib/translate/anthropic/request";
import type { ChatResponse, Tool } from "@/lib/translate/ir";
import { decodeOpenAIResponse } from "@/lib/translate/openai/response";
import { decodeResponsesRequest } from "@/lib/translate/responses/request";
import { encodeResponsesResponse, type ResponsesContext, responsesUsage } from "@/lib/translate/responses/response";
import { anthropicMessage, completion, testSealer as sealer } from "../support/translate-fixtures";

// Whole (non-streamed) upstream answers, decoded by the Chat Completions and Messages decoders, as a
// Responses API `response` object: field by field, written as the official SDK's type (openai 6), and
// read by that SDK itself.

type Json = Record<string, unknown>;
const NOW = new Date("2026-11-30T12:00:00Z");
const CREATED = Math.floor(NOW.getTime() / 1000);
// Date only: the SDK's own timers (request timeout) stay real.
beforeEach(() => vi.useFakeTimers({ now: NOW, toFake: ["Date"] }));
afterEach(() => vi.useRealTimers());

/** The context of a call: the client's body, and its tools as the request decoder read them. */
const ctxOf = (request: Json): ResponsesContext => ({ tools: decodeResponsesRequest(request, { sealer }).request.tools ?? [], sealer, request });
const plain = ctxOf({ model: "m", input: "x" });


const execCommand = { type: "function", name: "exec_command", description: "Runs a command.", strict: false, parameters: { type: "object", properties: { cmd: { type: "string" } }, required: ["cmd"] } };
const applyPatch = { type: "custom", name: "apply_patch", description: "Edit files.", format: { type: "grammar", syntax: "lark", definition: "start: patch" } };

describe("an upstream answer as a Responses `response`", () => {
  it("Chat Completions: reasoning, text and a function call, with the usage, every field as the SDK types it", () => {
    const request = { model: "qwen3-coder", input: "List the files", tools: [execCommand], tool_choice: "auto", parallel_tool_calls: true, store: false, stream: false };
    const out = encodeResponsesResponse(
      decodeOpenAIResponse(
        completion(
          { content: "Listing them.", reasoning_content: "The user wants ls.", tool_calls: [{ id: "call_1", type: "function", function: { name: "exec_command", arguments: '{"cmd":"ls"}' } }] },
          "tool_calls",
          { prompt_tokens: 1200, completion_tokens: 40, total_tokens: 1240, prompt_tokens_details: { cached_tokens: 1000 } },
        ),
      ),
      ctxOf(request),
    );
    const expected: Omit<OpenAI.Responses.Response, "output_text"> = {
      id: "resp_abc",
      object: "response",
      created_at: CREATED,
      status: "completed",
      error: null,
      incomplete_details: null,
      instructions: null,
      max_output_tokens: null,
      metadata: {},
      model: "qwen3-coder",
      output: [
        { type: "reasoning", id: "rs_abc_0", summary: [{ type: "summary_text", text: "The user wants ls." }], encrypted_content: 'sealed:{"text":"The user wants ls."}' },
        { type: "message", id: "msg_abc_1", role: "assistant", status: "completed", content: [{ type: "output_text", text: "Listing them.", annotations: [], logprobs: [] }] },
        { type: "function_call", id: "fc_abc_2", call_id: "call_1", name: "exec_command", arguments: '{"cmd":"ls"}', status: "completed" },
      ],
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      temperature: null,
      text: { format: { type: "text" } },
      tool_choice: "auto",
      tools: [execCommand as OpenAI.Responses.FunctionTool],
      top_p: null,
      truncation: "disabled",
      usage: { input_tokens: 1200, input_tokens_details: { cached_tokens: 1000, cache_write_tokens: 0 }, output_tokens: 40, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 1240 },
    };
    // `store` and `user: null` are in OpenAI's answers, not in the SDK's type.
    expect(out).toEqual({ ...expected, store: false, user: null });
  });

  it("echoes the client's instructions, cap, sampling, tool choice, parallel flag and user", () => {
    const request = { model: "m", instructions: "Be brief.", input: "x", max_output_tokens: 300, temperature: 0.5, top_p: 0.9, tool_choice: "required", parallel_tool_calls: false, user: "u1", tools: [execCommand] };
    const out = encodeResponsesResponse(decodeOpenAIResponse(completion({ content: "Hi" }, "stop")), ctxOf(request));
    expect(out).toMatchObject({ instructions: "Be brief.", max_output_tokens: 300, temperature: 0.5, top_p: 0.9, tool_choice: "required", parallel_tool_calls: false, user: "u1", tools: [execCommand] });
    // No usage reported: none invented.
    expect(out).not.toHaveProperty("usage");
  });

  it("joins consecutive text into one message; text after a tool call is another message, every item id its own", () => {
    const res: ChatResponse = {
      id: "msg_01",
      model: "m",
      content: [
        { type: "text", text: "One, " },
        { type: "text", text: "two." },
        { type: "tool_call", id: "c1", name: "f", arguments: "{}" },
        { type: "tool_call", id: "c2", name: "f", arguments: "{}" },
        { type: "text", text: "Three." },
      ],
      stopReason: "end_turn",
    };
    const out = encodeResponsesResponse(res, plain);
    expect(out.id).toBe("resp_01");
    expect(out.output).toEqual([
      { type: "message", id: "msg_01_0", role: "assistant", status: "completed", content: [{ type: "output_text", text: "One, two.", annotations: [], logprobs: [] }] },
      { type: "function_call", id: "fc_01_1", call_id: "c1", name: "f", arguments: "{}", status: "completed" },
      { type: "function_call", id: "fc_01_2", call_id: "c2", name: "f", arguments: "{}", status: "completed" },
      { type: "message", id: "msg_01_3", role: "assistant", status: "completed", content: [{ type: "output_text", text: "Three.", annotations: [], logprobs: [] }] },
    ]);
  });

  it("is incomplete when the cap or a content filter stopped the answer", () => {
    const capped = encodeResponsesResponse(decodeOpenAIResponse(completion({ content: "Once upon" }, "length")), plain);
    expect(capped).toMatchObject({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" } });
    expect((capped.output as Json[])[0]).toMatchObject({ type: "message", status: "incomplete" });
    const filtered = encodeResponsesResponse(decodeAnthropicResponse(anthropicMessage([{ type: "text", text: "I can't." }], "refusal")), plain);
    expect(filtered).toMatchObject({ status: "incomplete", incomplete_details: { reason: "content_filter" } });
    for (const stop of ["end_turn", "stop_sequence", "pause_turn"]) {
      expect(encodeResponsesResponse(decodeAnthropicResponse(anthropicMessage([{ type: "text", text: "x" }], stop)), plain)).toMatchObject({ status: "completed", incomplete_details: null });
    }
  });

  it("counts every input token as input, the cached ones in input_tokens_details", () => {
    expect(responsesUsage({ input: 1500, output: 20, cacheRead: 1000, cacheWrite: 300 })).toEqual({
      input_tokens: 1500,
      input_tokens_details: { cached_tokens: 1000, cache_write_tokens: 300 },
      output_tokens: 20,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 1520,
    });
    const out = encodeResponsesResponse(decodeAnthropicResponse(anthropicMessage([{ type: "text", text: "x" }], "end_turn", { input_tokens: 200, cache_read_input_tokens: 1000, cache_creation_input_tokens: 300, output_tokens: 20 })), plain);
    expect(out.usage).toEqual(responsesUsage({ input: 1500, output: 20, cacheRead: 1000, cacheWrite: 300 }));
  });
});

describe("custom and local_shell calls go back as the client's kind of tool", () => {
  const request = { model: "m", input: "x", tools: [execCommand, applyPatch, { type: "local_shell" }] };
  const ctx = ctxOf(request);
  const patch = "*** Begin Patch\n*** Add File: a\n+x\n*** End Patch";

  it("a custom tool's call: its input as text (custom_tool_call)", () => {
    const out = encodeResponsesResponse(decodeAnthropicResponse(anthropicMessage([{ type: "tool_use", id: "toolu_1", name: "apply_patch", input: { input: patch } }], "tool_use")), ctx);
    expect(out.output).toEqual([{ type: "custom_tool_call", id: "ctc_01XYZ_0", call_id: "toolu_1", name: "apply_patch", input: patch }]);
  });

  it("a custom tool's call whose arguments are not {input: string}: the raw arguments as its input", () => {
    const out = encodeResponsesResponse(decodeOpenAIResponse(completion({ tool_calls: [{ id: "c", type: "function", function: { name: "apply_patch", arguments: "*** Begin Patch" } }] }, "tool_calls")), ctx);
    expect(out.output).toEqual([{ type: "custom_tool_call", id: "ctc_abc_0", call_id: "c", name: "apply_patch", input: "*** Begin Patch" }]);
  });

  it("a local_shell call: its arguments as the exec action (local_shell_call)", () => {
    const out = encodeResponsesResponse(
      decodeOpenAIResponse(completion({ tool_calls: [{ id: "c", type: "function", function: { name: "local_shell", arguments: '{"command":["ls","-a"],"working_directory":"/w","timeout_ms":5000}' } }] }, "tool_calls")),
      ctx,
    );
    expect(out.output).toEqual([
      { type: "local_shell_call", id: "lsc_abc_0", call_id: "c", status: "completed", action: { type: "exec", env: {}, command: ["ls", "-a"], working_directory: "/w", timeout_ms: 5000 } },
    ]);
  });

  it("a local_shell call without a command: a function call, for the client to report the mistake", () => {
    const out = encodeResponsesResponse(decodeOpenAIResponse(completion({ tool_calls: [{ id: "c", type: "function", function: { name: "local_shell", arguments: '{"cmd":"ls"}' } }] }, "tool_calls")), ctx);
    expect(out.output).toEqual([{ type: "function_call", id: "fc_abc_0", call_id: "c", name: "local_shell", arguments: '{"cmd":"ls"}', status: "completed" }]);
  });

  it("a call to a tool the client did not declare: a function call", () => {
    const out = encodeResponsesResponse(decodeOpenAIResponse(completion({ tool_calls: [{ id: "c", type: "function", function: { name: "nope", arguments: "{}" } }] }, "tool_calls")), plain);
    expect((out.output as Json[])[0]).toMatchObject({ type: "function_call", name: "nope" });
  });

  it("round trip: the answer's custom and local_shell calls, sent back as input, reach the upstream as the same tool calls", () => {
    const answer = encodeResponsesResponse(
      decodeAnthropicResponse(
        anthropicMessage(
          [
            { type: "tool_use", id: "toolu_1", name: "apply_patch", input: { input: patch } },
            { type: "tool_use", id: "toolu_2", name: "local_shell", input: { command: ["ls"] } },
          ],
          "tool_use",
        ),
      ),
      ctx,
    );
    const next = decodeResponsesRequest(
      {
        ...request,
        input: [
          { type: "message", role: "user", content: "x" },
          ...(answer.output as Json[]),
          { type: "custom_tool_call_output", call_id: "toolu_1", output: "Done" },
          { type: "local_shell_call_output", call_id: "toolu_2", output: "a" },
        ],
      },
      { sealer },
    );
    const body = encodeAnthropicRequest(next.request, { model: "claude-sonnet-4-5", defaultMaxTokens: 4096 }).body;
    expect((body.messages as Json[]).slice(1)).toEqual([
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "toolu_1", name: "apply_patch", input: { input: patch } },
          { type: "tool_use", id: "toolu_2", name: "local_shell", input: { env: {}, command: ["ls"] } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_1", content: "Done" },
          { type: "tool_result", tool_use_id: "toolu_2", content: "a" },
        ],
      },
    ]);
  });
});

describe("Anthropic thinking through a Responses client", () => {
  it("goes out sealed in encrypted_content and comes back as the signed thinking block", () => {
    const request = { model: "claude-sonnet-4-5", input: "Read a", tools: [execCommand], include: ["reasoning.encrypted_content"], store: false };
    const answer = encodeResponsesResponse(
      decodeAnthropicResponse(
        anthropicMessage(
          [
            { type: "thinking", thinking: "Read it first.", signature: "sig-1" },
            { type: "redacted_thinking", data: "opaque" },
            { type: "tool_use", id: "toolu_1", name: "exec_command", input: { cmd: "cat a" } },
          ],
          "tool_use",
        ),
      ),
      ctxOf(request),
    );
    expect(answer.output).toEqual([
      { type: "reasoning", id: "rs_01XYZ_0", summary: [{ type: "summary_text", text: "Read it first." }], encrypted_content: 'sealed:{"text":"Read it first.","signature":"sig-1"}' },
      { type: "reasoning", id: "rs_01XYZ_1", summary: [], encrypted_content: 'sealed:{"text":"","redacted":"opaque"}' },
      { type: "function_call", id: "fc_01XYZ_2", call_id: "toolu_1", name: "exec_command", arguments: '{"cmd":"cat a"}', status: "completed" },
    ]);
    // Codex sends the items back as they came, with the tool's output.
    const next = decodeResponsesRequest({ ...request, input: ["Read a", ...(answer.output as Json[]), { type: "function_call_output", call_id: "toolu_1", output: "A" }].map((i) => (typeof i === "string" ? { role: "user", content: i } : i)) }, { sealer });
    const { body, dropped } = encodeAnthropicRequest(next.request, { model: "claude-sonnet-4-5", defaultMaxTokens: 4096 });
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Read a" }] },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "Read it first.", signature: "sig-1" },
          { type: "redacted_thinking", data: "opaque" },
          { type: "tool_use", id: "toolu_1", name: "exec_command", input: { cmd: "cat a" } },
        ],
      },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "A" }] },
    ]);
    expect(dropped).toEqual([]);
  });
});

describe("the OpenAI SDK reads the response", () => {
  /** An SDK client whose every call is answered with `json`, as Tollgate would send it. */
  const clientAnswering = (json: Json) =>
    new OpenAI({ apiKey: "tg-sk-test", baseURL: "http://tollgate.test/v1", fetch: async () => new Response(JSON.stringify(json), { status: 200, headers: { "content-type": "application/json" } }) });

  it("client.responses.create: output_text, the function call, the custom and local_shell calls, the usage", async () => {
    const request = { model: "m", input: "x", tools: [execCommand, applyPatch, { type: "local_shell" }] };
    const json = encodeResponsesResponse(
      {
        id: "chatcmpl-9",
        model: "qwen3-coder",
        content: [
          { type: "reasoning", text: "Plan." },
          { type: "text", text: "Doing three things." },
          { type: "tool_call", id: "c1", name: "exec_command", arguments: '{"cmd":"ls"}' },
          { type: "tool_call", id: "c2", name: "apply_patch", arguments: '{"input":"*** Begin Patch"}' },
          { type: "tool_call", id: "c3", name: "local_shell", arguments: '{"command":["pwd"]}' },
        ],
        stopReason: "tool_calls",
        usage: { input: 100, output: 10, cacheRead: 0, cacheWrite: 0 },
      },
      ctxOf(request),
    );
    const response = await clientAnswering(json).responses.create(request as OpenAI.Responses.ResponseCreateParamsNonStreaming);
    expect(response.output_text).toBe("Doing three things.");
    expect(response.id).toBe("resp_9");
    expect(response.status).toBe("completed");
    const calls = response.output.filter((o): o is OpenAI.Responses.ResponseFunctionToolCall => o.type === "function_call");
    expect(calls.map((c) => [c.call_id, c.name, JSON.parse(c.arguments)])).toEqual([["c1", "exec_command", { cmd: "ls" }]]);
    const custom = response.output.find((o): o is OpenAI.Responses.ResponseCustomToolCall => o.type === "custom_tool_call");
    expect(custom?.input).toBe("*** Begin Patch");
    const shell = response.output.find((o): o is OpenAI.Responses.ResponseOutputItem.LocalShellCall => o.type === "local_shell_call");
    expect(shell?.action.command).toEqual(["pwd"]);
    const reasoning = response.output.find((o): o is OpenAI.Responses.ResponseReasoningItem => o.type === "reasoning");
    expect(reasoning?.encrypted_content).toBe('sealed:{"text":"Plan."}');
    expect(response.usage?.total_tokens).toBe(110);
  });
});

// The tools the context carries are the request decoder's: custom and local_shell kinds included.
it("the context's tools are the decoded request's, with their kinds", () => {
  const kinds = (ctxOf({ model: "m", tools: [execCommand, applyPatch, { type: "local_shell" }] }).tools as Tool[]).map((t) => [t.name, t.kind ?? "function"]);
  expect(kinds).toEqual([
    ["exec_command", "function"],
    ["apply_patch", "custom"],
    ["local_shell", "local_shell"],
  ]);
});
