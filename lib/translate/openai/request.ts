import type { ChatRequest, Decoded, Encoded, ImagePart, Message, Part, TextPart, Tool, ToolChoice } from "@/lib/translate/ir";
import { arr, isSet, type Json, num, obj, object, parseArguments, parseDataUrl, refuse, refuseUnknown, str } from "@/lib/translate/json";

// OpenAI Chat Completions requests ↔ the internal representation. Every top-level field is
// translated, advisory (dropped, its path listed) or refused (UntranslatableField); see
// lib/translate/README.md.

const TRANSLATED = ["model", "messages", "tools", "tool_choice", "parallel_tool_calls", "max_tokens", "max_completion_tokens", "temperature", "top_p", "stop", "user", "stream", "stream_options"];
// Storage, billing, caching and determinism hints, and reasoning effort: Anthropic's extended
// thinking needs its signed thinking blocks back on tool turns, and Chat Completions cannot carry them.
const ADVISORY = ["store", "service_tier", "metadata", "seed", "prediction", "reasoning_effort", "prompt_cache_key", "safety_identifier", "verbosity"];
// Known fields that are advisory at their no-op value and refused otherwise (checked below).
const CONDITIONAL = ["n", "logprobs", "top_logprobs", "logit_bias", "frequency_penalty", "presence_penalty", "response_format", "modalities"];
const SEMANTIC: Record<string, string> = {
  audio: "Anthropic's API answers in text only",
  web_search_options: "web search runs inside OpenAI's API",
  functions: "legacy functions are not translated; use tools",
  function_call: "legacy function_call is not translated; use tool_choice",
};
const KNOWN = new Set([...TRANSLATED, ...ADVISORY, ...CONDITIONAL, ...Object.keys(SEMANTIC)]);

export function decodeOpenAIRequest(body: Json): Decoded {
  refuseUnknown(body, KNOWN);
  for (const [field, why] of Object.entries(SEMANTIC)) if (isSet(body[field])) refuse(field, why);
  const dropped: string[] = ADVISORY.filter((field) => isSet(body[field]));
  checkConditional(body, dropped);

  const request: ChatRequest = { model: str(body.model) ?? "", system: [], messages: [], stream: body.stream === true };
  arr(body.messages).forEach((m, i) => decodeMessage(m, `messages[${i}]`, request, dropped));
  if (isSet(body.tools)) request.tools = arr(body.tools).map((t, i) => decodeTool(t, `tools[${i}]`, dropped));
  if (isSet(body.tool_choice)) request.toolChoice = decodeToolChoice(body.tool_choice);
  if (body.parallel_tool_calls === false) request.parallelToolCalls = false;
  // Both caps may come (old and new name): the smaller one binds.
  const caps = [num(body.max_tokens), num(body.max_completion_tokens)].filter((n): n is number => n !== undefined);
  if (caps.length > 0) request.maxTokens = Math.min(...caps);
  if (num(body.temperature) !== undefined) request.temperature = num(body.temperature);
  if (num(body.top_p) !== undefined) request.topP = num(body.top_p);
  if (typeof body.stop === "string") request.stop = [body.stop];
  else if (isSet(body.stop)) request.stop = arr(body.stop).filter((s): s is string => typeof s === "string");
  if (str(body.user) !== undefined) request.user = str(body.user);
  if (isSet(body.stream_options)) request.includeUsage = object(body.stream_options, "stream_options").include_usage === true;
  return { request, dropped };
}

/** Fields that are no-ops at one value (dropped) and change the answer at any other (refused). */
function checkConditional(body: Json, dropped: string[]): void {
  const noop = (field: string, isNoop: boolean, why: string) => {
    if (!isSet(body[field])) return;
    if (!isNoop) refuse(field, why);
    dropped.push(field);
  };
  noop("n", body.n === 1, "Anthropic's API gives one answer per call");
  noop("logprobs", body.logprobs === false, "Anthropic's API reports no log probabilities");
  noop("top_logprobs", body.top_logprobs === 0, "Anthropic's API reports no log probabilities");
  const bias = obj(body.logit_bias);
  noop("logit_bias", bias !== undefined && Object.keys(bias).length === 0, "Anthropic's API has no logit bias");
  noop("frequency_penalty", body.frequency_penalty === 0, "Anthropic's API has no frequency penalty");
  noop("presence_penalty", body.presence_penalty === 0, "Anthropic's API has no presence penalty");
  noop("response_format", obj(body.response_format)?.type === "text", "structured output (JSON mode, JSON schema) is not translated");
  noop("modalities", arr(body.modalities).every((m) => m === "text"), "Anthropic's API answers in text only");
}

function decodeMessage(m: unknown, at: string, request: ChatRequest, dropped: string[]): void {
  const message = object(m, at);
  if (isSet(message.name)) dropped.push(`${at}.name`);
  switch (message.role) {
    case "system":
    case "developer":
      // Anthropic has one system prompt: every system and developer message joins it, in order.
      request.system.push(...textParts(message.content, `${at}.content`));
      return;
    case "user":
      request.messages.push({ role: "user", content: userContent(message.content, at, dropped) });
      return;
    case "assistant":
      request.messages.push(decodeAssistant(message, at, dropped));
      return;
    case "tool":
      // A user turn of its own here; the Anthropic encoder folds consecutive ones (and the user message after them) into one turn.
      request.messages.push({
        role: "user",
        content: [{ type: "tool_result", toolCallId: str(message.tool_call_id) ?? "", content: textParts(message.content, `${at}.content`), isError: false, at }],
      });
      return;
    case "function":
      return refuse(`${at}.role`, "legacy function messages are not translated; use tools");
    default:
      return refuse(`${at}.role`, `the role "${String(message.role)}" is not translated`);
  }
}

/** Content that may only be text: a string, or text parts. */
function textParts(content: unknown, at: string): TextPart[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return arr(content).map((c, j) => {
    const part = object(c, `${at}[${j}]`);
    return part.type === "text" ? { type: "text", text: str(part.text) ?? "" } : refuse(`${at}[${j}]`, `parts of type "${String(part.type)}" are not translated here`);
  });
}

function userContent(content: unknown, at: string, dropped: string[]): Part[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return arr(content).map((c, j): Part => {
    const partAt = `${at}.content[${j}]`;
    const part = object(c, partAt);
    switch (part.type) {
      case "text":
        return { type: "text", text: str(part.text) ?? "" };
      case "image_url": {
        const image = object(part.image_url, `${partAt}.image_url`);
        if (isSet(image.detail)) dropped.push(`${partAt}.image_url.detail`);
        return decodeImageUrl(str(image.url) ?? "", partAt);
      }
      case "input_audio":
        return refuse(partAt, "Anthropic's API takes no audio input");
      case "file":
        return refuse(partAt, "file inputs are not translated");
      default:
        return refuse(partAt, `content parts of type "${String(part.type)}" are not translated`);
    }
  });
}

function decodeImageUrl(url: string, at: string): ImagePart {
  const data = parseDataUrl(url);
  return { type: "image", source: data ? { kind: "base64", ...data } : { kind: "url", url }, at };
}

function decodeAssistant(message: Json, at: string, dropped: string[]): Message {
  if (isSet(message.function_call)) refuse(`${at}.function_call`, "legacy function calls are not translated; use tool_calls");
  if (isSet(message.audio)) refuse(`${at}.audio`, "Anthropic's API answers in text only");
  // Reasoning some servers return (and some clients send back) has no signature Anthropic would accept.
  for (const key of ["reasoning_content", "reasoning"]) if (isSet(message[key])) dropped.push(`${at}.${key}`);
  const content: Part[] = [];
  // An earlier refusal is what the assistant said: it stays in the history as text.
  if (str(message.refusal)) content.push({ type: "text", text: str(message.refusal)! });
  if (typeof message.content === "string") {
    if (message.content !== "") content.push({ type: "text", text: message.content });
  } else {
    arr(message.content).forEach((c, j) => {
      const part = object(c, `${at}.content[${j}]`);
      if (part.type === "text") content.push({ type: "text", text: str(part.text) ?? "" });
      else if (part.type === "refusal") content.push({ type: "text", text: str(part.refusal) ?? "" });
      else refuse(`${at}.content[${j}]`, `assistant parts of type "${String(part.type)}" are not translated`);
    });
  }
  arr(message.tool_calls).forEach((c, j) => {
    const callAt = `${at}.tool_calls[${j}]`;
    const call = object(c, callAt);
    if (call.type !== undefined && call.type !== "function") refuse(`${callAt}.type`, `tool calls of type "${String(call.type)}" are not translated`);
    const fn = object(call.function, `${callAt}.function`);
    const args = str(fn.arguments) ?? "";
    // Anthropic takes the input as an object: check it here, where the client's path is known.
    parseArguments(args, `${callAt}.function.arguments`);
    content.push({ type: "tool_call", id: str(call.id) ?? "", name: str(fn.name) ?? "", arguments: args.trim() === "" ? "{}" : args });
  });
  return { role: "assistant", content };
}

function decodeTool(t: unknown, at: string, dropped: string[]): Tool {
  const tool = object(t, at);
  if (tool.type !== "function") refuse(`${at}.type`, `tools of type "${String(tool.type)}" are not translated`);
  const fn = object(tool.function, `${at}.function`);
  if (isSet(fn.strict)) dropped.push(`${at}.function.strict`);
  return {
    name: str(fn.name) ?? "",
    ...(str(fn.description) !== undefined ? { description: str(fn.description) } : {}),
    parameters: obj(fn.parameters) ?? { type: "object", properties: {} },
  };
}

function decodeToolChoice(choice: unknown): ToolChoice {
  if (choice === "auto" || choice === "none") return { type: choice };
  if (choice === "required") return { type: "required" };
  const named = obj(choice);
  if (named?.type === "function") return { type: "tool", name: str(object(named.function, "tool_choice.function").name) ?? "" };
  return refuse("tool_choice", "this tool choice is not translated");
}

export function encodeOpenAIRequest(req: ChatRequest, opts: { model: string; capField: "max_tokens" | "max_completion_tokens" }): Encoded {
  const dropped: string[] = [];
  // Chat Completions takes at most 4 stop sequences (only Anthropic clients can send more).
  if (req.stop && req.stop.length > 4) refuse("stop_sequences", "OpenAI-style APIs take at most 4 stop sequences");
  const messages: Json[] = [];
  // One system message, the parts joined by blank lines: some servers (chat templates) take only one, first.
  if (req.system.length > 0) messages.push({ role: "system", content: req.system.map((p) => p.text).join("\n\n") });
  req.messages.forEach((m, i) => messages.push(...encodeMessage(m, `messages[${i}]`, dropped)));
  const body: Json = { model: opts.model, messages };
  // A tool choice means nothing without tools, and APIs refuse one sent alone (or an empty tool list).
  if (req.tools && req.tools.length > 0) {
    body.tools = req.tools.map((t) => ({
      type: "function",
      function: { name: t.name, ...(t.description !== undefined ? { description: t.description } : {}), parameters: t.parameters },
    }));
    if (req.toolChoice) body.tool_choice = encodeToolChoice(req.toolChoice);
    if (req.parallelToolCalls === false) body.parallel_tool_calls = false;
  }
  if (req.maxTokens !== undefined) body[opts.capField] = req.maxTokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.stop && req.stop.length > 0) body.stop = req.stop;
  if (req.user !== undefined) body.user = req.user;
  // stream_options is the gateway's to add (it asks for the usage chunk itself).
  if (req.stream) body.stream = true;
  return { body, dropped };
}

const encodeToolChoice = (choice: ToolChoice): unknown => (choice.type === "tool" ? { type: "function", function: { name: choice.name } } : choice.type);

/** One IR message as OpenAI messages: a user turn's tool results become tool messages first. */
function encodeMessage(m: Message, at: string, dropped: string[]): Json[] {
  if (m.role === "assistant") return [encodeAssistant(m, at, dropped)];
  // Chat Completions takes a system message anywhere in the conversation.
  if (m.role === "system") return [{ role: "system", content: m.content.map((p) => (p.type === "text" ? p.text : "")).join("\n\n") }];
  const out: Json[] = [];
  const rest: Json[] = [];
  m.content.forEach((p, j) => {
    const partAt = `${at}.content[${j}]`;
    if (p.type === "tool_result") out.push(encodeToolResult(p, partAt));
    else if (p.type === "text") rest.push({ type: "text", text: p.text });
    else if (p.type === "image") rest.push(encodeImage(p));
    else if (p.type === "reasoning") dropped.push(partAt);
    else refuse(partAt, "a tool call in a user turn cannot be translated");
  });
  if (rest.length > 0) out.push({ role: "user", content: rest.length === 1 && rest[0].type === "text" ? rest[0].text : rest });
  return out;
}

function encodeToolResult(p: Extract<Part, { type: "tool_result" }>, at: string): Json {
  const texts = p.content.map((c, k) => (c.type === "text" ? c.text : refuse(c.at ?? `${p.at ?? at}.content[${k}]`, "OpenAI tool messages take text only, not images")));
  // OpenAI has no error flag for tool results: the model reads it in the text.
  const text = texts.join("\n");
  return { role: "tool", tool_call_id: p.toolCallId, content: p.isError ? `Error: ${text}` : text };
}

function encodeAssistant(m: Message, at: string, dropped: string[]): Json {
  const texts: string[] = [];
  const toolCalls: Json[] = [];
  m.content.forEach((p, j) => {
    if (p.type === "text") texts.push(p.text);
    else if (p.type === "tool_call") toolCalls.push({ id: p.id, type: "function", function: { name: p.name, arguments: p.arguments } });
    // Thinking goes back to Anthropic only, which checks its signature; others have no field for it.
    else if (p.type === "reasoning") dropped.push(`${at}.content[${j}]`);
    else refuse(`${at}.content[${j}]`, `${p.type} parts in an assistant turn cannot be translated`);
  });
  // Text blocks split around a tool call are one answer: joined as they were written.
  const message: Json = { role: "assistant", content: texts.length > 0 ? texts.join("") : null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

const encodeImage = (image: ImagePart): Json => ({
  type: "image_url",
  image_url: { url: image.source.kind === "base64" ? `data:${image.source.mediaType};base64,${image.source.data}` : image.source.url },
});
