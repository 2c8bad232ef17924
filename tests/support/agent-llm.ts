import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local upstream that behaves like an agent's model, in both API styles (OpenAI Chat Completions at
 * /v1/chat/completions, Anthropic Messages at /v1/messages, and Anthropic's /v1/messages/count_tokens),
 * streamed or not: for the translation tests, where what matters is tool calls, reasoning and errors
 * in each style's exact shapes. Behaviour by model name:
 *   - "agent-tools": with tools and no tool result in the last turn, calls tools[0] (and tools[1] too
 *     when there are two and parallel calls are allowed) with AGENT_TOOL_INPUT, arguments streamed in
 *     three pieces; once the last turn holds tool results, answers "Result: " + the first result's text.
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
const ARG_PIECES = (() => {
  const s = JSON.stringify(AGENT_TOOL_INPUT);
  return [s.slice(0, 5), s.slice(5, 15), s.slice(15)];
})();
/** Ledger terms: input counts every input token (cached ones too), as the gateway bills it. */
export const AGENT_USAGE = { openai: { input: 40, cacheRead: 10, cacheWrite: 0, output: 7 }, anthropic: { input: 40, cacheRead: 10, cacheWrite: 5, output: 7 } };
export const AGENT_COUNT = 42;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type AgentRequest = { path: string; headers: http.IncomingHttpHeaders; body: Json };
export type AgentLlm = { url: string; requests: AgentRequest[]; stop(): Promise<void> };

type Plan = { reasoning?: string; text?: string[]; calls?: { id: string; name: string }[]; fail?: boolean };

function planOf(style: "openai" | "anthropic", body: Json): Plan {
  const model = String(body.model ?? "");
  if (model === "agent-think") return { reasoning: AGENT_REASONING, text: AGENT_TEXT_PIECES };
  if (model === "agent-fail-mid") return { text: AGENT_TEXT_PIECES.slice(0, 2), fail: true };
  if (model !== "agent-tools" || !Array.isArray(body.tools) || body.tools.length === 0) return { text: AGENT_TEXT_PIECES };
  const messages: Json[] = body.messages ?? [];
  const result = style === "openai" ? toolResultOpenAI(messages) : toolResultAnthropic(messages);
  if (result !== undefined) return { text: ["Result: ", result.slice(0, 40)] };
  const names: string[] = body.tools.map((t: Json) => (style === "openai" ? t.function?.name : t.name));
  const parallel = style === "openai" ? body.parallel_tool_calls !== false : body.tool_choice?.disable_parallel_tool_use !== true;
  const picked = parallel ? names.slice(0, 2) : names.slice(0, 1);
  return { calls: picked.map((name, i) => ({ id: style === "openai" ? `call_mock_${i}` : `toolu_mock_${i}`, name })) };
}

const toolResultOpenAI = (messages: Json[]) => {
  const last = messages.at(-1);
  if (last?.role !== "tool") return undefined;
  const first = messages.find((m, i) => m.role === "tool" && messages.slice(i).every((n) => n.role === "tool")) ?? last;
  return typeof first.content === "string" ? first.content : (first.content ?? []).map((p: Json) => p.text ?? "").join("");
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
      const style = path === "/v1/chat/completions" ? "openai" : path === "/v1/messages" ? "anthropic" : undefined;
      if (!style) return json(res, 404, { error: { message: `no route ${path}` } });
      if (body.model === "agent-400") {
        return style === "openai"
          ? json(res, 400, { error: { message: AGENT_REFUSAL, type: "invalid_request_error", param: "messages", code: null } })
          : json(res, 400, { type: "error", error: { type: "invalid_request_error", message: AGENT_REFUSAL } });
      }
      const plan = planOf(style, body);
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

const openAIUsage = () => {
  const u = AGENT_USAGE.openai;
  return { prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.input + u.output, prompt_tokens_details: { cached_tokens: u.cacheRead } };
};
const anthropicUsage = () => {
  const u = AGENT_USAGE.anthropic;
  return { input_tokens: u.input - u.cacheRead - u.cacheWrite, cache_read_input_tokens: u.cacheRead, cache_creation_input_tokens: u.cacheWrite, output_tokens: u.output };
};

function answerOpenAI(body: Json, plan: Plan, id: number) {
  const calls = plan.calls?.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: JSON.stringify(AGENT_TOOL_INPUT) } }));
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
    usage: openAIUsage(),
  };
}

function answerAnthropic(body: Json, plan: Plan, id: number) {
  const content: Json[] = [];
  if (plan.reasoning) content.push({ type: "thinking", thinking: plan.reasoning, signature: "sig-mock" });
  if (plan.text) content.push({ type: "text", text: plan.text.join("") });
  for (const c of plan.calls ?? []) content.push({ type: "tool_use", id: c.id, name: c.name, input: AGENT_TOOL_INPUT });
  return { id: `msg_agent_${id}`, type: "message", role: "assistant", model: body.model, content, stop_reason: plan.calls ? "tool_use" : "end_turn", stop_sequence: null, usage: anthropicUsage() };
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
    for (const piece of ARG_PIECES) send({ tool_calls: [{ index, function: { arguments: piece } }] });
  });
  send({}, plan.calls ? "tool_calls" : "stop");
  if (body.stream_options?.include_usage) res.write(`data: ${JSON.stringify({ ...base, choices: [], usage: openAIUsage() })}\n\n`);
  res.end("data: [DONE]\n\n");
}

function streamAnthropic(res: http.ServerResponse, body: Json, plan: Plan, id: number) {
  startSse(res);
  const event = (type: string, data: Json) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const usage = anthropicUsage();
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
    for (const piece of ARG_PIECES) event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: piece } });
    event("content_block_stop", { index: index++ });
  }
  event("message_delta", { delta: { stop_reason: plan.calls ? "tool_use" : "end_turn", stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
  event("message_stop", {});
  res.end();
}
