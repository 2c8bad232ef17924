import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local upstream that behaves like an agent's model, in the three API styles (OpenAI Chat Completions
 * at /v1/chat/completions, Anthropic Messages at /v1/messages with its /v1/messages/count_tokens, and
 * OpenAI Responses at /v1/responses), streamed or not: for the translation tests, where what matters is tool calls, reasoning and errors
 * in each style's exact shapes. Behaviour by model name:
 *   - "agent-tools": with tools and no tool result in the last turn, calls tools[0] (and tools[1] too
 *     when there are two and parallel calls are allowed) with AGENT_TOOL_INPUT — or, offered Codex's
 *     exec_command, that one only with CODEX_COMMAND — arguments streamed in three pieces; once the last
 *     turn holds tool results, answers "Result: " + the first result's text.
 *   - "agent-compact": as agent-tools, but a tool call's answer reports AGENT_BIG_INPUT input tokens (a
 *     context near full: Codex compacts it before going on); once the conversation holds the summary it
 *     was asked for (this mock's own AGENT_TEXT), answers AGENT_RESUMED.
 *   - "agent-think": reasoning (OpenAI `reasoning_content`, Anthropic a thinking block), then the text.
 *   - "agent-fail-mid": two text pieces, then the style's mid-stream error event (streams only).
 *   - "agent-400": a 400 in the style's error shape, message AGENT_REFUSAL.
 *   - anything else: the text AGENT_TEXT, in pieces.
 * Usage is fixed (AGENT_USAGE): 40 input tokens of which 10 read from cache (Anthropic: and 5 written), 7 output.
 */

export const AGENT_TEXT_PIECES = ["Hello", " from", " the", " agent", " mock"];
export const AGENT_TEXT = AGENT_TEXT_PIECES.join("");
export const AGENT_REASONING = "Let me think about this.";
export const AGENT_REFUSAL = "agent mock: this request is refused";
export const AGENT_TOOL_INPUT = { path: "README.md", lines: 3 };
/** Ledger terms: input counts every input token (cached ones too), as the gateway bills it. */
export const AGENT_USAGE = { openai: { input: 40, cacheRead: 10, cacheWrite: 0, output: 7 }, anthropic: { input: 40, cacheRead: 10, cacheWrite: 5, output: 7 } };
export const AGENT_COUNT = 42;
/** What the mock asks Codex's exec_command tool to run. */
export const CODEX_COMMAND = { cmd: "echo tollgate-tool-ran" };
const inputFor = (name: string) => (name === "exec_command" ? CODEX_COMMAND : AGENT_TOOL_INPUT);
const argPieces = (name: string) => {
  const s = JSON.stringify(inputFor(name));
  return [s.slice(0, 5), s.slice(5, 15), s.slice(15)];
};

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type AgentRequest = { path: string; headers: http.IncomingHttpHeaders; body: Json };
export type AgentLlm = { url: string; requests: AgentRequest[]; stop(): Promise<void> };

type Plan = { reasoning?: string; text?: string[]; calls?: { id: string; name: string }[]; fail?: boolean; big?: boolean };
/** The input tokens an "agent-compact" tool call reports. */
export const AGENT_BIG_INPUT = 50_000;
export const AGENT_RESUMED = "Resumed after compaction";
type Style = "openai" | "anthropic" | "responses";

function planOf(style: Style, body: Json): Plan {
  const model = String(body.model ?? "");
  if (model === "agent-think") return { reasoning: AGENT_REASONING, text: AGENT_TEXT_PIECES };
  if (model === "agent-fail-mid") return { text: AGENT_TEXT_PIECES.slice(0, 2), fail: true };
  if (model === "agent-compact" && JSON.stringify(body.messages ?? body.input ?? []).includes(AGENT_TEXT)) return { text: [AGENT_RESUMED] };
  if ((model !== "agent-tools" && model !== "agent-compact") || !Array.isArray(body.tools) || body.tools.length === 0) return { text: AGENT_TEXT_PIECES };
  const messages: Json[] = body.messages ?? [];
  const result = style === "openai" ? toolResultOpenAI(messages) : style === "anthropic" ? toolResultAnthropic(messages) : toolResultResponses(body.input);
  if (result !== undefined) return { text: ["Result: ", result.slice(0, 40)] };
  const names: string[] = body.tools.map((t: Json) => (style === "openai" ? t.function?.name : t.name));
  const parallel = style === "anthropic" ? body.tool_choice?.disable_parallel_tool_use !== true : body.parallel_tool_calls !== false;
  const picked = names.includes("exec_command") ? ["exec_command"] : parallel ? names.slice(0, 2) : names.slice(0, 1);
  return { calls: picked.map((name, i) => ({ id: style === "anthropic" ? `toolu_mock_${i}` : `call_mock_${i}`, name })), big: model === "agent-compact" };
}

const toolResultOpenAI = (messages: Json[]) => {
  const last = messages.at(-1);
  if (last?.role !== "tool") return undefined;
  const first = messages.find((m, i) => m.role === "tool" && messages.slice(i).every((n) => n.role === "tool")) ?? last;
  return typeof first.content === "string" ? first.content : (first.content ?? []).map((p: Json) => p.text ?? "").join("");
};

const toolResultResponses = (input: unknown) => {
  const items = Array.isArray(input) ? (input as Json[]) : [];
  const last = items.at(-1);
  if (last?.type !== "function_call_output") return undefined;
  const first = items.find((m) => m.type === "function_call_output") ?? last;
  return typeof first.output === "string" ? first.output : "";
};

const toolResultAnthropic = (messages: Json[]) => {
  const last = messages.at(-1);
  if (last?.role !== "user" || !Array.isArray(last.content)) return undefined;
  const result = last.content.find((b: Json) => b.type === "tool_result");
  if (!result) return undefined;
  return typeof result.content === "string" ? result.content : (result.content ?? []).map((b: Json) => b.text ?? "").join("");
};

export async function startAgentLlm(): Promise<AgentLlm> {
  const requests: AgentRequest[] = [];
  let seq = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = (req.url ?? "").split("?")[0];
      let body: Json = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
      } catch {
        body = {};
      }
      requests.push({ path, headers: req.headers, body });
      const id = ++seq;
      if (path === "/v1/messages/count_tokens") return json(res, 200, { input_tokens: AGENT_COUNT });
      const style: Style | undefined = path === "/v1/chat/completions" ? "openai" : path === "/v1/messages" ? "anthropic" : path === "/v1/responses" ? "responses" : undefined;
      if (!style) return json(res, 404, { error: { message: `no route ${path}` } });
      if (body.model === "agent-400") {
        return style !== "anthropic"
          ? json(res, 400, { error: { message: AGENT_REFUSAL, type: "invalid_request_error", param: "messages", code: null } })
          : json(res, 400, { type: "error", error: { type: "invalid_request_error", message: AGENT_REFUSAL } });
      }
      const plan = planOf(style, body);
      if (style === "responses") return body.stream === true ? streamResponses(res, body, plan, id) : json(res, 200, answerResponses(body, plan, id));
      if (body.stream === true) return style === "openai" ? streamOpenAI(res, body, plan, id) : streamAnthropic(res, body, plan, id);
      return json(res, 200, style === "openai" ? answerOpenAI(body, plan, id) : answerAnthropic(body, plan, id));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function json(res: http.ServerResponse, status: number, payload: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(payload));
}

const sized = <T extends { input: number }>(u: T, plan: Plan): T => (plan.big ? { ...u, input: AGENT_BIG_INPUT } : u);
const openAIUsage = (plan: Plan) => {
  const u = sized(AGENT_USAGE.openai, plan);
  return { prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.input + u.output, prompt_tokens_details: { cached_tokens: u.cacheRead } };
};
const anthropicUsage = (plan: Plan) => {
  const u = sized(AGENT_USAGE.anthropic, plan);
  return { input_tokens: u.input - u.cacheRead - u.cacheWrite, cache_read_input_tokens: u.cacheRead, cache_creation_input_tokens: u.cacheWrite, output_tokens: u.output };
};

function answerOpenAI(body: Json, plan: Plan, id: number) {
  const calls = plan.calls?.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: JSON.stringify(inputFor(c.name)) } }));
  return {
    id: `chatcmpl-agent-${id}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: plan.text ? plan.text.join("") : null, refusal: null, ...(plan.reasoning ? { reasoning_content: plan.reasoning } : {}), ...(calls ? { tool_calls: calls } : {}) },
        logprobs: null,
        finish_reason: calls ? "tool_calls" : "stop",
      },
    ],
    usage: openAIUsage(plan),
  };
}

function answerAnthropic(body: Json, plan: Plan, id: number) {
  const content: Json[] = [];
  if (plan.reasoning) content.push({ type: "thinking", thinking: plan.reasoning, signature: "sig-mock" });
  if (plan.text) content.push({ type: "text", text: plan.text.join("") });
  for (const c of plan.calls ?? []) content.push({ type: "tool_use", id: c.id, name: c.name, input: inputFor(c.name) });
  return { id: `msg_agent_${id}`, type: "message", role: "assistant", model: body.model, content, stop_reason: plan.calls ? "tool_use" : "end_turn", stop_sequence: null, usage: anthropicUsage(plan) };
}

function startSse(res: http.ServerResponse) {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
}

function streamOpenAI(res: http.ServerResponse, body: Json, plan: Plan, id: number) {
  startSse(res);
  const base = { id: `chatcmpl-agent-${id}`, object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model: body.model };
  const send = (delta: Json, finish: string | null = null) => res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`);
  send({ role: "assistant", content: "" });
  if (plan.reasoning) for (const piece of plan.reasoning.split(/(?<= )/)) send({ reasoning_content: piece });
  for (const piece of plan.text ?? []) send({ content: piece });
  if (plan.fail) {
    res.end(`data: ${JSON.stringify({ error: { message: "agent mock: overloaded mid-stream", type: "server_error", code: null } })}\n\n`);
    return;
  }
  (plan.calls ?? []).forEach((c, index) => {
    send({ tool_calls: [{ index, id: c.id, type: "function", function: { name: c.name, arguments: "" } }] });
    for (const piece of argPieces(c.name)) send({ tool_calls: [{ index, function: { arguments: piece } }] });
  });
  send({}, plan.calls ? "tool_calls" : "stop");
  if (body.stream_options?.include_usage) res.write(`data: ${JSON.stringify({ ...base, choices: [], usage: openAIUsage(plan) })}\n\n`);
  res.end("data: [DONE]\n\n");
}

function streamAnthropic(res: http.ServerResponse, body: Json, plan: Plan, id: number) {
  startSse(res);
  const event = (type: string, data: Json) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const usage = anthropicUsage(plan);
  event("message_start", {
    message: { id: `msg_agent_${id}`, type: "message", role: "assistant", model: body.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
  });
  let index = 0;
  if (plan.reasoning) {
    event("content_block_start", { index, content_block: { type: "thinking", thinking: "", signature: "" } });
    for (const piece of plan.reasoning.split(/(?<= )/)) event("content_block_delta", { index, delta: { type: "thinking_delta", thinking: piece } });
    event("content_block_delta", { index, delta: { type: "signature_delta", signature: "sig-mock" } });
    event("content_block_stop", { index: index++ });
  }
  if (plan.text) {
    event("content_block_start", { index, content_block: { type: "text", text: "" } });
    for (const piece of plan.text) event("content_block_delta", { index, delta: { type: "text_delta", text: piece } });
    if (plan.fail) {
      res.end(`event: error\ndata: ${JSON.stringify({ type: "error", error: { type: "overloaded_error", message: "agent mock: overloaded mid-stream" } })}\n\n`);
      return;
    }
    event("content_block_stop", { index: index++ });
  }
  for (const c of plan.calls ?? []) {
    event("content_block_start", { index, content_block: { type: "tool_use", id: c.id, name: c.name, input: {} } });
    for (const piece of argPieces(c.name)) event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: piece } });
    event("content_block_stop", { index: index++ });
  }
  event("message_delta", { delta: { stop_reason: plan.calls ? "tool_use" : "end_turn", stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
  event("message_stop", {});
  res.end();
}

const responsesUsage = (plan: Plan) => {
  const u = sized(AGENT_USAGE.openai, plan);
  return { input_tokens: u.input, input_tokens_details: { cached_tokens: u.cacheRead }, output_tokens: u.output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: u.input + u.output };
};

/** The output items of a plan, as the Responses API gives them. */
function responsesOutput(plan: Plan, id: number): Json[] {
  const output: Json[] = [];
  if (plan.text) output.push({ type: "message", id: `msg_agent_${id}`, role: "assistant", status: "completed", content: [{ type: "output_text", text: plan.text.join(""), annotations: [] }] });
  for (const c of plan.calls ?? []) output.push({ type: "function_call", id: `fc_agent_${id}_${c.id}`, call_id: c.id, name: c.name, arguments: JSON.stringify(inputFor(c.name)), status: "completed" });
  return output;
}

const responseObject = (body: Json, id: number, status: string, output: Json[], usage: Json | null) => ({
  id: `resp_agent_${id}`,
  object: "response",
  created_at: Math.floor(Date.now() / 1000),
  status,
  model: body.model,
  output,
  usage,
  error: null,
  incomplete_details: null,
  store: body.store ?? true,
});

function answerResponses(body: Json, plan: Plan, id: number) {
  return responseObject(body, id, "completed", responsesOutput(plan, id), responsesUsage(plan));
}

function streamResponses(res: http.ServerResponse, body: Json, plan: Plan, id: number) {
  startSse(res);
  let seq = 0;
  const event = (type: string, data: Json) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`);
  event("response.created", { response: responseObject(body, id, "in_progress", [], null) });
  event("response.in_progress", { response: responseObject(body, id, "in_progress", [], null) });
  const output = responsesOutput(plan, id);
  output.forEach((item, index) => {
    if (item.type === "message") {
      event("response.output_item.added", { output_index: index, item: { ...item, status: "in_progress", content: [] } });
      event("response.content_part.added", { output_index: index, item_id: item.id, content_index: 0, part: { type: "output_text", text: "", annotations: [] } });
      for (const piece of plan.text ?? []) event("response.output_text.delta", { output_index: index, item_id: item.id, content_index: 0, delta: piece });
      event("response.output_text.done", { output_index: index, item_id: item.id, content_index: 0, text: item.content[0].text });
      event("response.content_part.done", { output_index: index, item_id: item.id, content_index: 0, part: item.content[0] });
    } else {
      event("response.output_item.added", { output_index: index, item: { ...item, arguments: "", status: "in_progress" } });
      for (const piece of argPieces(item.name)) event("response.function_call_arguments.delta", { output_index: index, item_id: item.id, delta: piece });
      event("response.function_call_arguments.done", { output_index: index, item_id: item.id, arguments: item.arguments });
    }
    event("response.output_item.done", { output_index: index, item });
  });
  event("response.completed", { response: responseObject(body, id, "completed", output, responsesUsage(plan)) });
  res.end();
}
