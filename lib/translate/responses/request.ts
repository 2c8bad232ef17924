import type { ChatRequest, Decoded, ImagePart, Message, Part, ReasoningPart, Sealer, TextPart, Tool, ToolChoice, ToolResultPart } from "@/lib/translate/ir";
import { arr, isSet, type Json, num, obj, object, parseArguments, parseDataUrl, refuse, refuseUnknown, str } from "@/lib/translate/json";

// OpenAI Responses API requests (POST /v1/responses, what the Codex CLI speaks) → the internal
// representation. Every top-level field is translated, advisory (dropped, its path listed) or refused
// (UntranslatableField); see FIELDS.md beside this file. Decode only: a Responses request is sent on
// to a Chat Completions or Messages upstream by their encoders.

const TRANSLATED = ["model", "stream", "input", "instructions", "tools", "tool_choice", "parallel_tool_calls", "max_output_tokens", "temperature", "top_p", "user", "safety_identifier", "truncation"];
// Storage (Tollgate never stores a response, and the gateway sends native upstreams store: false
// itself), what to include (Tollgate always seals the reasoning it returns), caching, billing and
// reasoning hints, the client's own bookkeeping.
const ADVISORY = ["metadata", "store", "include", "prompt_cache_key", "prompt_cache_retention", "client_metadata", "service_tier", "reasoning", "stream_options"];
// Known fields that are advisory at their no-op value and refused otherwise (checked below).
const CONDITIONAL = ["text", "top_logprobs", "background"];
const SEMANTIC: Record<string, string> = {
  previous_response_id: "Tollgate keeps no stored responses: send the whole conversation (Codex does)",
  conversation: "Tollgate keeps no stored conversations: send the whole conversation",
  prompt: "stored prompt templates live inside OpenAI's API",
  max_tool_calls: "neither Chat Completions nor Anthropic's API can cap the number of tool calls",
  context_management: "server-side compaction runs inside OpenAI's API",
};
const KNOWN = new Set([...TRANSLATED, ...ADVISORY, ...CONDITIONAL, ...Object.keys(SEMANTIC)]);

const HOSTED: Record<string, string> = {
  web_search: 'a hosted tool that runs inside OpenAI\'s API; Codex: set web_search = "disabled"',
  web_search_preview: 'a hosted tool that runs inside OpenAI\'s API; Codex: set web_search = "disabled"',
};

/** The local_shell tool as a function: the fields of its `exec` action (as Codex reads them back). */
export const LOCAL_SHELL_PARAMETERS = {
  type: "object",
  properties: {
    command: { type: "array", items: { type: "string" }, description: "The command and its arguments." },
    working_directory: { type: "string", description: "The directory to run it in." },
    timeout_ms: { type: "integer", description: "How long it may run, in milliseconds." },
  },
  required: ["command"],
};

export function decodeResponsesRequest(body: Json, opts: { sealer: Sealer }): Decoded {
  refuseUnknown(body, KNOWN);
  for (const [field, why] of Object.entries(SEMANTIC)) if (isSet(body[field])) refuse(field, why);
  const dropped: string[] = ADVISORY.filter((field) => isSet(body[field]));
  checkConditional(body, dropped);

  const request: ChatRequest = { model: str(body.model) ?? "", system: [], messages: [], stream: body.stream === true };
  if (typeof body.input === "string") request.messages.push({ role: "user", content: [{ type: "text", text: body.input }] });
  else if (isSet(body.input)) {
    if (!Array.isArray(body.input)) refuse("input", "expected a string or a list of items");
    arr(body.input).forEach((item, i) => decodeItem(item, `input[${i}]`, request, dropped, opts.sealer));
  }
  if (isSet(body.instructions)) {
    const instructions = str(body.instructions) ?? refuse("instructions", "expected a string");
    request.system.unshift({ type: "text", text: instructions });
  }
  if (isSet(body.tools)) request.tools = arr(body.tools).map((t, i) => decodeTool(t, `tools[${i}]`, dropped));
  if (isSet(body.tool_choice)) request.toolChoice = decodeToolChoice(body.tool_choice);
  if (body.parallel_tool_calls === false) request.parallelToolCalls = false;
  if (num(body.max_output_tokens) !== undefined) request.maxTokens = num(body.max_output_tokens);
  if (num(body.temperature) !== undefined) request.temperature = num(body.temperature);
  if (num(body.top_p) !== undefined) request.topP = num(body.top_p);
  // `user` is deprecated for safety_identifier: either is the end-user id; both, and the older one wins.
  if (str(body.user) !== undefined) request.user = str(body.user);
  else if (str(body.safety_identifier) !== undefined) request.user = str(body.safety_identifier);
  if (str(body.user) !== undefined && isSet(body.safety_identifier)) dropped.push("safety_identifier");
  return { request, dropped };
}

/** Fields that are no-ops at one value (dropped) and change the answer at any other (refused). */
function checkConditional(body: Json, dropped: string[]): void {
  // "disabled" is what both other APIs do (a conversation too long is an error); "auto" drops old turns.
  if (isSet(body.truncation)) {
    if (body.truncation === "auto") dropped.push("truncation");
    else if (body.truncation !== "disabled") refuse("truncation", `"${String(body.truncation)}" is not a truncation Tollgate knows`);
  }
  if (isSet(body.text)) {
    const text = object(body.text, "text");
    const format = obj(text.format);
    if (isSet(text.format) && format?.type !== "text") refuse("text.format", "structured output (JSON mode, JSON schema) is not translated");
    for (const key of Object.keys(text)) if (isSet(text[key])) dropped.push(`text.${key}`);
  }
  if (isSet(body.top_logprobs)) {
    if (body.top_logprobs !== 0) refuse("top_logprobs", "log probabilities are not translated");
    dropped.push("top_logprobs");
  }
  if (isSet(body.background)) {
    if (body.background !== false) refuse("background", "background responses are stored and polled inside OpenAI's API");
    dropped.push("background");
  }
}

/** One input item into the conversation: consecutive assistant items are one turn, so are consecutive tool outputs. */
function decodeItem(it: unknown, at: string, request: ChatRequest, dropped: string[], sealer: Sealer): void {
  const item = object(it, at);
  const type = item.type ?? (isSet(item.role) ? "message" : undefined);
  switch (type) {
    case "message":
      return decodeMessage(item, at, request, dropped);
    case "function_call": {
      const args = str(item.arguments) ?? "";
      // Anthropic takes the input as an object: check it here, where the client's path is known.
      parseArguments(args, `${at}.arguments`);
      return assistant(request, { type: "tool_call", id: str(item.call_id) ?? "", name: str(item.name) ?? "", arguments: args.trim() === "" ? "{}" : args });
    }
    case "custom_tool_call":
      return assistant(request, { type: "tool_call", id: str(item.call_id) ?? "", name: str(item.name) ?? "", arguments: JSON.stringify({ input: str(item.input) ?? "" }), kind: "custom" });
    case "local_shell_call": {
      const action = object(item.action, `${at}.action`);
      if (action.type !== "exec") refuse(`${at}.action.type`, `local shell actions of type "${String(action.type)}" are not translated`);
      const { type: _type, ...exec } = action;
      return assistant(request, { type: "tool_call", id: str(item.call_id) ?? "", name: "local_shell", arguments: JSON.stringify(exec), kind: "local_shell" });
    }
    case "reasoning":
      return assistant(request, decodeReasoning(item, sealer));
    case "function_call_output":
    case "custom_tool_call_output":
      return toolResult(request, { type: "tool_result", toolCallId: str(item.call_id) ?? "", content: toolOutput(item.output, `${at}.output`, dropped), isError: false, at });
    case "local_shell_call_output":
      // OpenAI's own type names the call by `id`; Codex by `call_id`.
      return toolResult(request, { type: "tool_result", toolCallId: str(item.call_id) ?? str(item.id) ?? "", content: toolOutput(item.output, `${at}.output`, dropped), isError: false, at });
    case "item_reference":
      return refuse(at, "Tollgate keeps no stored items: send the item itself");
    default:
      return refuse(at, `input items of type "${String(type)}" are not translated`);
  }
}

/** Appends to the assistant turn in progress, or opens one. */
function assistant(request: ChatRequest, part: Part): void {
  const last = request.messages.at(-1);
  if (last?.role === "assistant") last.content.push(part);
  else request.messages.push({ role: "assistant", content: [part] });
}

/** Appends to the user turn of tool results in progress, or opens one. */
function toolResult(request: ChatRequest, part: ToolResultPart): void {
  const last = request.messages.at(-1);
  if (last?.role === "user" && last.content.length > 0 && last.content.every((p) => p.type === "tool_result")) last.content.push(part);
  else request.messages.push({ role: "user", content: [part] });
}

function decodeMessage(item: Json, at: string, request: ChatRequest, dropped: string[]): void {
  switch (item.role) {
    case "system":
    case "developer": {
      const content = messageContent(item.content, at, "system", dropped) as TextPart[];
      // Instructions before the conversation are the system prompt; later ones stay in place.
      if (request.messages.length === 0) request.system.push(...content);
      else request.messages.push({ role: "system", content });
      return;
    }
    case "user":
      request.messages.push({ role: "user", content: messageContent(item.content, at, "user", dropped) });
      return;
    case "assistant":
      for (const part of messageContent(item.content, at, "assistant", dropped)) assistant(request, part);
      return;
    default:
      return refuse(`${at}.role`, `the role "${String(item.role)}" is not translated`);
  }
}

function messageContent(content: unknown, at: string, role: Message["role"], dropped: string[]): Part[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return arr(content).map((c, j): Part => {
    const partAt = `${at}.content[${j}]`;
    const part = object(c, partAt);
    switch (part.type) {
      case "input_text":
      case "output_text":
        return { type: "text", text: str(part.text) ?? "" };
      case "refusal":
        // An earlier refusal is what the assistant said: it stays in the history as text.
        return { type: "text", text: str(part.refusal) ?? "" };
      case "input_image":
        if (role !== "user") return refuse(partAt, `a ${role} message holds text only`);
        return decodeImage(part, partAt, dropped);
      case "input_file":
        return refuse(partAt, "file inputs are not translated");
      default:
        return refuse(partAt, `content parts of type "${String(part.type)}" are not translated`);
    }
  });
}

function decodeImage(part: Json, at: string, dropped: string[]): ImagePart {
  if (isSet(part.file_id)) refuse(`${at}.file_id`, "files uploaded to OpenAI are not translated: send the image as a data URL");
  const url = str(part.image_url) ?? refuse(`${at}.image_url`, "expected an image URL");
  if (isSet(part.detail)) dropped.push(`${at}.detail`);
  const data = parseDataUrl(url);
  return { type: "image", source: data ? { kind: "base64", ...data } : { kind: "url", url }, at };
}

/** A tool's output: a string, or input_text / input_image parts. */
function toolOutput(output: unknown, at: string, dropped: string[]): (TextPart | ImagePart)[] {
  if (typeof output === "string") return [{ type: "text", text: output }];
  return arr(output).map((c, k) => {
    const partAt = `${at}[${k}]`;
    const part = object(c, partAt);
    if (part.type === "input_text") return { type: "text", text: str(part.text) ?? "" };
    if (part.type === "input_image") return decodeImage(part, partAt, dropped);
    return refuse(partAt, `tool output parts of type "${String(part.type)}" are not translated`);
  });
}

/** Reasoning Tollgate sealed (an Anthropic thinking block, signed) is opened; another server's is carried, unread. */
function decodeReasoning(item: Json, sealer: Sealer): ReasoningPart {
  const sealed = str(item.encrypted_content);
  const opened = sealed !== undefined ? sealer.open(sealed) : undefined;
  if (opened) {
    return {
      type: "reasoning",
      text: opened.text,
      ...(opened.signature !== undefined ? { signature: opened.signature } : {}),
      ...(opened.redacted !== undefined ? { redacted: opened.redacted } : {}),
    };
  }
  const text = arr(item.summary)
    .map((s) => str(obj(s)?.text) ?? "")
    .filter((t) => t !== "")
    .join("\n\n");
  return { type: "reasoning", text, ...(sealed !== undefined ? { encrypted: sealed } : {}) };
}

function decodeTool(t: unknown, at: string, dropped: string[]): Tool {
  const tool = object(t, at);
  for (const key of ["strict", "defer_loading"]) if (isSet(tool[key])) dropped.push(`${at}.${key}`);
  const description = str(tool.description) !== undefined ? { description: str(tool.description) } : {};
  switch (tool.type) {
    case "function":
      return { name: str(tool.name) ?? "", ...description, parameters: obj(tool.parameters) ?? { type: "object", properties: {} } };
    case "custom":
      return { name: str(tool.name) ?? "", ...description, parameters: customParameters(tool, at), kind: "custom" };
    case "local_shell":
      return { name: "local_shell", description: "Runs a command on the user's machine and returns its output.", parameters: LOCAL_SHELL_PARAMETERS, kind: "local_shell" };
    case "namespace":
      return refuse(at, `the tool namespace "${String(tool.name)}" is not translated`);
    default:
      return refuse(at, HOSTED[String(tool.type)] ?? `"${String(tool.type)}" is a hosted tool that runs inside OpenAI's API`);
  }
}

/** A custom (free-form) tool as a function of one string, `input`; a grammar it must follow goes in its description. */
function customParameters(tool: Json, at: string): Record<string, unknown> {
  const format = obj(tool.format);
  let description = "The raw input of the tool.";
  if (format?.type === "grammar") {
    description += ` It must follow this ${str(format.syntax) ?? ""} grammar:\n${str(format.definition) ?? ""}`;
  } else if (isSet(tool.format) && format?.type !== "text") {
    refuse(`${at}.format`, `custom tool formats of type "${String(format?.type)}" are not translated`);
  }
  return { type: "object", properties: { input: { type: "string", description } }, required: ["input"], additionalProperties: false };
}

function decodeToolChoice(choice: unknown): ToolChoice {
  if (choice === "auto" || choice === "none" || choice === "required") return { type: choice };
  const named = obj(choice);
  if (named?.type === "function" || named?.type === "custom") return { type: "tool", name: str(named.name) ?? "" };
  return refuse("tool_choice", "this tool choice is not translated");
}
