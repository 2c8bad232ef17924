import type { Sealer } from "@/lib/translate/ir";

// Builders shared by the translation tests: upstream answers and Anthropic stream events of real shape,
// and a sealer whose output can be read in a test (the gateway's own encrypts: lib/gateway/sealer).

type Json = Record<string, unknown>;

/** A whole Chat Completions answer with one choice. */
export const completion = (message: Json, finish_reason: string, usage?: Json): Json => ({
  id: "chatcmpl-abc",
  object: "chat.completion",
  created: 1,
  model: "qwen3-coder",
  choices: [{ index: 0, message: { role: "assistant", ...message }, logprobs: null, finish_reason }],
  ...(usage ? { usage } : {}),
});

/** A whole Anthropic message. */
export const anthropicMessage = (content: Json[], stop_reason: string, usage: Json = { input_tokens: 10, output_tokens: 5 }, stop_sequence: string | null = null): Json => ({
  id: "msg_01XYZ",
  type: "message",
  role: "assistant",
  model: "claude-sonnet-4-5",
  content,
  stop_reason,
  stop_sequence,
  usage,
});

/** Anthropic stream events: a content block's start, a delta in it, its stop. */
export const ab = (index: number, content_block: Json) => ({ type: "content_block_start", index, content_block });
export const ad = (index: number, delta: Json) => ({ type: "content_block_delta", index, delta });
export const as = (index: number) => ({ type: "content_block_stop", index });

/** Seals in plain sight: `sealed:` + the JSON. */
export const testSealer: Sealer = { seal: (r) => "sealed:" + JSON.stringify(r), open: (s) => (s.startsWith("sealed:") ? JSON.parse(s.slice(7)) : undefined) };
