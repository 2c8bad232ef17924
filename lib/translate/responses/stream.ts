import type { ErrorKind, Sealer, StopReason, StreamEncoder, StreamEvent, Tool, ToolKind, Usage } from "../ir";
import { type Json, obj } from "../json";
import { responsesUsage } from "./response";

// Stream events → a streamed Responses API answer (POST /v1/responses, what the Codex CLI reads).
// An incremental closure like the other encoders: each event's SSE text is returned by its push. The
// answer is a list of output items (reasoning, message, function_call, custom_tool_call,
// local_shell_call), each announced by response.output_item.added, filled by its deltas and closed by
// response.output_item.done; the stream opens with response.created and response.in_progress and ends
// with response.completed, response.incomplete or response.failed, whose `response` holds every item.
// Every event carries a `sequence_number`, 0, 1, 2, … across the stream; there is no [DONE] line.
//
// What is held: the usage and the stop reason (until both are known, or the stream ends), and the
// arguments of custom and local_shell calls (their items carry the parsed input, so they are written
// whole when the answer finishes; only that call's arguments are kept).

const INCOMPLETE = "The upstream stream ended before the answer was complete.";

const ERROR_CODE: Partial<Record<ErrorKind, string>> = { rate_limit: "rate_limit_exceeded", invalid_request: "invalid_prompt" };
const INCOMPLETE_REASON: Partial<Record<StopReason, string>> = { max_tokens: "max_output_tokens", content_filter: "content_filter" };

/** The request's own settings a response echoes, when the client sent them with the right type. */
const ECHOED: [field: string, ok: (v: unknown) => boolean][] = [
  ["tool_choice", (v) => typeof v === "string" || obj(v) !== undefined],
  ["parallel_tool_calls", (v) => typeof v === "boolean"],
  ["temperature", (v) => typeof v === "number"],
  ["top_p", (v) => typeof v === "number"],
  ["max_output_tokens", (v) => typeof v === "number"],
  ["reasoning", (v) => obj(v) !== undefined],
  ["text", (v) => obj(v) !== undefined],
  ["store", (v) => typeof v === "boolean"],
  ["metadata", (v) => obj(v) !== undefined],
];

/** A tool call as it comes: a function call is an item from its start; custom and local_shell calls are held until the answer finishes. */
type Call = { kind: ToolKind; callId: string; name: string; args: string; item?: { index: number; id: string } };
/** The output item being written. */
type Open =
  | { type: "reasoning"; index: number; id: string; text: string; signature?: string; summary: boolean }
  | { type: "message"; index: number; id: string; text: string }
  | { type: "function_call"; index: number; id: string; call: Call };

/**
 * Writes a Responses API stream for a Responses client. `tools` are the request's tools (a call's kind
 * is its tool's, by name; an unknown name is a function); `request` the client's body (the settings
 * the response echoes, and the model when the upstream names none); `created` fixes `created_at`.
 *
 * Ids: the response is `resp_<upstream id>` (its `chatcmpl-`/`msg_` prefix dropped) and each item
 * `<rs|msg|fc|ctc|lsc>_<same>_<output index>`, stable within the stream. A function call's `call_id`
 * is the upstream's tool call id.
 *
 * Parallel tool calls come one after the other. Should an upstream send arguments for an earlier
 * function call after a later item started, its response.function_call_arguments.delta is written
 * anyway, with that call's item_id and output_index (its output_item.done, already sent, has the
 * arguments so far; the final response has them all). A custom or local_shell call is written only
 * when the answer finishes, so late arguments simply join the ones held.
 *
 * A function call that got no arguments at all (Anthropic's for a tool without parameters) is closed
 * with `{}`, the JSON its client will parse. Reasoning's `encrypted_content` is the sealed text and
 * signature, so that the next request can give Anthropic its thinking block back.
 */
export function responsesStreamEncoder(ctx: { tools: Tool[]; sealer: Sealer; request: Record<string, unknown>; created?: number }): StreamEncoder {
  const createdAt = ctx.created ?? Math.floor(Date.now() / 1000);
  const kinds = new Map(ctx.tools.map((t) => [t.name, t.kind ?? "function"]));
  const echoed: Json = {};
  for (const [field, ok] of ECHOED) if (ok(ctx.request[field])) echoed[field] = ctx.request[field];

  let seq = 0;
  let started = false;
  let done = false;
  let base = "";
  let model = "";
  let open: Open | undefined;
  /** Every item written so far, by output index: as added, then as done. */
  const output: Json[] = [];
  const calls = new Map<number, Call>();
  let finish: StopReason | undefined;
  let usage: Usage | undefined;

  const sse = (type: string, body: Json = {}) => `event: ${type}\ndata: ${JSON.stringify({ type, ...body, sequence_number: seq++ })}\n\n`;
  const itemId = (prefix: string, index: number) => `${prefix}_${base}_${index}`;

  const response = (status: string, more: Json = {}): Json => ({
    id: `resp_${base}`,
    object: "response",
    created_at: createdAt,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    metadata: {},
    model,
    output: [...output],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: null,
    store: false,
    temperature: null,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: null,
    truncation: "disabled",
    usage: null,
    ...echoed,
    ...more,
  });
  const start = (event?: { id: string; model: string; usage?: Usage }) => {
    started = true;
    const upstreamId = event?.id || crypto.randomUUID().replace(/-/g, "");
    base = upstreamId.replace(/^(chatcmpl-|msg_|resp_)/, "") || upstreamId;
    model = event?.model || (typeof ctx.request.model === "string" ? ctx.request.model : "");
    if (event?.usage) usage = event.usage;
    return sse("response.created", { response: response("in_progress") }) + sse("response.in_progress", { response: response("in_progress") });
  };

  /** Announces an item at the next output index. */
  const add = (item: Json) => {
    output.push(item);
    return sse("response.output_item.added", { output_index: output.length - 1, item });
  };
  const finishItem = (index: number, item: Json) => {
    output[index] = item;
    return sse("response.output_item.done", { output_index: index, item });
  };

  // The open item as a whole: as done, or as it stands when the stream fails.
  const reasoningItem = (o: Extract<Open, { type: "reasoning" }>): Json => ({
    id: o.id,
    type: "reasoning",
    summary: o.summary ? [{ type: "summary_text", text: o.text }] : [],
    encrypted_content: ctx.sealer.seal({ text: o.text, ...(o.signature ? { signature: o.signature } : {}) }),
  });
  const messageItem = (o: Extract<Open, { type: "message" }>, status: string): Json => ({
    id: o.id,
    type: "message",
    status,
    role: "assistant",
    content: [{ type: "output_text", text: o.text, annotations: [], logprobs: [] }],
  });
  const functionItem = (call: Call, status: string): Json => ({
    id: call.item!.id,
    type: "function_call",
    status,
    arguments: call.args || "{}",
    call_id: call.callId,
    name: call.name,
  });

  const close = () => {
    const o = open;
    if (!o) return "";
    open = undefined;
    switch (o.type) {
      case "reasoning": {
        const at = { item_id: o.id, output_index: o.index, summary_index: 0 };
        const summary = o.summary
          ? sse("response.reasoning_summary_text.done", { ...at, text: o.text }) +
            sse("response.reasoning_summary_part.done", { ...at, part: { type: "summary_text", text: o.text } })
          : "";
        return summary + finishItem(o.index, reasoningItem(o));
      }
      case "message": {
        const at = { item_id: o.id, output_index: o.index, content_index: 0 };
        return (
          sse("response.output_text.done", { ...at, text: o.text, logprobs: [] }) +
          sse("response.content_part.done", { ...at, part: { type: "output_text", text: o.text, annotations: [], logprobs: [] } }) +
          finishItem(o.index, messageItem(o, "completed"))
        );
      }
      case "function_call":
        return (
          sse("response.function_call_arguments.done", { item_id: o.id, output_index: o.index, arguments: o.call.args || "{}" }) +
          finishItem(o.index, functionItem(o.call, "completed"))
        );
    }
  };

  const openReasoning = () => {
    if (open?.type === "reasoning") return "";
    const out = close();
    const index = output.length;
    open = { type: "reasoning", index, id: itemId("rs", index), text: "", summary: false };
    return out + add({ id: open.id, type: "reasoning", summary: [] });
  };
  const openMessage = () => {
    if (open?.type === "message") return "";
    const out = close();
    const index = output.length;
    const id = itemId("msg", index);
    open = { type: "message", index, id, text: "" };
    return (
      out +
      add({ id, type: "message", status: "in_progress", role: "assistant", content: [] }) +
      sse("response.content_part.added", { item_id: id, output_index: index, content_index: 0, part: { type: "output_text", text: "", annotations: [], logprobs: [] } })
    );
  };

  /** A custom or local_shell call, written whole (added, then done). */
  const writeHeld = (call: Call) => {
    const index = output.length;
    const parsed = parse(call.args);
    if (call.kind === "custom") {
      const input = typeof parsed?.input === "string" ? parsed.input : call.args;
      const id = itemId("ctc", index);
      call.item = { index, id };
      const item = { id, type: "custom_tool_call", call_id: call.callId, name: call.name };
      return (
        add({ ...item, input: "" }) +
        (input ? sse("response.custom_tool_call_input.delta", { item_id: id, output_index: index, delta: input }) : "") +
        sse("response.custom_tool_call_input.done", { item_id: id, output_index: index, input }) +
        finishItem(index, { ...item, input })
      );
    }
    // local_shell: the action is the arguments' fields (command, env, timeout_ms, working_directory, user).
    // Arguments that are not a JSON object make no action: they are passed on as a function call.
    if (!parsed) {
      const id = itemId("fc", index);
      call.item = { index, id };
      return add({ ...functionItem(call, "in_progress"), arguments: "" }) + finishItem(index, functionItem(call, "completed"));
    }
    const id = itemId("lsc", index);
    call.item = { index, id };
    const item = { id, type: "local_shell_call", call_id: call.callId, action: { command: [], env: {}, ...parsed, type: "exec" } };
    return add({ ...item, status: "in_progress" }) + finishItem(index, { ...item, status: "completed" });
  };
  /** Closes the open item and writes the held calls: the answer is finished. */
  const closeAll = () => {
    let out = close();
    for (const call of calls.values()) if (call.kind !== "function" && !call.item) out += writeHeld(call);
    return out;
  };

  const wrapUp = () => {
    const out = closeAll();
    done = true;
    const u = usage ? responsesUsage(usage) : null;
    const reason = finish ? INCOMPLETE_REASON[finish] : undefined;
    if (reason) return out + sse("response.incomplete", { response: response("incomplete", { incomplete_details: { reason }, usage: u }) });
    return out + sse("response.completed", { response: response("completed", { usage: u }) });
  };
  const fail = (kind: ErrorKind, message: string) => {
    const opening = started ? "" : start();
    done = true;
    // The open item stands as it is, incomplete; held calls were never announced, so they are not in it.
    const o = open;
    if (o) {
      output[o.index] =
        o.type === "reasoning" ? { ...reasoningItem(o), status: "incomplete" } : o.type === "message" ? messageItem(o, "incomplete") : functionItem(o.call, "incomplete");
    }
    const error = { code: ERROR_CODE[kind] ?? "server_error", message };
    return opening + sse("response.failed", { response: response("failed", { error, usage: usage ? responsesUsage(usage) : null }) });
  };

  const push = (event: StreamEvent): string => {
    switch (event.type) {
      case "text": {
        const out = openMessage();
        const o = open as Extract<Open, { type: "message" }>;
        o.text += event.text;
        return out + sse("response.output_text.delta", { item_id: o.id, output_index: o.index, content_index: 0, delta: event.text, logprobs: [] });
      }
      case "reasoning": {
        let out = openReasoning();
        const o = open as Extract<Open, { type: "reasoning" }>;
        const at = { item_id: o.id, output_index: o.index, summary_index: 0 };
        if (!o.summary) {
          o.summary = true;
          out += sse("response.reasoning_summary_part.added", { ...at, part: { type: "summary_text", text: "" } });
        }
        o.text += event.text;
        return out + sse("response.reasoning_summary_text.delta", { ...at, delta: event.text });
      }
      case "reasoning_signature": {
        // Anthropic's signature ends its thinking block; one that comes alone (thinking not shown) makes an item of its own.
        const out = openReasoning();
        const o = open as Extract<Open, { type: "reasoning" }>;
        o.signature = (o.signature ?? "") + event.signature;
        return out;
      }
      case "tool_call_start": {
        const out = close();
        const call: Call = { kind: kinds.get(event.name) ?? "function", callId: event.id, name: event.name, args: "" };
        calls.set(event.index, call);
        if (call.kind !== "function") return out;
        const index = output.length;
        const id = itemId("fc", index);
        call.item = { index, id };
        open = { type: "function_call", index, id, call };
        return out + add({ ...functionItem(call, "in_progress"), arguments: "" });
      }
      case "tool_call_delta": {
        const call = calls.get(event.index);
        if (!call) return ""; // arguments of a tool call that never started
        call.args += event.arguments;
        if (call.kind !== "function" || !call.item) return "";
        const { index, id } = call.item;
        if (open?.type !== "function_call" || open.call !== call) output[index] = functionItem(call, "completed"); // a late delta: the final response has it
        return sse("response.function_call_arguments.delta", { item_id: id, output_index: index, delta: event.arguments });
      }
      case "finish":
        if (finish) return "";
        finish = event.stopReason;
        // The answer is finished: its items are closed now, the response once the final usage is known.
        return closeAll();
      case "usage":
        usage = event.usage;
        // Usage after the finish is the final report (before it, it may be a running count).
        return finish ? wrapUp() : "";
      case "start":
      case "error":
        return ""; // handled below
    }
  };

  return {
    push(event) {
      if (done) return "";
      if (event.type === "error") return fail(event.kind, event.message);
      if (event.type === "start") return started ? "" : start(event);
      // An event before any start (not expected from a decoder): open the response first.
      return (started ? "" : start()) + push(event);
    },
    end() {
      if (done) return "";
      if (!finish) return fail("api_error", INCOMPLETE);
      return wrapUp();
    },
  };
}

/** Arguments as a JSON object, or undefined. */
function parse(args: string): Json | undefined {
  try {
    return obj(JSON.parse(args));
  } catch {
    return undefined;
  }
}
