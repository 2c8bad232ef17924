import type { ApiStyle, OutputCapField } from "@/db/enums";
import { applyOutputCap } from "@/lib/budgets/bounds";
import type { Json } from "./request";

// What a template or a CC profile does to a call's body, in the client's own style, before it is
// resolved and translated (issue 16: the call's transform step will apply it): the target model, an
// instruction put first where that style keeps instructions, the output cap lowered (never raised), a
// temperature, a ceiling on Anthropic's thinking budget. Pure; the gateway wiring comes with issue 16.

export type Overlay = {
  /** `model@endpoint` the call goes to instead of the name it asked for. */
  model: string;
  /** Put before the client's own instructions. */
  systemPrompt?: string;
  maxTokens?: number;
  temperature?: number;
  /** A ceiling on an Anthropic thinking budget (a CC profile's reasoning max tokens). */
  thinkingMax?: number;
};

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The body with the overlay applied; `capField` is the endpoint's (an OpenAI Chat upstream may take max_completion_tokens). */
export function applyOverlay(style: ApiStyle, body: Json, o: Overlay, capField: OutputCapField = "max_tokens"): Json {
  let out: Json = { ...body, model: o.model };
  if (o.systemPrompt) out = withInstruction(style, out, o.systemPrompt);
  // The same lowering the budget applies (every cap field sent, or the style's own added; thinking kept below it).
  if (o.maxTokens !== undefined) out = applyOutputCap(style, out, o.maxTokens, capField).body;
  if (o.temperature !== undefined) out.temperature = o.temperature;
  if (o.thinkingMax !== undefined && isObject(out.thinking) && typeof out.thinking.budget_tokens === "number" && out.thinking.budget_tokens > o.thinkingMax)
    out.thinking = { ...out.thinking, budget_tokens: o.thinkingMax };
  return out;
}

/** `prompt` first among the body's instructions: a leading system message, Anthropic's system, Responses' instructions. */
function withInstruction(style: ApiStyle, body: Json, prompt: string): Json {
  if (style === "openai") return { ...body, messages: [{ role: "system", content: prompt }, ...(Array.isArray(body.messages) ? body.messages : [])] };
  if (style === "openai-responses") return { ...body, instructions: typeof body.instructions === "string" && body.instructions ? `${prompt}\n\n${body.instructions}` : prompt };
  const system = body.system;
  if (Array.isArray(system)) return { ...body, system: [{ type: "text", text: prompt }, ...system] };
  return { ...body, system: typeof system === "string" && system ? `${prompt}\n\n${system}` : prompt };
}
