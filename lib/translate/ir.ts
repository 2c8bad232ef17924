import type { Usage } from "@/lib/gateway/styles";

// One call as Tollgate understands it, whatever API style the client and the upstream speak. Each
// style has a decoder (its wire shape → these types) and an encoder (these types → its wire shape);
// a translated call is decode(client style) → encode(upstream style), and its answer the way back.
// Pure data: no I/O, no classes, so that every mapping is a golden test.

export type { Usage };

export type TextPart = { type: "text"; text: string };
/** An image given inline (base64) or by URL. `at` is the client's field path, for a refusal naming it. */
export type ImagePart = {
  type: "image";
  source: { kind: "base64"; mediaType: string; data: string } | { kind: "url"; url: string };
  at?: string;
};
/**
 * Model reasoning ("thinking"): its text, and Anthropic's signature (or redacted data) when there is
 * one. `encrypted` is a Responses API `encrypted_content` Tollgate could not open (another server's):
 * carried, never read.
 */
export type ReasoningPart = { type: "reasoning"; text: string; signature?: string; redacted?: string; encrypted?: string };
/**
 * How a tool is called. Responses API clients (Codex) also have free-form `custom` tools (e.g.
 * apply_patch: raw text in) and `local_shell`; on the way to a Chat Completions or Messages upstream
 * both are plain functions (a custom tool takes one string argument, `input`; local_shell the action's
 * fields), and their calls are turned back into the client's kind on the way out.
 */
export type ToolKind = "function" | "custom" | "local_shell";
/** A tool call made by the assistant: `arguments` is the JSON text of its input, as generated (a custom tool's: `{"input": …}`). */
export type ToolCallPart = { type: "tool_call"; id: string; name: string; arguments: string; kind?: ToolKind };
/** The result of a tool call, sent back by the client. */
export type ToolResultPart = { type: "tool_result"; toolCallId: string; content: (TextPart | ImagePart)[]; isError: boolean; at?: string };

export type Part = TextPart | ImagePart | ReasoningPart | ToolCallPart | ToolResultPart;
/**
 * A turn of the conversation. A `system` turn is an instruction given mid-conversation (Claude Code
 * sends its environment so, after the first user turn): text parts only, kept in place.
 */
export type Message = { role: "user" | "assistant" | "system"; content: Part[] };

/** A tool, as a function with a JSON schema (custom and local_shell tools too: see ToolKind). */
export type Tool = { name: string; description?: string; parameters: Record<string, unknown>; kind?: ToolKind };
export type ToolChoice = { type: "auto" } | { type: "required" } | { type: "none" } | { type: "tool"; name: string };

/** A request, decoded. Optional fields are absent when the client did not send them. */
export type ChatRequest = {
  model: string;
  /** System (and developer) instructions, in order. */
  system: TextPart[];
  messages: Message[];
  tools?: Tool[];
  toolChoice?: ToolChoice;
  /** false = at most one tool call per turn (OpenAI parallel_tool_calls: false, Anthropic disable_parallel_tool_use: true). */
  parallelToolCalls?: boolean;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  /** An end-user id for the upstream's abuse tracking (OpenAI `user`, Anthropic `metadata.user_id`). */
  user?: string;
  stream: boolean;
  /** OpenAI clients: whether the stream should end with a usage chunk (stream_options.include_usage). */
  includeUsage?: boolean;
};

/** Why the model stopped. */
export type StopReason = "end_turn" | "max_tokens" | "tool_calls" | "stop_sequence" | "content_filter" | "pause" | "other";

/** A whole (non-streamed) answer, decoded: its parts are text, reasoning and tool calls, in order. */
export type ChatResponse = {
  id: string;
  model: string;
  content: (TextPart | ReasoningPart | ToolCallPart)[];
  stopReason: StopReason;
  /** The stop sequence that ended the answer, when the upstream says which. */
  stopSequence?: string;
  usage?: Usage;
};

/**
 * A streamed answer, decoded into events. Tool calls are numbered by `index` (the order they started
 * in); an encoder opens and closes its own blocks around them.
 */
export type StreamEvent =
  | { type: "start"; id: string; model: string; usage?: Usage }
  | { type: "text"; text: string }
  | { type: "reasoning"; text: string }
  | { type: "reasoning_signature"; signature: string }
  | { type: "tool_call_start"; index: number; id: string; name: string }
  | { type: "tool_call_delta"; index: number; arguments: string }
  | { type: "finish"; stopReason: StopReason; stopSequence?: string }
  | { type: "usage"; usage: Usage }
  | { type: "error"; kind: ErrorKind; message: string };

/** What went wrong, in terms both APIs have an error type for. */
export type ErrorKind = "invalid_request" | "authentication" | "permission" | "not_found" | "rate_limit" | "overloaded" | "api_error";

type Json = Record<string, unknown>;

/** A decoded request, and the client's fields dropped on the way as advisory (their paths, e.g. `system[0].cache_control`). */
export type Decoded = { request: ChatRequest; dropped: string[] };
/** An encoded request body, and what the encoder dropped as advisory. */
export type Encoded = { body: Json; dropped: string[] };

/** Reads an upstream's stream, one parsed SSE data object at a time (`[DONE]` never reaches it). */
export type StreamDecoder = { push(event: Json): StreamEvent[]; end(): StreamEvent[] };
/** Writes a client's stream: SSE text, ready to send ("" when an event produces nothing yet). */
export type StreamEncoder = { push(event: StreamEvent): string; end(): string };

/**
 * Seals reasoning into an opaque Responses API `encrypted_content` and opens it again (the gateway
 * encrypts and authenticates with its own key): so an Anthropic thinking block, text and signature,
 * survives a round trip through a client that only carries it.
 */
export type Sealer = {
  seal(reasoning: { text: string; signature?: string; redacted?: string }): string;
  /** The reasoning sealed by `seal`, or undefined for anything else (another server's, altered, another key). */
  open(sealed: string): { text: string; signature?: string; redacted?: string } | undefined;
};
