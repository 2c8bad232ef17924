import { describe, expect, it } from "vitest";
import { anthropicStreamDecoder } from "@/lib/translate/anthropic/stream";
import type { StreamDecoder, StreamEvent, Tool } from "@/lib/translate/ir";
import { openAIStreamDecoder } from "@/lib/translate/openai/stream";
import { responsesStreamEncoder } from "@/lib/translate/responses/stream";
import { ab, ad, as, testSealer as sealer } from "../support/translate-fixtures";

// A Responses API client (Codex) calling a Chat Completions or Messages upstream: stream events in
// (by hand, and from real-shaped upstream chunks through the upstream's decoder), the exact Responses
// SSE events out, each as soon as the event that causes it is pushed.

type Json = Record<string, unknown>;
const CREATED = 1764532800;
const TOOLS: Tool[] = [
  { name: "exec_command", parameters: { type: "object" }, kind: "function" },
  { name: "get_goal", parameters: { type: "object" } },
  { name: "apply_patch", parameters: { type: "object" }, kind: "custom" },
  { name: "local_shell", parameters: { type: "object" }, kind: "local_shell" },
];
const REQUEST = { model: "gpt-5-codex", stream: true, input: "Say hello", tool_choice: "auto", parallel_tool_calls: true, reasoning: { summary: "auto" }, store: false };

const encoder = () => responsesStreamEncoder({ tools: TOOLS, sealer, request: REQUEST, created: CREATED });

/** Responses SSE text → its events; checks each is `event: <type>` then one `data:` line with that type. */
function events(text: string): Json[] {
  if (text === "") return [];
  expect(text.endsWith("\n\n")).toBe(true);
  return text
    .slice(0, -2)
    .split("\n\n")
    .map((block) => {
      const lines = block.split("\n");
      expect(lines).toHaveLength(2);
      expect(lines[0].startsWith("event: ")).toBe(true);
      expect(lines[1].startsWith("data: ")).toBe(true);
      const data = JSON.parse(lines[1].slice(6)) as Json;
      expect(data.type).toBe(lines[0].slice(7));
      return data;
    });
}

/** Pushes each event, then end(): each push's SSE text, end()'s, and all the events with their sequence numbers checked. */
function run(input: StreamEvent[], enc = encoder()) {
  const outs = input.map((e) => enc.push(e));
  const end = enc.end();
  const all = events(outs.join("") + end);
  expect(all.map((e) => e.sequence_number)).toEqual(all.map((_, i) => i));
  return { outs, end, all, bare: all.map(({ sequence_number: _, ...rest }) => rest) };
}

function decode(decoder: StreamDecoder, upstream: Json[]): StreamEvent[] {
  return [...upstream.flatMap((e) => decoder.push(e)), ...decoder.end()];
}

// The expected events, without their sequence numbers.
const resp = (id: string, status: string, output: Json[] = [], more: Json = {}) => ({
  id,
  object: "response",
  created_at: CREATED,
  status,
  background: false,
  error: null,
  incomplete_details: null,
  instructions: null,
  max_output_tokens: null,
  metadata: {},
  model: "claude-sonnet-4-5",
  output,
  parallel_tool_calls: true,
  previous_response_id: null,
  reasoning: { summary: "auto" },
  store: false,
  temperature: null,
  text: { format: { type: "text" } },
  tool_choice: "auto",
  tools: [],
  top_p: null,
  truncation: "disabled",
  usage: null,
  ...more,
});
const opening = (id: string, model = "claude-sonnet-4-5") => [
  { type: "response.created", response: resp(id, "in_progress", [], { model }) },
  { type: "response.in_progress", response: resp(id, "in_progress", [], { model }) },
];
const usage = (input: number, output: number, cached = 0, written = 0) => ({
  input_tokens: input,
  input_tokens_details: { cached_tokens: cached, cache_write_tokens: written },
  output_tokens: output,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: input + output,
});
const textPart = (text: string) => ({ type: "output_text", text, annotations: [], logprobs: [] });
const message = (id: string, text: string, status = "completed") => ({ id, type: "message", status, role: "assistant", content: [textPart(text)] });
const messageEvents = (id: string, index: number, deltas: string[]) => {
  const at = { item_id: id, output_index: index, content_index: 0 };
  const text = deltas.join("");
  return [
    { type: "response.output_item.added", output_index: index, item: { id, type: "message", status: "in_progress", role: "assistant", content: [] } },
    { type: "response.content_part.added", ...at, part: textPart("") },
    ...deltas.map((delta) => ({ type: "response.output_text.delta", ...at, delta, logprobs: [] })),
    { type: "response.output_text.done", ...at, text, logprobs: [] },
    { type: "response.content_part.done", ...at, part: textPart(text) },
    { type: "response.output_item.done", output_index: index, item: message(id, text) },
  ];
};
const fc = (id: string, callId: string, name: string, args: string, status = "completed") => ({ id, type: "function_call", status, arguments: args, call_id: callId, name });
const functionEvents = (id: string, index: number, callId: string, name: string, deltas: string[]) => [
  { type: "response.output_item.added", output_index: index, item: fc(id, callId, name, "", "in_progress") },
  ...deltas.map((delta) => ({ type: "response.function_call_arguments.delta", item_id: id, output_index: index, delta })),
  { type: "response.function_call_arguments.done", item_id: id, output_index: index, arguments: deltas.join("") || "{}" },
  { type: "response.output_item.done", output_index: index, item: fc(id, callId, name, deltas.join("") || "{}") },
];

// Anthropic upstream events.
const messageStart = (u: Json = { input_tokens: 25, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 }) => ({
  type: "message_start",
  message: { id: "msg_01XFDUDYJgAACzvnptvVoYEL", type: "message", role: "assistant", model: "claude-sonnet-4-5", content: [], stop_reason: null, stop_sequence: null, usage: u },
});
const messageDelta = (stop_reason: string, u: Json) => ({ type: "message_delta", delta: { stop_reason, stop_sequence: null }, usage: u });
const messageStop = { type: "message_stop" };
const A = "resp_01XFDUDYJgAACzvnptvVoYEL";
const aid = (prefix: string, index: number) => `${prefix}_01XFDUDYJgAACzvnptvVoYEL_${index}`;

// OpenAI upstream chunks.
const base = { id: "chatcmpl-9xY", object: "chat.completion.chunk", created: CREATED, model: "qwen3-32b" };
const oc = (delta: Json, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
const ou = (prompt: number, completion: number, cached = 0) => ({
  ...base,
  choices: [],
  usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: cached } },
});
const O = "resp_9xY";
const oid = (prefix: string, index: number) => `${prefix}_9xY_${index}`;

describe("stream events → Responses API stream", () => {
  it("plain text by hand: the exact SSE text of the opening, each delta on its push, completed at the usage after the finish", () => {
    const { outs, end, bare } = run([
      { type: "start", id: "msg_01XFDUDYJgAACzvnptvVoYEL", model: "claude-sonnet-4-5" },
      { type: "text", text: "Hello" },
      { type: "text", text: " world" },
      { type: "finish", stopReason: "end_turn" },
      { type: "usage", usage: { input: 25, output: 12, cacheRead: 0, cacheWrite: 0 } },
    ]);
    expect(outs[0].startsWith('event: response.created\ndata: {"type":"response.created","response":{"id":"resp_01XFDUDYJgAACzvnptvVoYEL","object":"response",')).toBe(true);
    expect(outs[0]).toContain('"usage":null},"sequence_number":0}\n\nevent: response.in_progress\ndata: {"type":"response.in_progress"');
    expect(events(outs[1]).map((e) => e.type)).toEqual(["response.output_item.added", "response.content_part.added", "response.output_text.delta"]);
    expect(outs[2]).toBe(
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":"msg_01XFDUDYJgAACzvnptvVoYEL_0","output_index":0,"content_index":0,"delta":" world","logprobs":[],"sequence_number":5}\n\n',
    );
    expect(events(outs[3]).map((e) => e.type)).toEqual(["response.output_text.done", "response.content_part.done", "response.output_item.done"]);
    expect(events(outs[4]).map((e) => e.type)).toEqual(["response.completed"]);
    expect(end).toBe("");
    expect(bare).toEqual([
      ...opening(A),
      ...messageEvents(aid("msg", 0), 0, ["Hello", " world"]),
      { type: "response.completed", response: resp(A, "completed", [message(aid("msg", 0), "Hello world")], { usage: usage(25, 12) }) },
    ]);
  });

  it("no [DONE] line, and nothing more once completed", () => {
    const enc = encoder();
    const { all } = run([{ type: "start", id: "x", model: "m" }, { type: "text", text: "Hi" }, { type: "finish", stopReason: "end_turn" }], enc);
    expect(all.at(-1)!.type).toBe("response.completed");
    expect(enc.push({ type: "text", text: "more" })).toBe("");
    expect(enc.end()).toBe("");
  });

  it("incremental: a text delta's event is returned by its own push", () => {
    const enc = encoder();
    enc.push({ type: "start", id: "x", model: "m" });
    enc.push({ type: "text", text: "He" });
    expect(events(enc.push({ type: "text", text: "llo" }))).toEqual([
      { type: "response.output_text.delta", item_id: "msg_x_0", output_index: 0, content_index: 0, delta: "llo", logprobs: [], sequence_number: 5 },
    ]);
  });

  it("plain text from an Anthropic upstream, end() after message_stop", () => {
    const { bare, end } = run(
      decode(anthropicStreamDecoder(), [
        messageStart(),
        ab(0, { type: "text", text: "" }),
        { type: "ping" },
        ad(0, { type: "text_delta", text: "Hello" }),
        ad(0, { type: "text_delta", text: " world" }),
        as(0),
        messageDelta("end_turn", { output_tokens: 12 }),
        messageStop,
      ]),
    );
    expect(end).toBe("");
    expect(bare).toEqual([
      ...opening(A),
      ...messageEvents(aid("msg", 0), 0, ["Hello", " world"]),
      { type: "response.completed", response: resp(A, "completed", [message(aid("msg", 0), "Hello world")], { usage: usage(25, 12) }) },
    ]);
  });

  it("Anthropic thinking with a signature, then text: a reasoning item whose encrypted_content seals both", () => {
    const { bare } = run(
      decode(anthropicStreamDecoder(), [
        messageStart(),
        ab(0, { type: "thinking", thinking: "", signature: "" }),
        ad(0, { type: "thinking_delta", thinking: "Let me " }),
        ad(0, { type: "thinking_delta", thinking: "think." }),
        ad(0, { type: "signature_delta", signature: "EqQBCgIYAhIM" }),
        as(0),
        ab(1, { type: "text", text: "" }),
        ad(1, { type: "text_delta", text: "42" }),
        as(1),
        messageDelta("end_turn", { output_tokens: 30 }),
        messageStop,
      ]),
    );
    const rs = aid("rs", 0);
    const at = { item_id: rs, output_index: 0, summary_index: 0 };
    const reasoning = { id: rs, type: "reasoning", summary: [{ type: "summary_text", text: "Let me think." }], encrypted_content: 'sealed:{"text":"Let me think.","signature":"EqQBCgIYAhIM"}' };
    expect(sealer.open(reasoning.encrypted_content)).toEqual({ text: "Let me think.", signature: "EqQBCgIYAhIM" });
    expect(bare).toEqual([
      ...opening(A),
      { type: "response.output_item.added", output_index: 0, item: { id: rs, type: "reasoning", summary: [] } },
      { type: "response.reasoning_summary_part.added", ...at, part: { type: "summary_text", text: "" } },
      { type: "response.reasoning_summary_text.delta", ...at, delta: "Let me " },
      { type: "response.reasoning_summary_text.delta", ...at, delta: "think." },
      { type: "response.reasoning_summary_text.done", ...at, text: "Let me think." },
      { type: "response.reasoning_summary_part.done", ...at, part: { type: "summary_text", text: "Let me think." } },
      { type: "response.output_item.done", output_index: 0, item: reasoning },
      ...messageEvents(aid("msg", 1), 1, ["42"]),
      { type: "response.completed", response: resp(A, "completed", [reasoning, message(aid("msg", 1), "42")], { usage: usage(25, 30) }) },
    ]);
  });

  it("OpenAI-style reasoning_content (no signature): sealed text only", () => {
    const { all } = run(decode(openAIStreamDecoder(), [oc({ role: "assistant", content: "" }), oc({ reasoning_content: "Hmm." }), oc({ content: "Hi" }), oc({}, "stop"), ou(10, 5)]));
    const done = all.find((e) => e.type === "response.output_item.done")!;
    expect(done.item).toEqual({ id: oid("rs", 0), type: "reasoning", summary: [{ type: "summary_text", text: "Hmm." }], encrypted_content: 'sealed:{"text":"Hmm."}' });
  });

  it("a signature with no thinking text (thinking not shown): a reasoning item with an empty summary", () => {
    const { bare } = run([
      { type: "start", id: "x", model: "m" },
      { type: "reasoning_signature", signature: "sig" },
      { type: "text", text: "Hi" },
      { type: "finish", stopReason: "end_turn" },
    ]);
    expect(bare.slice(2, 4)).toEqual([
      { type: "response.output_item.added", output_index: 0, item: { id: "rs_x_0", type: "reasoning", summary: [] } },
      { type: "response.output_item.done", output_index: 0, item: { id: "rs_x_0", type: "reasoning", summary: [], encrypted_content: 'sealed:{"text":"","signature":"sig"}' } },
    ]);
  });

  it("one function call, its arguments over several chunks (OpenAI upstream)", () => {
    const { bare } = run(
      decode(openAIStreamDecoder(), [
        oc({ role: "assistant", content: "" }),
        oc({ content: "Running it." }),
        oc({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "exec_command", arguments: "" } }] }),
        oc({ tool_calls: [{ index: 0, function: { arguments: '{"cmd":' } }] }),
        oc({ tool_calls: [{ index: 0, function: { arguments: '"echo hi"}' } }] }),
        oc({}, "tool_calls"),
        ou(1200, 45),
      ]),
    );
    expect(bare).toEqual([
      ...opening(O, "qwen3-32b"),
      ...messageEvents(oid("msg", 0), 0, ["Running it."]),
      ...functionEvents(oid("fc", 1), 1, "call_1", "exec_command", ['{"cmd":', '"echo hi"}']),
      {
        type: "response.completed",
        response: resp(O, "completed", [message(oid("msg", 0), "Running it."), fc(oid("fc", 1), "call_1", "exec_command", '{"cmd":"echo hi"}')], { model: "qwen3-32b", usage: usage(1200, 45) }),
      },
    ]);
  });

  it("two parallel function calls from an Anthropic upstream; one without input closes with {}", () => {
    const { bare } = run(
      decode(anthropicStreamDecoder(), [
        messageStart(),
        ab(0, { type: "tool_use", id: "toolu_1", name: "exec_command", input: {} }),
        ad(0, { type: "input_json_delta", partial_json: "" }),
        ad(0, { type: "input_json_delta", partial_json: '{"cmd":"ls"}' }),
        as(0),
        ab(1, { type: "tool_use", id: "toolu_2", name: "get_goal", input: {} }),
        ad(1, { type: "input_json_delta", partial_json: "" }),
        as(1),
        messageDelta("tool_use", { output_tokens: 60 }),
        messageStop,
      ]),
    );
    expect(bare).toEqual([
      ...opening(A),
      ...functionEvents(aid("fc", 0), 0, "toolu_1", "exec_command", ['{"cmd":"ls"}']),
      ...functionEvents(aid("fc", 1), 1, "toolu_2", "get_goal", []),
      {
        type: "response.completed",
        response: resp(A, "completed", [fc(aid("fc", 0), "toolu_1", "exec_command", '{"cmd":"ls"}'), fc(aid("fc", 1), "toolu_2", "get_goal", "{}")], { usage: usage(25, 60) }),
      },
    ]);
  });

  it("a late argument for an earlier function call: its delta is written with that call's item, and the final response has the whole arguments", () => {
    const { bare } = run(
      decode(openAIStreamDecoder(), [
        oc({ role: "assistant", content: "" }),
        oc({ tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "exec_command", arguments: '{"cmd":' } }] }),
        oc({ tool_calls: [{ index: 1, id: "call_b", type: "function", function: { name: "exec_command", arguments: '{"cmd":"pwd"}' } }] }),
        oc({ tool_calls: [{ index: 0, function: { arguments: '"ls"}' } }] }),
        oc({}, "tool_calls"),
        ou(10, 5),
      ]),
    );
    const [a, b] = [oid("fc", 0), oid("fc", 1)];
    expect(bare).toEqual([
      ...opening(O, "qwen3-32b"),
      { type: "response.output_item.added", output_index: 0, item: fc(a, "call_a", "exec_command", "", "in_progress") },
      { type: "response.function_call_arguments.delta", item_id: a, output_index: 0, delta: '{"cmd":' },
      { type: "response.function_call_arguments.done", item_id: a, output_index: 0, arguments: '{"cmd":' },
      { type: "response.output_item.done", output_index: 0, item: fc(a, "call_a", "exec_command", '{"cmd":') },
      { type: "response.output_item.added", output_index: 1, item: fc(b, "call_b", "exec_command", "", "in_progress") },
      { type: "response.function_call_arguments.delta", item_id: b, output_index: 1, delta: '{"cmd":"pwd"}' },
      { type: "response.function_call_arguments.delta", item_id: a, output_index: 0, delta: '"ls"}' },
      { type: "response.function_call_arguments.done", item_id: b, output_index: 1, arguments: '{"cmd":"pwd"}' },
      { type: "response.output_item.done", output_index: 1, item: fc(b, "call_b", "exec_command", '{"cmd":"pwd"}') },
      {
        type: "response.completed",
        response: resp(O, "completed", [fc(a, "call_a", "exec_command", '{"cmd":"ls"}'), fc(b, "call_b", "exec_command", '{"cmd":"pwd"}')], { model: "qwen3-32b", usage: usage(10, 5) }),
      },
    ]);
  });

  it("a custom tool call (apply_patch) and a local_shell call: held, written whole at the finish with their parsed input and action", () => {
    const patch = "*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n";
    const { outs, bare } = run(
      decode(anthropicStreamDecoder(), [
        messageStart(),
        ab(0, { type: "text", text: "" }),
        ad(0, { type: "text_delta", text: "Patching." }),
        as(0),
        ab(1, { type: "tool_use", id: "toolu_p", name: "apply_patch", input: {} }),
        ad(1, { type: "input_json_delta", partial_json: '{"input":' }),
        ad(1, { type: "input_json_delta", partial_json: JSON.stringify(patch) + "}" }),
        as(1),
        ab(2, { type: "tool_use", id: "toolu_s", name: "local_shell", input: {} }),
        ad(2, { type: "input_json_delta", partial_json: '{"command":["ls","-la"],"working_directory":"/tmp"}' }),
        as(2),
        messageDelta("tool_use", { output_tokens: 80 }),
        messageStop,
      ]),
    );
    // Stream events: start, text, then the held calls' starts and deltas write nothing (but the first closes the text's item).
    expect(events(outs[2]).map((e) => e.type)).toEqual(["response.output_text.done", "response.content_part.done", "response.output_item.done"]);
    expect(outs.slice(3, 7).join("")).toBe("");
    const [ctc, lsc] = [aid("ctc", 1), aid("lsc", 2)];
    const custom = { id: ctc, type: "custom_tool_call", call_id: "toolu_p", name: "apply_patch" };
    const shell = { id: lsc, type: "local_shell_call", call_id: "toolu_s", action: { command: ["ls", "-la"], env: {}, working_directory: "/tmp", type: "exec" } };
    expect(bare).toEqual([
      ...opening(A),
      ...messageEvents(aid("msg", 0), 0, ["Patching."]),
      { type: "response.output_item.added", output_index: 1, item: { ...custom, input: "" } },
      { type: "response.custom_tool_call_input.delta", item_id: ctc, output_index: 1, delta: patch },
      { type: "response.custom_tool_call_input.done", item_id: ctc, output_index: 1, input: patch },
      { type: "response.output_item.done", output_index: 1, item: { ...custom, input: patch } },
      { type: "response.output_item.added", output_index: 2, item: { ...shell, status: "in_progress" } },
      { type: "response.output_item.done", output_index: 2, item: { ...shell, status: "completed" } },
      {
        type: "response.completed",
        response: resp(A, "completed", [message(aid("msg", 0), "Patching."), { ...custom, input: patch }, { ...shell, status: "completed" }], { usage: usage(25, 80) }),
      },
    ]);
  });

  it("custom input that is not {input: string} is passed on raw; local_shell arguments that are not an object become a function call", () => {
    const { all } = run([
      { type: "start", id: "x", model: "m" },
      { type: "tool_call_start", index: 0, id: "c1", name: "apply_patch" },
      { type: "tool_call_delta", index: 0, arguments: "*** Begin Patch" },
      { type: "tool_call_start", index: 1, id: "c2", name: "local_shell" },
      { type: "tool_call_delta", index: 1, arguments: "ls -la" },
      { type: "tool_call_delta", index: 0, arguments: "\n*** End Patch" },
      { type: "finish", stopReason: "tool_calls" },
    ]);
    const done = all.filter((e) => e.type === "response.output_item.done").map((e) => e.item);
    expect(done).toEqual([
      { id: "ctc_x_0", type: "custom_tool_call", call_id: "c1", name: "apply_patch", input: "*** Begin Patch\n*** End Patch" },
      { id: "fc_x_1", type: "function_call", status: "completed", arguments: "ls -la", call_id: "c2", name: "local_shell" },
    ]);
  });

  it("usage with cached tokens (OpenAI upstream): input_tokens is the whole prompt, cached_tokens its cached part", () => {
    const { all } = run(decode(openAIStreamDecoder(), [oc({ role: "assistant", content: "" }), oc({ content: "Hi" }), oc({}, "stop"), ou(1200, 45, 1024)]));
    expect(all.at(-1)!.type).toBe("response.completed");
    expect((all.at(-1)!.response as Json).usage).toEqual(usage(1200, 45, 1024));
  });

  it("usage with cache reads and writes (Anthropic upstream): input_tokens counts both", () => {
    const { all } = run(
      decode(anthropicStreamDecoder(), [
        messageStart({ input_tokens: 10, cache_creation_input_tokens: 200, cache_read_input_tokens: 1800, output_tokens: 1 }),
        ab(0, { type: "text", text: "" }),
        ad(0, { type: "text_delta", text: "Hi" }),
        as(0),
        messageDelta("end_turn", { output_tokens: 7 }),
        messageStop,
      ]),
    );
    expect((all.at(-1)!.response as Json).usage).toEqual(usage(2010, 7, 1800, 200));
  });

  it("no usage reported: completed at end() with usage null", () => {
    const { outs, end, all } = run(decode(openAIStreamDecoder(), [oc({ role: "assistant", content: "" }), oc({ content: "Hi" }), oc({}, "stop")]));
    expect(events(outs[2]).map((e) => e.type)).toEqual(["response.output_text.done", "response.content_part.done", "response.output_item.done"]);
    expect(events(end).map((e) => e.type)).toEqual(["response.completed"]);
    expect((all.at(-1)!.response as Json).usage).toBeNull();
  });

  it("max_tokens → response.incomplete, reason max_output_tokens", () => {
    const { bare } = run(
      decode(anthropicStreamDecoder(), [messageStart(), ab(0, { type: "text", text: "" }), ad(0, { type: "text_delta", text: "Hel" }), as(0), messageDelta("max_tokens", { output_tokens: 3 }), messageStop]),
    );
    expect(bare.at(-1)).toEqual({
      type: "response.incomplete",
      response: resp(A, "incomplete", [message(aid("msg", 0), "Hel")], { incomplete_details: { reason: "max_output_tokens" }, usage: usage(25, 3) }),
    });
  });

  it("content_filter → response.incomplete, reason content_filter", () => {
    const { all } = run(decode(openAIStreamDecoder(), [oc({ role: "assistant", content: "" }), oc({ content: "Hel" }), oc({}, "content_filter"), ou(10, 1)]));
    expect(all.at(-1)).toMatchObject({ type: "response.incomplete", response: { status: "incomplete", incomplete_details: { reason: "content_filter" } } });
  });

  it("an error mid-stream → response.failed with the open item incomplete, and nothing after it", () => {
    const decoder = openAIStreamDecoder();
    const enc = encoder();
    const push = (e: Json) => decoder.push(e).map((x) => enc.push(x)).join("");
    const pre = [oc({ role: "assistant", content: "" }), oc({ content: "Hel" })].map(push).join("");
    const failed = events(push({ error: { message: "Too many requests", type: "rate_limit_error" } }));
    expect(failed).toEqual([
      {
        type: "response.failed",
        response: resp(O, "failed", [message(oid("msg", 0), "Hel", "incomplete")], { model: "qwen3-32b", error: { code: "rate_limit_exceeded", message: "Too many requests" } }),
        sequence_number: events(pre).length,
      },
    ]);
    expect(push(oc({ content: "lo" }))).toBe("");
    expect(enc.end()).toBe("");
  });

  it("error codes: invalid_request → invalid_prompt, others → server_error; an error before any start still opens the response", () => {
    const code = (kind: "invalid_request" | "overloaded" | "authentication") => {
      const { all } = run([{ type: "error", kind, message: "m" }]);
      expect(all.map((e) => e.type)).toEqual(["response.created", "response.in_progress", "response.failed"]);
      return ((all[2].response as Json).error as Json).code;
    };
    expect([code("invalid_request"), code("overloaded"), code("authentication")]).toEqual(["invalid_prompt", "server_error", "server_error"]);
  });

  it("end() without a finish → response.failed (server_error)", () => {
    const { outs, end } = run(decode(anthropicStreamDecoder(), [messageStart(), ab(0, { type: "text", text: "" }), ad(0, { type: "text_delta", text: "Hel" })]));
    expect(outs.length).toBe(2); // start, text
    expect(events(end)).toEqual([
      {
        type: "response.failed",
        response: resp(A, "failed", [message(aid("msg", 0), "Hel", "incomplete")], {
          usage: usage(25, 1),
          error: { code: "server_error", message: "The upstream stream ended before the answer was complete." },
        }),
        sequence_number: 5,
      },
    ]);
  });

  it("text, a function call, then text again: three items, each closed when the next kind starts", () => {
    const { all } = run([
      { type: "start", id: "x", model: "m" },
      { type: "text", text: "A" },
      { type: "tool_call_start", index: 0, id: "c1", name: "exec_command" },
      { type: "tool_call_delta", index: 0, arguments: "{}" },
      { type: "text", text: "B" },
      { type: "finish", stopReason: "end_turn" },
    ]);
    const order = all.filter((e) => String(e.type).startsWith("response.output_item.")).map((e) => `${e.type} ${e.output_index} ${(e.item as Json).id}`);
    expect(order).toEqual([
      "response.output_item.added 0 msg_x_0",
      "response.output_item.done 0 msg_x_0",
      "response.output_item.added 1 fc_x_1",
      "response.output_item.done 1 fc_x_1",
      "response.output_item.added 2 msg_x_2",
      "response.output_item.done 2 msg_x_2",
    ]);
    expect(((all.at(-1)!.response as Json).output as Json[]).map((o) => o.id)).toEqual(["msg_x_0", "fc_x_1", "msg_x_2"]);
  });

  it("an event before any start opens the response first (model from the request)", () => {
    const { all } = run([{ type: "text", text: "Hi" }, { type: "finish", stopReason: "end_turn" }]);
    expect(all.slice(0, 3).map((e) => e.type)).toEqual(["response.created", "response.in_progress", "response.output_item.added"]);
    expect((all[0].response as Json).model).toBe("gpt-5-codex");
  });

  it("the request's settings are echoed; the model falls back to the request's", () => {
    const enc = responsesStreamEncoder({ tools: [], sealer, request: { model: "gpt-5", temperature: 0.2, top_p: 0.9, parallel_tool_calls: false, tool_choice: "required", max_output_tokens: 100, metadata: { a: "b" }, temperature_x: 1 }, created: CREATED });
    const [created] = events(enc.push({ type: "start", id: "", model: "" }));
    expect(created.response).toMatchObject({ model: "gpt-5", temperature: 0.2, top_p: 0.9, parallel_tool_calls: false, tool_choice: "required", max_output_tokens: 100, metadata: { a: "b" } });
    expect((created.response as Json).id).toMatch(/^resp_[0-9a-f]{32}$/);
  });
});
