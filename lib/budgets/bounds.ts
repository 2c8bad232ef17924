import type { ApiStyle, OutputCapField } from "@/db/enums";
import type { Json } from "@/lib/gateway/request";

// Upper bounds of a call's tokens, reserved against the budgets before the call is forwarded (issue 9):
// an input bound computed on the body exactly as it is sent, plus the output cap × n. Pure: the body
// and the allowances come in as parameters; nothing here reads configuration or does I/O.

/** Tokens counted for what the body's bytes do not show. */
export type Allowances = {
  /** One image, whatever its size (the bytes of its data or URL are not counted). */
  imageTokens: number;
  /** The prompt a provider adds, unseen, when a call has tools; also each Anthropic-defined client tool. */
  toolsTokens: number;
};

// An image costs Claude about 1,600 tokens and GPT-4o at most ~1,500 at high detail; models that count
// more (gpt-4o-mini, high-resolution modes) need a larger configured allowance.
export const DEFAULT_ALLOWANCES: Readonly<Allowances> = Object.freeze({ imageTokens: 3000, toolsTokens: 1024 });

/** Anthropic refuses an extended-thinking budget below this. */
export const MIN_THINKING_BUDGET = 1024;

export type InputBound = {
  tokens: number;
  /** Where the body holds input that no bound covers, e.g. `messages[1].content[0]: a document (PDF or file)`. */
  unbounded?: string;
};

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const utf8 = (s: string) => Buffer.byteLength(s, "utf8");

/** What a walk over the body finds besides its bytes. */
type Tally = { images: number; imageBytes: number; hiddenTools: number; unbounded?: string };

const image = (t: Tally, ref: unknown) => {
  t.images++;
  // The raw string is never longer than its JSON encoding, so subtracting it never subtracts too much.
  if (typeof ref === "string") t.imageBytes += utf8(ref);
};
// The first one found is enough to name: the caller treats the whole call as unbounded.
const cannot = (t: Tally, path: string, what: string) => {
  t.unbounded ??= `${path}: ${what}`;
};

/**
 * An upper bound of the input tokens of `body`, sent as is. Every token of a byte-level BPE is at
 * least one byte, and the JSON punctuation and role names more than cover the chat template's tokens,
 * so the UTF-8 length of the JSON is a bound — except for what the provider expands: images (counted
 * by allowance), the hidden tool prompt (an allowance when there are tools), and inputs no bound
 * covers (documents, files by id, audio, server-side tools and search, MCP servers), named in
 * `unbounded`. `sent` is the JSON text when the caller already has it.
 */
export function inputBound(style: ApiStyle, body: Json, allowances: Allowances, sent: string = JSON.stringify(body)): InputBound {
  const t: Tally = { images: 0, imageBytes: 0, hiddenTools: 0 };
  if (style === "openai") scanOpenAI(body, t);
  else if (style === "anthropic") scanAnthropic(body, t);
  else scanResponses(body, t);
  const tools = nonEmpty(body.tools) || (style !== "anthropic" && nonEmpty(body.functions));
  const tokens =
    utf8(sent) - t.imageBytes + t.images * allowances.imageTokens + ((tools ? 1 : 0) + t.hiddenTools) * allowances.toolsTokens;
  return t.unbounded ? { tokens, unbounded: t.unbounded } : { tokens };
}

const nonEmpty = (v: unknown) => Array.isArray(v) && v.length > 0;
const named = (type: unknown) => (typeof type === "string" ? `\`${type}\`` : "untyped");

function scanOpenAI(body: Json, t: Tally) {
  if (Array.isArray(body.messages)) {
    body.messages.forEach((m, i) => {
      if (!isObject(m)) return;
      // An earlier audio answer referred to by id: the provider puts its audio back into the input.
      if (m.audio != null) cannot(t, `messages[${i}].audio`, "a previous audio reply");
      if (Array.isArray(m.content)) m.content.forEach((part, j) => openaiPart(part, `messages[${i}].content[${j}]`, t));
    });
  }
  if (Array.isArray(body.tools)) {
    body.tools.forEach((tool, i) => {
      // Function and custom tools are their JSON; any other type is a built-in the provider expands.
      const type = isObject(tool) ? tool.type : undefined;
      if (type !== undefined && type !== "function" && type !== "custom") cannot(t, `tools[${i}]`, `a built-in tool (${named(type)})`);
    });
  }
  if (body.web_search_options != null) cannot(t, "web_search_options", "web search results");
}

/** The Responses API's input: a string, or items whose content parts may hold images or files. */
function scanResponses(body: Json, t: Tally) {
  if (Array.isArray(body.input)) {
    body.input.forEach((item, i) => {
      if (!isObject(item)) return;
      if (item.type === "item_reference") cannot(t, `input[${i}]`, "a stored item referred to by id");
      const parts = Array.isArray(item.content) ? item.content : Array.isArray(item.output) ? item.output : [];
      parts.forEach((part, j) => {
        if (!isObject(part)) return;
        const path = `input[${i}].${Array.isArray(item.content) ? "content" : "output"}[${j}]`;
        if (part.type === "input_image") {
          if (typeof part.image_url === "string") image(t, part.image_url);
          else cannot(t, path, "an image by file id (Files API)");
        } else if (part.type === "input_file" || part.type === "input_audio") cannot(t, path, "a file or audio input");
      });
    });
  }
  if (Array.isArray(body.tools)) {
    body.tools.forEach((tool, i) => {
      const type = isObject(tool) ? tool.type : undefined;
      if (type !== "function" && type !== "custom" && type !== "local_shell") cannot(t, `tools[${i}]`, `a built-in tool (${named(type)})`);
    });
  }
}

function openaiPart(part: unknown, path: string, t: Tally) {
  if (!isObject(part)) return;
  switch (part.type) {
    case "text":
    case "refusal":
      return;
    case "image_url":
      // Also the bare-string form some compatible servers take: an http URL is a few bytes for a whole image.
      image(t, isObject(part.image_url) ? part.image_url.url : part.image_url);
      return;
    case "input_audio":
      return cannot(t, path, "audio input");
    case "file":
      return cannot(t, path, "a file (PDF or document)");
    default:
      // Unknown parts (video, audio URLs on compatible servers, ...) may expand like images or worse.
      return cannot(t, path, `a content part of type ${named(part.type)}`);
  }
}

// Anthropic-defined client tools: the client runs them, but the provider sends the model a schema the
// request's JSON does not show (bash ~245 tokens, text editor ~700, computer ~735 plus its own system
// prompt), so each counts one more tools allowance. Every other typed tool runs on Anthropic's servers
// (web search and fetch, code execution, tool search, MCP toolsets, ...) and adds input no bound
// covers, as does a type newer than this list.
const ANTHROPIC_CLIENT_TOOLS = /^(bash|text_editor|computer|memory)_\d+$/;

function scanAnthropic(body: Json, t: Tally) {
  if (Array.isArray(body.system)) body.system.forEach((block, i) => anthropicBlock(block, `system[${i}]`, t));
  if (Array.isArray(body.messages)) {
    body.messages.forEach((m, i) => {
      if (isObject(m) && Array.isArray(m.content)) m.content.forEach((block, j) => anthropicBlock(block, `messages[${i}].content[${j}]`, t));
    });
  }
  if (Array.isArray(body.tools)) {
    body.tools.forEach((tool, i) => {
      const type = isObject(tool) ? tool.type : undefined;
      if (type === undefined || type === null || type === "custom") return;
      if (typeof type === "string" && ANTHROPIC_CLIENT_TOOLS.test(type)) t.hiddenTools++;
      else cannot(t, `tools[${i}]`, `a server-side tool (${named(type)})`);
    });
  }
  if (nonEmpty(body.mcp_servers)) cannot(t, "mcp_servers", "tools from remote MCP servers");
}

function anthropicBlock(block: unknown, path: string, t: Tally) {
  if (!isObject(block)) return;
  switch (block.type) {
    case "text":
    case "tool_use":
    case "search_result":
    // A thinking block's signature, and a redacted block's data, carry the full thinking encrypted:
    // base64 of ciphertext is longer than the thinking's tokens, so their bytes bound them.
    case "thinking":
    case "redacted_thinking":
      return;
    case "image":
      return anthropicImage(block.source, path, t);
    case "tool_result":
      if (Array.isArray(block.content)) block.content.forEach((inner, k) => anthropicBlock(inner, `${path}.content[${k}]`, t));
      return;
    case "document":
      return cannot(t, path, "a document (PDF or file)");
    case "container_upload":
      return cannot(t, path, "a file uploaded to the code execution container");
    default:
      // Server-tool results (their content is fetched or encrypted upstream), MCP results, newer types.
      return cannot(t, path, `a content block of type ${named(block.type)}`);
  }
}

function anthropicImage(source: unknown, path: string, t: Tally) {
  const type = isObject(source) ? source.type : undefined;
  if (type === "base64") return image(t, (source as Json).data);
  if (type === "url") return image(t, (source as Json).url);
  if (type === "file") return cannot(t, path, "an image by file id (Files API)");
  cannot(t, path, `an image from a source of type ${named(type)}`);
}

/** The output cap fields a client may send; `max_output_tokens` is the Responses API's. */
const CAP_FIELDS = ["max_tokens", "max_completion_tokens", "max_output_tokens"] as const;

const capOf = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : undefined);

/** The client's own output cap (the smallest it sent; none = the model's maximum) and how many choices it asked for. */
export function requestedOutput(style: ApiStyle, body: Json): { cap: number | undefined; n: number } {
  let cap: number | undefined;
  for (const field of style === "anthropic" ? (["max_tokens"] as const) : CAP_FIELDS) {
    const v = capOf(body[field]);
    if (v !== undefined) cap = cap === undefined ? v : Math.min(cap, v);
  }
  const n = style === "openai" && typeof body.n === "number" && Number.isInteger(body.n) && body.n > 1 ? body.n : 1;
  return { cap, n };
}

/**
 * A copy of `body` whose output is capped at `cap`: every cap field the client sent is lowered to it,
 * and when it sent none, `capField` is added (Anthropic: always `max_tokens`). `lowered` says the client
 * may get less than it asked for. An Anthropic thinking budget must stay below max_tokens, so it is
 * lowered with it, and thinking is dropped when the room left is under MIN_THINKING_BUDGET.
 */
export function applyOutputCap(style: ApiStyle, body: Json, cap: number, capField: OutputCapField): { body: Json; lowered: boolean } {
  const out: Json = { ...body };
  let lowered = false;
  let sent = false;
  for (const field of CAP_FIELDS) {
    const v = body[field];
    if (v === undefined) continue;
    // A null cap (OpenAI takes it as "none") is dropped: the cap set below stands in for it.
    if (v === null) {
      delete out[field];
      continue;
    }
    sent = true;
    // Anything but a number within the cap is replaced, so the cap holds even for a body never validated.
    if (!(typeof v === "number" && v <= cap)) {
      out[field] = cap;
      lowered = true;
    }
  }
  if (style === "anthropic" ? out.max_tokens === undefined : !sent) {
    out[style === "anthropic" ? "max_tokens" : style === "openai-responses" ? "max_output_tokens" : capField] = cap;
    lowered = true;
  }
  if (style === "anthropic" && out.max_tokens !== body.max_tokens && capThinking(out)) lowered = true;
  return { body: out, lowered };
}

/** Keeps an enabled thinking budget below the lowered max_tokens, or drops thinking; true when it changed. */
function capThinking(out: Json): boolean {
  const thinking = out.thinking;
  if (!isObject(thinking) || thinking.type !== "enabled") return false;
  const max = out.max_tokens as number;
  if (typeof thinking.budget_tokens === "number" && thinking.budget_tokens < max) return false;
  if (max - 1 < MIN_THINKING_BUDGET) delete out.thinking;
  else out.thinking = { ...thinking, budget_tokens: max - 1 };
  return true;
}

/** The smallest output cap worth forwarding: below it the call is refused rather than cut short. */
export const minimumCap = (requested: number | undefined, modelMax: number) => Math.min(requested ?? modelMax, 1024);
