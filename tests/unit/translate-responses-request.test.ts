import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { UntranslatableField } from "@/lib/translate";
import { encodeAnthropicRequest } from "@/lib/translate/anthropic/request";
import { encodeOpenAIRequest } from "@/lib/translate/openai/request";
import { decodeResponsesRequest } from "@/lib/translate/responses/request";
import { testSealer as sealer } from "../support/translate-fixtures";

// OpenAI Responses API requests (the Codex CLI's) decoded into the IR and sent on by the Chat
// Completions and Messages encoders, field by field. Every client field is translated, dropped as
// advisory (its path listed) or refused.

type Json = Record<string, unknown>;
/** Seals reasoning as readable text: what the gateway's sealer does, minus the cipher. */
const decode = (body: Json) => decodeResponsesRequest(body, { sealer });
/** A Responses body for a Chat Completions upstream: the upstream body, and all that was dropped. */
const toOpenAI = (body: Json) => {
  const d = decode(body);
  const e = encodeOpenAIRequest(d.request, { model: "upstream-model", capField: "max_tokens" });
  return { body: e.body, dropped: [...d.dropped, ...e.dropped] };
};
/** A Responses body for an Anthropic upstream. */
const toAnthropic = (body: Json) => {
  const d = decode(body);
  const e = encodeAnthropicRequest(d.request, { model: "claude-sonnet-4-5", defaultMaxTokens: 4096 });
  return { body: e.body, dropped: [...d.dropped, ...e.dropped] };
};

/** The field a refused call names (and fails the test when the call is not refused). */
function refused(call: () => unknown): string {
  try {
    call();
  } catch (e) {
    expect(e).toBeInstanceOf(UntranslatableField);
    expect((e as UntranslatableField).message).toMatch(/cannot be translated|is not known/);
    return (e as UntranslatableField).field;
  }
  throw new Error("the call was not refused");
}

const text = (t: string) => ({ type: "input_text", text: t });
const msg = (role: string, content: unknown) => ({ type: "message", role, content });
const png = "iVBORw0KGgo=";
const firstTurn = JSON.parse(readFileSync("tests/fixtures/codex-0.169.0-request-first-turn.json", "utf8"));
const toolTurn = JSON.parse(readFileSync("tests/fixtures/codex-0.169.0-request-tool-turn.json", "utf8"));
/** The texts of the two developer messages (the second has two parts: skills, permissions). */
const developerTexts = (body: { input: { content: { text: string }[] }[] }): string[] => body.input.slice(0, 2).flatMap((m) => m.content.map((c) => c.text));
const codexDropped = ["store", "include", "prompt_cache_key", "client_metadata", "reasoning", ...firstTurn.tools.map((_: unknown, i: number) => `tools[${i}].strict`)];

describe("a real Codex 0.169.0 first turn", () => {
  const { body, dropped } = toOpenAI(firstTurn);
  const messages = body.messages as { role: string; content: unknown }[];

  it("sends its developer messages as the system message and its two user messages as they were", () => {
    expect(messages.map((m) => m.role)).toEqual(["system", "user", "user"]);
    expect(developerTexts(firstTurn)).toHaveLength(3);
    expect(messages[0].content).toBe(developerTexts(firstTurn).join("\n\n"));
    expect(messages[1].content).toBe(firstTurn.input[2].content[0].text);
    expect(messages[2].content).toBe("Say hello");
  });

  it("sends its seven tools as functions, the tool choice and stream", () => {
    expect(body.tools).toEqual(firstTurn.tools.map((t: Json) => ({ type: "function", function: { name: t.name, description: t.description, parameters: t.parameters } })));
    expect(body).toMatchObject({ model: "upstream-model", tool_choice: "auto", stream: true });
    // parallel_tool_calls: true is the default of both upstream APIs: nothing to send.
    expect(Object.keys(body).sort()).toEqual(["messages", "model", "stream", "tool_choice", "tools"]);
  });

  it("lists what it dropped as advisory, and nothing else", () => {
    expect(dropped).toEqual(codexDropped);
  });

  it("to Anthropic: the developer messages as system blocks, the user messages as one turn", () => {
    const out = toAnthropic(firstTurn);
    expect(out.body.system).toEqual(developerTexts(firstTurn).map((t) => ({ type: "text", text: t })));
    expect(out.body.messages).toEqual([{ role: "user", content: [{ type: "text", text: firstTurn.input[2].content[0].text }, { type: "text", text: "Say hello" }] }]);
    expect(out.body.tools).toEqual(firstTurn.tools.map((t: Json) => ({ name: t.name, description: t.description, input_schema: t.parameters })));
    expect(out.body).toMatchObject({ model: "claude-sonnet-4-5", max_tokens: 4096, tool_choice: { type: "auto" }, stream: true });
    expect(out.dropped).toEqual(codexDropped);
  });
});

describe("a real Codex 0.169.0 turn after a tool call", () => {
  it("decodes the reasoning, the call and its output into one assistant turn and one user turn", () => {
    const { request } = decode(toolTurn);
    expect(request.messages.slice(2)).toEqual([
      {
        role: "assistant",
        content: [
          // Not Tollgate's sealed reasoning: carried, unread.
          { type: "reasoning", text: "I should run a command.", encrypted: "ENCRYPTED-BLOB-1" },
          { type: "tool_call", id: "call_1", name: "exec_command", arguments: '{"cmd":"echo hi"}' },
        ],
      },
      { role: "user", content: [{ type: "tool_result", toolCallId: "call_1", content: [{ type: "text", text: toolTurn.input[6].output }], isError: false, at: "input[6]" }] },
    ]);
  });

  it("to Chat Completions: the tool call and its tool message; the foreign reasoning dropped", () => {
    const { body, dropped } = toOpenAI(toolTurn);
    expect((body.messages as Json[]).slice(3)).toEqual([
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "exec_command", arguments: '{"cmd":"echo hi"}' } }] },
      { role: "tool", tool_call_id: "call_1", content: toolTurn.input[6].output },
    ]);
    expect(dropped).toEqual([...codexDropped, "messages[2].content[0]"]);
  });

  it("to Anthropic: tool_use and tool_result; the foreign reasoning dropped (Anthropic would refuse it unsigned)", () => {
    const { body, dropped } = toAnthropic(toolTurn);
    expect((body.messages as Json[]).slice(1)).toEqual([
      { role: "assistant", content: [{ type: "tool_use", id: "call_1", name: "exec_command", input: { cmd: "echo hi" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1", content: toolTurn.input[6].output }] },
    ]);
    expect(dropped).toEqual([...codexDropped, "messages[2].content[0]"]);
  });
});

describe("Responses input", () => {
  it("takes a string as one user message", () => {
    expect(toOpenAI({ model: "m", input: "Hi" })).toEqual({ body: { model: "upstream-model", messages: [{ role: "user", content: "Hi" }] }, dropped: [] });
  });

  it("puts instructions first, then the leading system and developer messages; later ones stay in place", () => {
    const { request } = decode({
      model: "m",
      instructions: "Be brief.",
      input: [msg("system", "Sys."), { role: "developer", content: [text("Dev.")] }, msg("user", "Hi"), msg("developer", [text("Now in French.")]), msg("user", "Encore")],
    });
    expect(request.system).toEqual([
      { type: "text", text: "Be brief." },
      { type: "text", text: "Sys." },
      { type: "text", text: "Dev." },
    ]);
    expect(request.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Hi" }] },
      { role: "system", content: [{ type: "text", text: "Now in French." }] },
      { role: "user", content: [{ type: "text", text: "Encore" }] },
    ]);
  });

  it("reads output_text and refusal parts of assistant messages as text, and folds assistant items into one turn", () => {
    const { body } = toOpenAI({
      model: "m",
      input: [
        msg("user", "Hi"),
        { type: "message", id: "msg_1", status: "completed", role: "assistant", content: [{ type: "output_text", text: "Let me look. ", annotations: [] }] },
        { type: "message", role: "assistant", content: [{ type: "refusal", refusal: "Not that one." }] },
        { type: "function_call", id: "fc_1", call_id: "c1", name: "ls", arguments: "" },
        { type: "function_call", call_id: "c2", name: "pwd", arguments: "{}" },
        { type: "function_call_output", call_id: "c1", output: "a b" },
        { type: "function_call_output", call_id: "c2", output: [text("/work")] },
        msg("user", "Thanks"),
      ],
    });
    expect(body.messages).toEqual([
      { role: "user", content: "Hi" },
      {
        role: "assistant",
        content: "Let me look. Not that one.",
        tool_calls: [
          { id: "c1", type: "function", function: { name: "ls", arguments: "{}" } },
          { id: "c2", type: "function", function: { name: "pwd", arguments: "{}" } },
        ],
      },
      { role: "tool", tool_call_id: "c1", content: "a b" },
      { role: "tool", tool_call_id: "c2", content: "/work" },
      { role: "user", content: "Thanks" },
    ]);
  });

  it("turns data-URL and web images into image parts (detail: advisory), in messages and tool outputs", () => {
    const out = toAnthropic({
      model: "m",
      input: [
        msg("user", [text("Look"), { type: "input_image", image_url: `data:image/png;base64,${png}`, detail: "auto" }, { type: "input_image", image_url: "https://x.test/a.png" }]),
        { type: "function_call", call_id: "v", name: "view_image", arguments: '{"path":"a.png"}' },
        { type: "function_call_output", call_id: "v", output: [{ type: "input_image", image_url: `data:image/png;base64,${png}` }] },
      ],
    });
    const image = { type: "image", source: { type: "base64", media_type: "image/png", data: png } };
    expect(out.body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Look" }, image, { type: "image", source: { type: "url", url: "https://x.test/a.png" } }] },
      { role: "assistant", content: [{ type: "tool_use", id: "v", name: "view_image", input: { path: "a.png" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "v", content: [image] }] },
    ]);
    expect(out.dropped).toEqual(["input[0].content[1].detail"]);
  });

  it("opens reasoning Tollgate sealed: an Anthropic thinking block goes back with its signature", () => {
    const thinking = sealer.seal({ text: "Check the file first.", signature: "sig-1" });
    const redacted = sealer.seal({ text: "", redacted: "opaque" });
    const { body, dropped } = toAnthropic({
      model: "m",
      input: [
        msg("user", "Read a"),
        { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "Check the file first." }], encrypted_content: thinking },
        { type: "reasoning", id: "rs_2", summary: [], content: null, encrypted_content: redacted },
        { type: "function_call", call_id: "r", name: "Read", arguments: '{"path":"a"}' },
        { type: "function_call_output", call_id: "r", output: "A" },
      ],
    });
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Read a" }] },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "Check the file first.", signature: "sig-1" },
          { type: "redacted_thinking", data: "opaque" },
          { type: "tool_use", id: "r", name: "Read", input: { path: "a" } },
        ],
      },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "r", content: "A" }] },
    ]);
    expect(dropped).toEqual([]);
  });

  it("keeps the summary of reasoning without encrypted content (context only: the encoders drop it)", () => {
    const { request, dropped } = decode({ model: "m", input: [{ type: "reasoning", summary: [{ type: "summary_text", text: "a" }, { type: "summary_text", text: "b" }] }] });
    expect(request.messages).toEqual([{ role: "assistant", content: [{ type: "reasoning", text: "a\n\nb" }] }]);
    expect(dropped).toEqual([]);
  });
});

describe("Codex's custom and local_shell tools", () => {
  const grammar = 'start: begin_patch hunk+ end_patch\nbegin_patch: "*** Begin Patch" LF';
  const applyPatch = { type: "custom", name: "apply_patch", description: "Use the `apply_patch` tool to edit files.", format: { type: "grammar", syntax: "lark", definition: grammar } };
  const shellParameters = {
    type: "object",
    properties: {
      command: { type: "array", items: { type: "string" }, description: "The command and its arguments." },
      working_directory: { type: "string", description: "The directory to run it in." },
      timeout_ms: { type: "integer", description: "How long it may run, in milliseconds." },
    },
    required: ["command"],
  };

  it("sends a custom tool as a function of one string, its grammar in the description; local_shell as a function of its action", () => {
    const { request } = decode({ model: "m", input: "x", tools: [applyPatch, { type: "custom", name: "note", format: { type: "text" } }, { type: "local_shell" }] });
    expect(request.tools).toEqual([
      {
        name: "apply_patch",
        description: "Use the `apply_patch` tool to edit files.",
        parameters: {
          type: "object",
          properties: { input: { type: "string", description: `The raw input of the tool. It must follow this lark grammar:\n${grammar}` } },
          required: ["input"],
          additionalProperties: false,
        },
        kind: "custom",
      },
      {
        name: "note",
        parameters: { type: "object", properties: { input: { type: "string", description: "The raw input of the tool." } }, required: ["input"], additionalProperties: false },
        kind: "custom",
      },
      { name: "local_shell", description: "Runs a command on the user's machine and returns its output.", parameters: shellParameters, kind: "local_shell" },
    ]);
    const { body } = toOpenAI({ model: "m", input: "x", tools: [applyPatch, { type: "local_shell" }], tool_choice: { type: "custom", name: "apply_patch" } });
    expect((body.tools as Json[]).map((t) => (t.function as Json).name)).toEqual(["apply_patch", "local_shell"]);
    expect(body.tool_choice).toEqual({ type: "function", function: { name: "apply_patch" } });
  });

  it("sends their calls and outputs in the history as tool calls and results", () => {
    const patch = "*** Begin Patch\n*** Add File: a\n+x\n*** End Patch";
    const input = [
      msg("user", "Go"),
      { type: "custom_tool_call", id: "ctc_1", status: "completed", call_id: "p1", name: "apply_patch", input: patch },
      { type: "custom_tool_call_output", call_id: "p1", output: "Done" },
      { type: "local_shell_call", id: "lsc_1", status: "completed", call_id: "s1", action: { type: "exec", command: ["ls", "-a"], working_directory: "/w", timeout_ms: 1000, env: {} } },
      { type: "local_shell_call_output", call_id: "s1", output: "." },
    ];
    const { request } = decode({ model: "m", input });
    expect(request.messages.slice(1)).toEqual([
      { role: "assistant", content: [{ type: "tool_call", id: "p1", name: "apply_patch", arguments: JSON.stringify({ input: patch }), kind: "custom" }] },
      { role: "user", content: [{ type: "tool_result", toolCallId: "p1", content: [{ type: "text", text: "Done" }], isError: false, at: "input[2]" }] },
      { role: "assistant", content: [{ type: "tool_call", id: "s1", name: "local_shell", arguments: '{"command":["ls","-a"],"working_directory":"/w","timeout_ms":1000,"env":{}}', kind: "local_shell" }] },
      { role: "user", content: [{ type: "tool_result", toolCallId: "s1", content: [{ type: "text", text: "." }], isError: false, at: "input[4]" }] },
    ]);
    const { body } = toAnthropic({ model: "m", input });
    expect((body.messages as Json[])[1]).toEqual({ role: "assistant", content: [{ type: "tool_use", id: "p1", name: "apply_patch", input: { input: patch } }] });
    expect((body.messages as Json[])[3]).toEqual({
      role: "assistant",
      content: [{ type: "tool_use", id: "s1", name: "local_shell", input: { command: ["ls", "-a"], working_directory: "/w", timeout_ms: 1000, env: {} } }],
    });
  });
});

describe("Responses request fields", () => {
  it("translates the sampling, cap, user, tool choice and parallel flag", () => {
    const tools = [{ type: "function", name: "f", parameters: { type: "object", properties: {} } }];
    const { body, dropped } = toOpenAI({ model: "m", input: "x", tools, tool_choice: "required", parallel_tool_calls: false, max_output_tokens: 500, temperature: 0.2, top_p: 0.9, user: "u1", stream: false });
    expect(body).toEqual({
      model: "upstream-model",
      messages: [{ role: "user", content: "x" }],
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object", properties: {} } } }],
      tool_choice: "required",
      parallel_tool_calls: false,
      max_tokens: 500,
      temperature: 0.2,
      top_p: 0.9,
      user: "u1",
    });
    expect(dropped).toEqual([]);
    expect(decode({ model: "m", tool_choice: "none" }).request.toolChoice).toEqual({ type: "none" });
    expect(decode({ model: "m", tool_choice: { type: "function", name: "f" } }).request.toolChoice).toEqual({ type: "tool", name: "f" });
  });

  it("takes safety_identifier as the user, and drops it when user is set too", () => {
    expect(decode({ model: "m", safety_identifier: "s" })).toMatchObject({ request: { user: "s" }, dropped: [] });
    expect(decode({ model: "m", user: "u", safety_identifier: "s" })).toMatchObject({ request: { user: "u" }, dropped: ["safety_identifier"] });
  });

  it("drops every advisory field, listing its path", () => {
    const { request, dropped } = decode({
      model: "m",
      input: "x",
      metadata: { a: "1" },
      store: true,
      include: ["reasoning.encrypted_content"],
      prompt_cache_key: "k",
      prompt_cache_retention: "24h",
      client_metadata: { turn_id: "t" },
      service_tier: "flex",
      reasoning: { effort: "high", summary: "auto" },
      stream_options: { include_obfuscation: false },
      truncation: "auto",
      text: { format: { type: "text" }, verbosity: "low" },
      top_logprobs: 0,
      background: false,
      tools: [{ type: "function", name: "f", strict: true, defer_loading: false }],
    });
    expect(dropped).toEqual([
      "metadata",
      "store",
      "include",
      "prompt_cache_key",
      "prompt_cache_retention",
      "client_metadata",
      "service_tier",
      "reasoning",
      "stream_options",
      "truncation",
      "text.format",
      "text.verbosity",
      "top_logprobs",
      "background",
      "tools[0].strict",
      "tools[0].defer_loading",
    ]);
    expect(request).toEqual({
      model: "m",
      system: [],
      messages: [{ role: "user", content: [{ type: "text", text: "x" }] }],
      tools: [{ name: "f", parameters: { type: "object", properties: {} } }],
      stream: false,
    });
    // store: false, truncation: "disabled", null values: nothing to drop but store itself.
    expect(decode({ model: "m", store: false, truncation: "disabled", instructions: null, previous_response_id: null }).dropped).toEqual(["store"]);
  });

  it("refuses what changes the answer, naming the field", () => {
    const cases: [Json, string][] = [
      [{ previous_response_id: "resp_1" }, "previous_response_id"],
      [{ conversation: "conv_1" }, "conversation"],
      [{ prompt: { id: "pmpt_1" } }, "prompt"],
      [{ max_tool_calls: 3 }, "max_tool_calls"],
      [{ context_management: [{ type: "compaction" }] }, "context_management"],
      [{ background: true }, "background"],
      [{ top_logprobs: 2 }, "top_logprobs"],
      [{ truncation: "sometimes" }, "truncation"],
      [{ text: { format: { type: "json_schema", name: "x", schema: {} } } }, "text.format"],
      [{ text: { format: { type: "json_object" } } }, "text.format"],
      [{ modalities: ["text"] }, "modalities"],
      [{ tools: [{ type: "function", name: "f" }, { type: "web_search" }] }, "tools[1]"],
      [{ tools: [{ type: "web_search_preview" }] }, "tools[0]"],
      [{ tools: [{ type: "file_search", vector_store_ids: [] }] }, "tools[0]"],
      [{ tools: [{ type: "code_interpreter", container: { type: "auto" } }] }, "tools[0]"],
      [{ tools: [{ type: "computer_use_preview" }] }, "tools[0]"],
      [{ tools: [{ type: "image_generation" }] }, "tools[0]"],
      [{ tools: [{ type: "mcp", server_label: "x" }] }, "tools[0]"],
      [{ tools: [{ type: "namespace", name: "ns", tools: [] }] }, "tools[0]"],
      [{ tools: [{ type: "custom", name: "c", format: { type: "regexp" } }] }, "tools[0].format"],
      [{ tool_choice: { type: "allowed_tools", mode: "auto", tools: [] } }, "tool_choice"],
      [{ tool_choice: { type: "web_search_preview" } }, "tool_choice"],
      [{ input: [{ type: "item_reference", id: "msg_1" }] }, "input[0]"],
      [{ input: [msg("user", "x"), { type: "web_search_call", id: "ws_1" }] }, "input[1]"],
      [{ input: [msg("user", [{ type: "input_file", file_id: "file_1" }])] }, "input[0].content[0]"],
      [{ input: [msg("user", [{ type: "input_image", file_id: "file_1", detail: "auto" }])] }, "input[0].content[0].file_id"],
      [{ input: [msg("assistant", [{ type: "input_image", image_url: "https://x.test/a.png" }])] }, "input[0].content[0]"],
      [{ input: [msg("tool", "x")] }, "input[0].role"],
      [{ input: [{ type: "function_call", call_id: "c", name: "f", arguments: "{not json" }] }, "input[0].arguments"],
      [{ input: [{ type: "function_call_output", call_id: "c", output: [{ type: "input_file", file_id: "f" }] }] }, "input[0].output[0]"],
      [{ input: [{ type: "local_shell_call", call_id: "c", action: { type: "kill" } }] }, "input[0].action.type"],
      [{ input: 3 }, "input"],
    ];
    for (const [fields, field] of cases) expect(refused(() => decode({ model: "m", ...fields }))).toBe(field);
    expect(() => decode({ model: "m", previous_response_id: "resp_1" })).toThrow("Tollgate keeps no stored responses: send the whole conversation (Codex does)");
    expect(() => decode({ model: "m", tools: [{ type: "web_search" }] })).toThrow('Codex: set web_search = "disabled"');
  });
});
