import { adapters } from "@/lib/gateway/styles";
import type { ChatResponse, StopReason } from "@/lib/translate/ir";
import { arr, type Json, obj, str } from "@/lib/translate/json";

// Anthropic Messages answers (non-streamed) ↔ the internal representation.

/** The style's stop reasons in and out (answers and streams alike). */
export const STOP_IN: Record<string, StopReason> = {
  end_turn: "end_turn",
  max_tokens: "max_tokens",
  model_context_window_exceeded: "max_tokens",
  stop_sequence: "stop_sequence",
  tool_use: "tool_calls",
  refusal: "content_filter",
  pause_turn: "pause",
};
export const STOP_OUT: Record<StopReason, string> = {
  end_turn: "end_turn",
  max_tokens: "max_tokens",
  stop_sequence: "stop_sequence",
  tool_calls: "tool_use",
  content_filter: "refusal",
  pause: "pause_turn",
  other: "end_turn",
};

export function decodeAnthropicResponse(json: Json): ChatResponse {
  const content: ChatResponse["content"] = [];
  for (const b of arr(json.content)) {
    const block = obj(b);
    if (block?.type === "text") content.push({ type: "text", text: str(block.text) ?? "" });
    else if (block?.type === "thinking") content.push({ type: "reasoning", text: str(block.thinking) ?? "", ...(str(block.signature) ? { signature: str(block.signature) } : {}) });
    else if (block?.type === "redacted_thinking") content.push({ type: "reasoning", text: "", redacted: str(block.data) ?? "" });
    else if (block?.type === "tool_use") content.push({ type: "tool_call", id: str(block.id) ?? "", name: str(block.name) ?? "", arguments: JSON.stringify(block.input ?? {}) });
    // Server tool blocks cannot occur: requests with server tools are refused.
  }
  const response: ChatResponse = {
    id: str(json.id) ?? "",
    model: str(json.model) ?? "",
    content,
    stopReason: STOP_IN[str(json.stop_reason) ?? ""] ?? "other",
  };
  if (str(json.stop_sequence) !== undefined) response.stopSequence = str(json.stop_sequence);
  const usage = adapters.anthropic.usageOfJson(json);
  if (usage) response.usage = usage;
  return response;
}

export function encodeAnthropicResponse(res: ChatResponse): Json {
  const content = res.content.map((p, i): Json => {
    if (p.type === "text") return { type: "text", text: p.text, citations: null };
    if (p.type === "reasoning") return p.redacted !== undefined ? { type: "redacted_thinking", data: p.redacted } : { type: "thinking", thinking: p.text, signature: p.signature ?? "" };
    return { type: "tool_use", id: p.id || `toolu_${i}`, name: p.name, input: toolInput(p.arguments) };
  });
  const usage = res.usage ?? { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  return {
    id: res.id.startsWith("msg_") ? res.id : `msg_${res.id.replace(/^chatcmpl-/, "")}`,
    type: "message",
    role: "assistant",
    model: res.model,
    content,
    stop_reason: STOP_OUT[res.stopReason],
    stop_sequence: res.stopSequence ?? null,
    usage: {
      // Anthropic counts the uncached input apart from the cache reads and writes.
      input_tokens: Math.max(0, usage.input - usage.cacheRead - usage.cacheWrite),
      output_tokens: usage.output,
      cache_read_input_tokens: usage.cacheRead,
      cache_creation_input_tokens: usage.cacheWrite,
    },
  };
}

/** A generated tool call's input; a model's malformed arguments are kept under `arguments` rather than lost. */
function toolInput(args: string): Json {
  if (args.trim() === "") return {};
  try {
    const input = obj(JSON.parse(args));
    if (input) return input;
  } catch {
    // Not JSON: kept below.
  }
  return { arguments: args };
}
