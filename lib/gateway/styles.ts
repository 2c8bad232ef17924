import type { ApiStyle } from "@/db/enums";
import type { RoutingEndpoint } from "@/lib/endpoints";

// What differs between the two API styles: the path, the upstream's auth headers, where the usage
// report sits, and (OpenAI) asking a stream for its usage.

export type Usage = { input: number; output: number };
export const NO_USAGE: Usage = Object.freeze({ input: 0, output: 0 });
type Json = Record<string, unknown>;
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);

export type StyleAdapter = {
  path: string;
  upstreamHeaders(endpoint: RoutingEndpoint, client: Headers): Record<string, string>;
  /** The body to send upstream, and whether the usage report was added by us (so it is not passed on). */
  prepare(body: Json): { body: Json; injectedUsage: boolean };
  usageOfJson(json: Json): Usage | undefined;
  /** Folds one SSE event into the usage seen so far. */
  usageOfEvent(json: Json, seen: Usage): Usage | undefined;
  /** True for the event that carries only the usage report we asked for (OpenAI). */
  isUsageOnlyEvent(json: Json): boolean;
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
    const u = json.usage as Json | undefined;
    return u ? { input: num(u.prompt_tokens), output: num(u.completion_tokens) } : undefined;
  },
  usageOfEvent(json) {
    return openai.usageOfJson(json);
  },
  isUsageOnlyEvent: (json) => Array.isArray(json.choices) && json.choices.length === 0 && json.usage != null,
};

// Anthropic bills cache writes and reads as input too; all of it counts against the budget.
const anthropicInput = (u: Json) => num(u.input_tokens) + num(u.cache_creation_input_tokens) + num(u.cache_read_input_tokens);

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
    const u = json.usage as Json | undefined;
    return u ? { input: anthropicInput(u), output: num(u.output_tokens) } : undefined;
  },
  usageOfEvent(json, seen) {
    // message_start carries the input (and a first output count); message_delta the running output.
    if (json.type === "message_start") {
      const u = (json.message as Json | undefined)?.usage as Json | undefined;
      return u ? { input: anthropicInput(u), output: num(u.output_tokens) } : undefined;
    }
    if (json.type === "message_delta") {
      const u = json.usage as Json | undefined;
      if (!u) return undefined;
      return { input: Math.max(seen.input, anthropicInput(u)), output: num(u.output_tokens) };
    }
    return undefined;
  },
  isUsageOnlyEvent: () => false,
};

export const adapters: Record<ApiStyle, StyleAdapter> = { openai, anthropic };
