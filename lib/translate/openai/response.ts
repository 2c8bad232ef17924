import { adapters } from "@/lib/gateway/styles";
import type { ChatResponse, StopReason } from "@/lib/translate/ir";
import { arr, type Json, obj, str } from "@/lib/translate/json";

// OpenAI Chat Completions answers (non-streamed) ↔ the internal representation.

/** The style's stop reasons in and out (answers and streams alike). */
export const STOP_IN: Record<string, StopReason> = {
  stop: "end_turn",
  length: "max_tokens",
  tool_calls: "tool_calls",
  function_call: "tool_calls",
  content_filter: "content_filter",
};
export const STOP_OUT: Record<StopReason, string> = {
  end_turn: "stop",
  // OpenAI has no reason of its own for a matched stop sequence.
  stop_sequence: "stop",
  max_tokens: "length",
  tool_calls: "tool_calls",
  content_filter: "content_filter",
  pause: "stop",
  other: "stop",
};

export function decodeOpenAIResponse(json: Json): ChatResponse {
  const choice = obj(arr(json.choices)[0]) ?? {};
  const message = obj(choice.message) ?? {};
  const content: ChatResponse["content"] = [];
  // vLLM and DeepSeek say reasoning_content, Ollama and others reasoning.
  const reasoning = str(message.reasoning_content) ?? str(message.reasoning);
  if (reasoning) content.push({ type: "reasoning", text: reasoning });
  const text = str(message.content) ?? arr(message.content).map((p) => str(obj(p)?.text) ?? "").join("");
  if (text) content.push({ type: "text", text });
  if (str(message.refusal)) content.push({ type: "text", text: str(message.refusal)! });
  for (const c of arr(message.tool_calls)) {
    const call = obj(c);
    const fn = obj(call?.function);
    if (fn) content.push({ type: "tool_call", id: str(call?.id) ?? "", name: str(fn.name) ?? "", arguments: str(fn.arguments) ?? "" });
  }
  let stopReason = STOP_IN[str(choice.finish_reason) ?? ""] ?? "other";
  // Some servers (Ollama) finish with "stop" after tool calls; the client must see a tool turn.
  if (stopReason === "end_turn" && content.some((p) => p.type === "tool_call")) stopReason = "tool_calls";
  if (str(message.refusal) && stopReason === "end_turn") stopReason = "content_filter";
  const response: ChatResponse = { id: str(json.id) ?? "", model: str(json.model) ?? "", content, stopReason };
  const usage = adapters.openai.usageOfJson(json);
  if (usage) response.usage = usage;
  return response;
}

export function encodeOpenAIResponse(res: ChatResponse): Json {
  const texts = res.content.flatMap((p) => (p.type === "text" ? [p.text] : []));
  const reasoning = res.content.flatMap((p) => (p.type === "reasoning" && p.redacted === undefined ? [p.text] : []));
  const toolCalls = res.content.flatMap((p) => (p.type === "tool_call" ? [{ id: p.id, type: "function", function: { name: p.name, arguments: p.arguments } }] : []));
  const message: Json = { role: "assistant", content: texts.length > 0 ? texts.join("") : null, refusal: null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning.length > 0) message.reasoning_content = reasoning.join("");
  const json: Json = {
    id: res.id.startsWith("chatcmpl-") ? res.id : `chatcmpl-${res.id.replace(/^msg_/, "")}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: res.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: STOP_OUT[res.stopReason] }],
  };
  if (res.usage) {
    const u = res.usage;
    // prompt_tokens counts all the input, the cached part included.
    json.usage = { prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.input + u.output, prompt_tokens_details: { cached_tokens: u.cacheRead } };
  }
  return json;
}
