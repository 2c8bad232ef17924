import type { ChatRequest, Decoded, Encoded, ImagePart, Message, Part, TextPart, Tool, ToolChoice } from "@/lib/translate/ir";
import { arr, isSet, type Json, num, obj, object, parseArguments, refuse, refuseUnknown, str } from "@/lib/translate/json";

// Anthropic Messages requests ↔ the internal representation. Every top-level field is translated,
// advisory (dropped, its path listed) or refused (UntranslatableField); see lib/translate/README.md.

const TRANSLATED = ["model", "messages", "system", "tools", "tool_choice", "max_tokens", "temperature", "top_p", "stop_sequences", "metadata", "stream"];
// Hints that do not change what the answer says: prompt caching, extended thinking (the other
// side has no signed thinking to carry), effort, context editing, priority, top_k sampling.
const ADVISORY = ["top_k", "thinking", "context_management", "service_tier", "output_config"];
const SEMANTIC: Record<string, string> = {
  mcp_servers: "MCP servers are run by Anthropic's API; an OpenAI-compatible upstream has none",
  container: "code execution containers exist only in Anthropic's API",
};
const KNOWN = new Set([...TRANSLATED, ...ADVISORY, ...Object.keys(SEMANTIC)]);

export function decodeAnthropicRequest(body: Json): Decoded {
  refuseUnknown(body, KNOWN);
  for (const [field, why] of Object.entries(SEMANTIC)) if (isSet(body[field])) refuse(field, why);
  const dropped: string[] = [];
  for (const field of ADVISORY) if (field !== "output_config" && isSet(body[field])) dropped.push(field);
  if (isSet(body.output_config)) {
    const config = object(body.output_config, "output_config");
    // Effort is a hint; a format (structured output) changes the answer.
    if (isSet(config.format)) refuse("output_config.format", "structured output formats are not translated");
    for (const key of Object.keys(config)) dropped.push(`output_config.${key}`);
  }

  const request: ChatRequest = {
    model: str(body.model) ?? "",
    system: decodeSystem(body.system, dropped),
    messages: arr(body.messages).map((m, i) => decodeMessage(m, `messages[${i}]`, dropped)),
    stream: body.stream === true,
  };
  if (isSet(body.tools)) request.tools = arr(body.tools).map((t, i) => decodeTool(t, `tools[${i}]`, dropped));
  if (isSet(body.tool_choice)) {
    const choice = object(body.tool_choice, "tool_choice");
    request.toolChoice = decodeToolChoice(choice);
    if (choice.disable_parallel_tool_use === true) request.parallelToolCalls = false;
  }
  if (num(body.max_tokens) !== undefined) request.maxTokens = num(body.max_tokens);
  if (num(body.temperature) !== undefined) request.temperature = num(body.temperature);
  if (num(body.top_p) !== undefined) request.topP = num(body.top_p);
  if (isSet(body.stop_sequences)) request.stop = arr(body.stop_sequences).filter((s): s is string => typeof s === "string");
  if (isSet(body.metadata)) {
    const metadata = object(body.metadata, "metadata");
    if (str(metadata.user_id) !== undefined) request.user = str(metadata.user_id);
  }
  return { request, dropped };
}

function decodeSystem(system: unknown, dropped: string[]): TextPart[] {
  if (!isSet(system)) return [];
  if (typeof system === "string") return [{ type: "text", text: system }];
  return arr(system).map((b, i) => {
    const block = object(b, `system[${i}]`);
    if (block.type !== "text") refuse(`system[${i}]`, `system blocks of type "${String(block.type)}" are not translated`);
    if (isSet(block.cache_control)) dropped.push(`system[${i}].cache_control`);
    return { type: "text", text: str(block.text) ?? "" };
  });
}

function decodeMessage(m: unknown, at: string, dropped: string[]): Message {
  const message = object(m, at);
  const role = message.role === "assistant" || message.role === "user" || message.role === "system" ? message.role : refuse(`${at}.role`, `the role "${String(message.role)}" is not translated`);
  if (typeof message.content === "string") return { role, content: [{ type: "text", text: message.content }] };
  const content = arr(message.content).map((b, j) => decodeBlock(b, `${at}.content[${j}]`, dropped));
  if (role === "system") content.forEach((p, j) => p.type !== "text" && refuse(`${at}.content[${j}]`, "a system turn holds text only"));
  return { role, content };
}

function decodeBlock(b: unknown, at: string, dropped: string[]): Part {
  const block = object(b, at);
  if (isSet(block.cache_control)) dropped.push(`${at}.cache_control`);
  switch (block.type) {
    case "text":
      return { type: "text", text: str(block.text) ?? "" };
    case "image":
      return decodeImage(block, at);
    case "tool_use":
      return { type: "tool_call", id: str(block.id) ?? "", name: str(block.name) ?? "", arguments: JSON.stringify(block.input ?? {}) };
    case "tool_result": {
      const content: (TextPart | ImagePart)[] =
        typeof block.content === "string"
          ? [{ type: "text", text: block.content }]
          : arr(block.content).map((c, k) => {
              const inner = object(c, `${at}.content[${k}]`);
              if (isSet(inner.cache_control)) dropped.push(`${at}.content[${k}].cache_control`);
              if (inner.type === "text") return { type: "text", text: str(inner.text) ?? "" };
              if (inner.type === "image") return decodeImage(inner, `${at}.content[${k}]`);
              return refuse(`${at}.content[${k}]`, `tool result blocks of type "${String(inner.type)}" are not translated`);
            });
      return { type: "tool_result", toolCallId: str(block.tool_use_id) ?? "", content, isError: block.is_error === true, at };
    }
    case "thinking":
      return { type: "reasoning", text: str(block.thinking) ?? "", ...(str(block.signature) ? { signature: str(block.signature) } : {}) };
    case "redacted_thinking":
      return { type: "reasoning", text: "", redacted: str(block.data) ?? "" };
    case "document":
      return refuse(at, "documents (PDF, text files) have no Chat Completions equivalent that OpenAI-compatible servers accept");
    default:
      return refuse(at, `content blocks of type "${String(block.type)}" are not translated`);
  }
}

function decodeImage(block: Json, at: string): ImagePart {
  const source = object(block.source, `${at}.source`);
  if (source.type === "base64") return { type: "image", source: { kind: "base64", mediaType: str(source.media_type) ?? "", data: str(source.data) ?? "" }, at };
  if (source.type === "url") return { type: "image", source: { kind: "url", url: str(source.url) ?? "" }, at };
  return refuse(`${at}.source`, `image sources of type "${String(source.type)}" are not translated`);
}

function decodeTool(t: unknown, at: string, dropped: string[]): Tool {
  const tool = object(t, at);
  // Server tools (web search, bash, text editor, …) run inside Anthropic's API.
  if (isSet(tool.type) && tool.type !== "custom") refuse(at, `"${String(tool.type)}" is a server tool that only Anthropic's API runs`);
  // defer_loading (tool search) only delays when a definition is read; here every one is sent.
  for (const key of ["cache_control", "strict", "defer_loading"]) if (isSet(tool[key])) dropped.push(`${at}.${key}`);
  return {
    name: str(tool.name) ?? "",
    ...(str(tool.description) !== undefined ? { description: str(tool.description) } : {}),
    parameters: obj(tool.input_schema) ?? { type: "object", properties: {} },
  };
}

function decodeToolChoice(choice: Json): ToolChoice {
  switch (choice.type) {
    case "auto":
      return { type: "auto" };
    case "any":
      return { type: "required" };
    case "none":
      return { type: "none" };
    case "tool":
      return { type: "tool", name: str(choice.name) ?? "" };
    default:
      return refuse("tool_choice.type", `"${String(choice.type)}" is not a tool choice Tollgate knows`);
  }
}

export function encodeAnthropicRequest(req: ChatRequest, opts: { model: string; defaultMaxTokens: number }): Encoded {
  const dropped: string[] = [];
  // Anthropic's range is 0–1 where OpenAI's is 0–2: a higher temperature has no equivalent.
  if (req.temperature !== undefined && req.temperature > 1) refuse("temperature", "Anthropic's temperature goes from 0 to 1");
  const body: Json = { model: opts.model, max_tokens: req.maxTokens ?? opts.defaultMaxTokens };
  // Anthropic refuses empty text blocks, which OpenAI clients send now and then (`content: ""`): they say nothing.
  const system = req.system.filter((p) => p.text !== "");
  if (system.length > 0) body.system = system.map((p) => ({ type: "text", text: p.text }));
  body.messages = encodeMessages(req.messages, dropped);
  // A tool choice means nothing without tools, and APIs refuse one sent alone (or an empty tool list).
  if (req.tools && req.tools.length > 0) {
    body.tools = req.tools.map((t) => ({ name: t.name, ...(t.description !== undefined ? { description: t.description } : {}), input_schema: t.parameters }));
    const choice = encodeToolChoice(req.toolChoice, req.parallelToolCalls === false);
    if (choice) body.tool_choice = choice;
  }
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.stop && req.stop.length > 0) body.stop_sequences = req.stop;
  if (req.user !== undefined) body.metadata = { user_id: req.user };
  if (req.stream) body.stream = true;
  return { body, dropped };
}

function encodeToolChoice(choice: ToolChoice | undefined, serial: boolean): Json | undefined {
  const parallel = serial ? { disable_parallel_tool_use: true } : {};
  if (!choice) return serial ? { type: "auto", ...parallel } : undefined;
  switch (choice.type) {
    case "auto":
      return { type: "auto", ...parallel };
    case "required":
      return { type: "any", ...parallel };
    case "none":
      return { type: "none" };
    case "tool":
      return { type: "tool", name: choice.name, ...parallel };
  }
}

/**
 * Anthropic wants user and assistant turns to alternate, and tool results at the start of the user
 * turn after the tool calls: consecutive messages of one role (OpenAI's tool messages and the user
 * message after them) become one turn, its tool results first.
 */
function encodeMessages(messages: Message[], dropped: string[]): Json[] {
  const turns: { role: Message["role"]; blocks: Json[] }[] = [];
  messages.forEach((m, i) => {
    const blocks = m.content.flatMap((p, j) => encodePart(p, `messages[${i}].content[${j}]`, dropped));
    const last = turns.at(-1);
    if (last && last.role === m.role && m.role !== "system") last.blocks.push(...blocks);
    else turns.push({ role: m.role, blocks });
  });
  return turns.map(({ role, blocks }) => ({
    role,
    content: [...blocks.filter((b) => b.type === "tool_result"), ...blocks.filter((b) => b.type !== "tool_result")],
  }));
}

function encodePart(part: Part, at: string, dropped: string[]): Json[] {
  switch (part.type) {
    case "text":
      return part.text === "" ? [] : [{ type: "text", text: part.text }];
    case "image":
      return [encodeImage(part)];
    case "reasoning":
      if (part.redacted !== undefined) return [{ type: "redacted_thinking", data: part.redacted }];
      if (part.signature !== undefined) return [{ type: "thinking", thinking: part.text, signature: part.signature }];
      // Anthropic refuses thinking it did not sign; unsigned reasoning is context only.
      dropped.push(at);
      return [];
    case "tool_call":
      return [{ type: "tool_use", id: part.id, name: part.name, input: parseArguments(part.arguments, at) }];
    case "tool_result": {
      const content = part.content.length === 1 && part.content[0].type === "text" ? part.content[0].text : part.content.map((c) => (c.type === "text" ? { type: "text", text: c.text } : encodeImage(c)));
      return [{ type: "tool_result", tool_use_id: part.toolCallId, content, ...(part.isError ? { is_error: true } : {}) }];
    }
  }
}

const encodeImage = (image: ImagePart): Json => ({
  type: "image",
  source: image.source.kind === "base64" ? { type: "base64", media_type: image.source.mediaType, data: image.source.data } : { type: "url", url: image.source.url },
});
