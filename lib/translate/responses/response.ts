import type { ChatResponse, Sealer, Tool, ToolCallPart, ToolKind, Usage } from "@/lib/translate/ir";
import { type Json, obj, str } from "@/lib/translate/json";

// A whole upstream answer (decoded into the IR by the Chat Completions or Messages decoder) as an
// OpenAI Responses API `response` object. Reasoning goes out sealed (encrypted_content), so that an
// Anthropic thinking block comes back signed on the next turn; tool calls go out as the kind of tool
// the client declared (function, custom, local_shell).

/** What the encoder needs from the call: the request's tools (their kinds), the sealer, and the client's body (echoed fields). */
export type ResponsesContext = { tools: Tool[]; sealer: Sealer; request: Json };

/**
 * The IR usage as a Responses `usage`: input_tokens counts every input token, cached_tokens those read
 * from the prompt cache, cache_write_tokens those written to it (the SDK's type requires it).
 */
export const responsesUsage = (u: Usage): Json => ({
  input_tokens: u.input,
  input_tokens_details: { cached_tokens: u.cacheRead, cache_write_tokens: u.cacheWrite },
  output_tokens: u.output,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: u.input + u.output,
});

/** The id an answer's items are derived from: the upstream's id without its own prefix. */
const baseId = (id: string) => id.replace(/^(chatcmpl-|msg_|resp_)/, "");

export function encodeResponsesResponse(res: ChatResponse, ctx: ResponsesContext): Json {
  const base = baseId(res.id);
  const incomplete = res.stopReason === "max_tokens" ? { reason: "max_output_tokens" } : res.stopReason === "content_filter" ? { reason: "content_filter" } : null;
  const status = incomplete ? "incomplete" : "completed";
  const output: Json[] = [];
  const itemId = (prefix: string) => `${prefix}_${base}_${output.length}`;
  let text: string[] | undefined;
  const flush = () => {
    if (text === undefined) return;
    output.push({ type: "message", id: itemId("msg"), role: "assistant", status, content: [{ type: "output_text", text: text.join(""), annotations: [], logprobs: [] }] });
    text = undefined;
  };
  for (const part of res.content) {
    if (part.type === "text") {
      // Consecutive text parts are one message.
      (text ??= []).push(part.text);
      continue;
    }
    flush();
    if (part.type === "reasoning") {
      const sealed = { text: part.text, ...(part.signature !== undefined ? { signature: part.signature } : {}), ...(part.redacted !== undefined ? { redacted: part.redacted } : {}) };
      output.push({ type: "reasoning", id: itemId("rs"), summary: part.text ? [{ type: "summary_text", text: part.text }] : [], encrypted_content: ctx.sealer.seal(sealed) });
    } else {
      output.push(toolCallItem(part, kindOf(ctx.tools, part.name), itemId));
    }
  }
  flush();

  const request = ctx.request;
  const json: Json = {
    id: `resp_${base}`,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status,
    error: null,
    incomplete_details: incomplete,
    instructions: str(request.instructions) ?? null,
    max_output_tokens: typeof request.max_output_tokens === "number" ? request.max_output_tokens : null,
    // What Tollgate did, not what was asked: metadata, reasoning, text and truncation "auto" are dropped as advisory.
    metadata: {},
    model: res.model,
    output,
    parallel_tool_calls: request.parallel_tool_calls !== false,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: typeof request.temperature === "number" ? request.temperature : null,
    text: { format: { type: "text" } },
    tool_choice: request.tool_choice ?? "auto",
    tools: Array.isArray(request.tools) ? request.tools : [],
    top_p: typeof request.top_p === "number" ? request.top_p : null,
    truncation: "disabled",
    user: str(request.user) ?? null,
  };
  if (res.usage) json.usage = responsesUsage(res.usage);
  return json;
}

/** The kind of the request's tool of that name (a name the client did not declare: a function). */
const kindOf = (tools: Tool[], name: string): ToolKind => tools.find((t) => t.name === name)?.kind ?? "function";

function toolCallItem(part: ToolCallPart, kind: ToolKind, itemId: (prefix: string) => string): Json {
  const args = parseObject(part.arguments);
  if (kind === "custom") {
    const input = typeof args?.input === "string" ? args.input : part.arguments;
    return { type: "custom_tool_call", id: itemId("ctc"), call_id: part.id, name: part.name, input };
  }
  if (kind === "local_shell" && args && Array.isArray(args.command)) {
    return { type: "local_shell_call", id: itemId("lsc"), call_id: part.id, status: "completed", action: { type: "exec", env: {}, ...args } };
  }
  // A function, or a local_shell call the model wrote without a command: the client's tool reports the mistake.
  return { type: "function_call", id: itemId("fc"), call_id: part.id, name: part.name, arguments: part.arguments, status: "completed" };
}

function parseObject(text: string): Json | undefined {
  if (text.trim() === "") return {};
  try {
    return obj(JSON.parse(text));
  } catch {
    return undefined;
  }
}
