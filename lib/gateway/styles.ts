import type { ApiStyle } from "@/db/enums";
import type { RoutingEndpoint } from "@/lib/endpoints";

// What differs between the API styles: the path, the upstream's auth headers, where the usage
// report sits, (OpenAI) asking a stream for its usage, and where the text of a prompt, an answer
// and a stream's deltas sits (for the estimate when the report never comes, ./estimate).

/**
 * Tokens of one call. `input` counts every input token, the cached ones included; `cacheRead` and
 * `cacheWrite` say which parts of it were read from or written to the upstream's prompt cache.
 */
export type Usage = { input: number; output: number; cacheRead: number; cacheWrite: number };
export const NO_USAGE: Usage = Object.freeze({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });
type Json = Record<string, unknown>;
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);
const obj = (v: unknown): Json | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj).filter((x): x is Json => x !== undefined) : []);
const str = (v: unknown) => (typeof v === "string" ? v : "");
const json = (v: unknown) => (v === undefined ? "" : JSON.stringify(v));
const join = (parts: string[]) => parts.filter((p) => p !== "").join("\n");
/** `text` and `more` joined by a line break, skipping an empty or missing `more` (no arrays: it runs per stream event). */
const append = (text: string, more: unknown) => (typeof more !== "string" || more === "" ? text : text === "" ? more : `${text}\n${more}`);

export type StyleAdapter = {
  path: string;
  upstreamHeaders(endpoint: RoutingEndpoint, client: Headers): Record<string, string>;
  /** The body to send upstream, and whether the usage report was added by us (so it is not passed on). */
  prepare(body: Json): { body: Json; injectedUsage: boolean };
  usageOfJson(json: Json): Usage | undefined;
  /** Folds one SSE event into the usage seen so far. */
  usageOfEvent(json: Json, seen: Usage): Usage | undefined;
  /** True for the event that carries the stream's final usage report (what came before may be partial). */
  isFinalUsageEvent(json: Json): boolean;
  /** True for the event that carries only the usage report we asked for (OpenAI). */
  isUsageOnlyEvent(json: Json): boolean;
  /** The generated text (content, reasoning, tool call arguments) one stream event delivers. */
  deliveredText(json: Json): string;
  /** The generated text of a whole (non-streamed) answer. */
  answerText(json: Json): string;
  /** The text of a request's prompt: system, messages and tool definitions. */
  promptText(body: Json): string;
};

/** A message content: a string, or parts of which the text ones count. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  return join(list(content).map((p) => str(p.text) || str(p.thinking) || (p.type === "tool_use" ? join([str(p.name), json(p.input)]) : "") || (p.type === "tool_result" ? contentText(p.content) : "")));
}

const toolCallsText = (calls: unknown) => join(list(calls).map((c) => join([str(obj(c.function)?.name), str(obj(c.function)?.arguments)])));

/** An OpenAI message or delta: its content, reasoning, refusal and tool calls. */
function openaiMessageText(m: Json | undefined): string {
  if (!m) return "";
  let text = typeof m.content === "string" ? m.content : m.content == null ? "" : contentText(m.content);
  text = append(append(append(text, m.reasoning_content), m.reasoning), m.refusal);
  if (m.tool_calls != null) text = append(text, toolCallsText(m.tool_calls));
  const call = obj(m.function_call);
  if (call) text = append(append(text, call.name), call.arguments);
  return text;
}

/** The text of each choice's delta (streams) or message (answers). */
function choicesText(json: Json, field: "delta" | "message"): string {
  if (!Array.isArray(json.choices)) return "";
  let text = "";
  for (const c of json.choices) text = append(text, openaiMessageText(obj(obj(c)?.[field])));
  return text;
}

const openaiUsage = (u: Json): Usage => {
  const input = num(u.prompt_tokens);
  // prompt_tokens includes the cached part; OpenAI reports no separate cache writes.
  return { input, output: num(u.completion_tokens), cacheRead: Math.min(input, num(obj(u.prompt_tokens_details)?.cached_tokens)), cacheWrite: 0 };
};

const openai: StyleAdapter = {
  path: "/chat/completions",
  upstreamHeaders: (endpoint) => ({
    "content-type": "application/json",
    ...(endpoint.upstreamApiKey ? { authorization: `Bearer ${endpoint.upstreamApiKey}` } : {}),
  }),
  prepare(body) {
    const options = body.stream_options as Json | undefined;
    if (body.stream !== true || options?.include_usage === true) return { body, injectedUsage: false };
    return { body: { ...body, stream_options: { ...(options ?? {}), include_usage: true } }, injectedUsage: true };
  },
  usageOfJson(json) {
    const u = obj(json.usage);
    return u ? openaiUsage(u) : undefined;
  },
  usageOfEvent(json) {
    return openai.usageOfJson(json);
  },
  // The usage-only event after the last choice, or (servers that report in every chunk) the chunk
  // that finishes a choice.
  isFinalUsageEvent: (json) => obj(json.usage) !== undefined && (list(json.choices).length === 0 || list(json.choices).some((c) => c.finish_reason != null)),
  isUsageOnlyEvent: (json) => Array.isArray(json.choices) && json.choices.length === 0 && json.usage != null,
  deliveredText: (json) => choicesText(json, "delta"),
  answerText: (json) => choicesText(json, "message"),
  promptText: (body) =>
    join([
      ...list(body.messages).map((m) => join([str(m.name), openaiMessageText(m)])),
      ...list(body.tools).map(json),
      ...list(body.functions).map(json),
    ]),
};

// Anthropic reports the uncached input, the cache writes and the cache reads apart; input is their sum.
const anthropicUsage = (u: Json, output: number): Usage => {
  const cacheRead = num(u.cache_read_input_tokens);
  const cacheWrite = num(u.cache_creation_input_tokens);
  return { input: num(u.input_tokens) + cacheRead + cacheWrite, output, cacheRead, cacheWrite };
};

const anthropic: StyleAdapter = {
  path: "/messages",
  upstreamHeaders: (endpoint, client) => ({
    "content-type": "application/json",
    "anthropic-version": client.get("anthropic-version") ?? "2023-06-01",
    ...(client.get("anthropic-beta") ? { "anthropic-beta": client.get("anthropic-beta")! } : {}),
    ...(endpoint.upstreamApiKey ? { "x-api-key": endpoint.upstreamApiKey } : {}),
  }),
  prepare: (body) => ({ body, injectedUsage: false }),
  usageOfJson(json) {
    const u = obj(json.usage);
    return u ? anthropicUsage(u, num(u.output_tokens)) : undefined;
  },
  usageOfEvent(json, seen) {
    // message_start carries the input (and a first output count); message_delta the running output,
    // and, from some servers, the input parts again (cumulative): each part is the most seen.
    if (json.type === "message_start") {
      const u = obj(obj(json.message)?.usage);
      return u ? anthropicUsage(u, num(u.output_tokens)) : undefined;
    }
    if (json.type === "message_delta") {
      const u = obj(json.usage);
      if (!u) return undefined;
      const cacheRead = Math.max(seen.cacheRead, num(u.cache_read_input_tokens));
      const cacheWrite = Math.max(seen.cacheWrite, num(u.cache_creation_input_tokens));
      const uncached = Math.max(seen.input - seen.cacheRead - seen.cacheWrite, num(u.input_tokens));
      return { input: uncached + cacheRead + cacheWrite, output: Math.max(seen.output, num(u.output_tokens)), cacheRead, cacheWrite };
    }
    return undefined;
  },
  isFinalUsageEvent: (json) => json.type === "message_delta" && obj(json.usage) !== undefined,
  isUsageOnlyEvent: () => false,
  deliveredText(json) {
    if (json.type === "content_block_delta") {
      const d = obj(json.delta);
      return d ? str(d.text) || str(d.partial_json) || str(d.thinking) : "";
    }
    if (json.type === "content_block_start") {
      const b = obj(json.content_block);
      return b ? append(append(str(b.text), b.thinking), b.name) : "";
    }
    return "";
  },
  answerText: (json) => contentText(json.content),
  promptText: (body) => join([contentText(body.system), ...list(body.messages).map((m) => contentText(m.content)), ...list(body.tools).map(json)]),
};

// OpenAI's Responses API, for endpoints that speak it (passed through to, never translated to).
const responsesUsage = (u: Json): Usage => {
  const input = num(u.input_tokens);
  // input_tokens includes the cached part, as Chat Completions' prompt_tokens does.
  return { input, output: num(u.output_tokens), cacheRead: Math.min(input, num(obj(u.input_tokens_details)?.cached_tokens)), cacheWrite: 0 };
};
/** The events that end a Responses stream, each carrying the whole response (and its usage). */
const RESPONSE_ENDS = new Set(["response.completed", "response.incomplete", "response.failed"]);
/** The events whose `delta` is generated text: message text, refusals, reasoning, tool call arguments and custom tool input. */
const RESPONSE_DELTAS = new Set([
  "response.output_text.delta",
  "response.refusal.delta",
  "response.reasoning_summary_text.delta",
  "response.reasoning_text.delta",
  "response.function_call_arguments.delta",
  "response.custom_tool_call_input.delta",
]);

/** An input or output item's text: message parts, reasoning summaries, tool calls, tool outputs. */
function responsesItemText(item: Json): string {
  if (item.type === "function_call") return join([str(item.name), str(item.arguments)]);
  if (item.type === "custom_tool_call") return join([str(item.name), str(item.input)]);
  if (item.type === "function_call_output" || item.type === "custom_tool_call_output" || item.type === "local_shell_call_output")
    return typeof item.output === "string" ? item.output : contentText(item.output);
  if (item.type === "local_shell_call") return json(item.action);
  if (item.type === "reasoning") return join([contentText(item.summary), contentText(item.content)]);
  return contentText(item.content);
}

const responses: StyleAdapter = {
  path: "/responses",
  upstreamHeaders: openai.upstreamHeaders,
  // Nothing is stored upstream: under the endpoint's one key, a stored response could be continued by
  // any caller who learns its id (previous_response_id is refused before this, lib/gateway/validate).
  prepare: (body) => ({ body: { ...body, store: false }, injectedUsage: false }),
  usageOfJson(json) {
    const u = obj(json.usage);
    return u ? responsesUsage(u) : undefined;
  },
  usageOfEvent(json) {
    if (!RESPONSE_ENDS.has(str(json.type))) return undefined;
    const u = obj(obj(json.response)?.usage);
    return u ? responsesUsage(u) : undefined;
  },
  isFinalUsageEvent: (json) => RESPONSE_ENDS.has(str(json.type)) && obj(obj(json.response)?.usage) !== undefined,
  isUsageOnlyEvent: () => false,
  deliveredText(json) {
    if (RESPONSE_DELTAS.has(str(json.type))) return str(json.delta);
    if (json.type === "response.output_item.added") return str(obj(json.item)?.name);
    return "";
  },
  answerText: (json) => join(list(json.output).map(responsesItemText)),
  promptText: (body) =>
    join([str(body.instructions), typeof body.input === "string" ? body.input : join(list(body.input).map(responsesItemText)), ...list(body.tools).map(json)]),
};

export const adapters: Record<ApiStyle, StyleAdapter> = { openai, anthropic, "openai-responses": responses };
