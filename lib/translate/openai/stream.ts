import { adapters } from "@/lib/gateway/styles";
import type { ErrorKind, StreamDecoder, StreamEncoder, StreamEvent, Usage } from "../ir";
import { encodeOpenAIError, kindOfOpenAIError } from "./error";
import { STOP_IN, STOP_OUT } from "./response";

// Streamed Chat Completions ⇄ stream events. Both sides are incremental closures: each upstream chunk
// becomes its events at once, each event its client SSE text at once. The only thing held is the usage
// (it follows the finish chunk), written in the final usage chunk at end().

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj).filter((x): x is Json => x !== undefined) : []);
const str = (v: unknown) => (typeof v === "string" ? v : "");

const INCOMPLETE = "The upstream stream ended before the answer was complete.";

/**
 * Reads an OpenAI-compatible upstream's chunks. Tool calls are numbered in the order they first
 * appear (the upstream's `index` is only a key); reasoning comes as `reasoning_content` (vLLM,
 * DeepSeek) or `reasoning` (OpenRouter, Ollama).
 */
export function openAIStreamDecoder(): StreamDecoder {
  let started = false;
  let finished = false;
  // The tool calls so far, in the order they appeared (their IR index), found by the upstream's
  // `index` or, from servers that send none, by `id`. Until its name is known (some servers send the
  // id first and the name in a later chunk) a call is pending, the arguments that came meanwhile kept.
  type Tool = { index: number; id: string; pending?: { args: string } };
  const tools: Tool[] = [];
  const byIndex = new Map<number, Tool>();
  const byId = new Map<string, Tool>();
  const find = (call: Json): Tool => {
    const id = str(call.id);
    let tool: Tool | undefined;
    if (typeof call.index === "number") {
      tool = byIndex.get(call.index);
      // The same index with another id (servers that number every call 0) is another call.
      if (tool && id && tool.id && tool.id !== id) tool = undefined;
    } else {
      tool = id ? byId.get(id) : tools.at(-1);
    }
    if (!tool) {
      tool = { index: tools.length, id, pending: { args: "" } };
      tools.push(tool);
    }
    if (typeof call.index === "number") byIndex.set(call.index, tool);
    if (id && !tool.id) tool.id = id;
    if (id) byId.set(id, tool);
    return tool;
  };
  const open = (tool: Tool, name: string, args: string): StreamEvent[] => [
    { type: "tool_call_start", index: tool.index, id: tool.id || `call_${tool.index}`, name },
    ...(args ? [{ type: "tool_call_delta" as const, index: tool.index, arguments: args }] : []),
  ];
  /** The calls still waiting for a name, started without one (the answer ends: nothing more will come). */
  const flush = (): StreamEvent[] =>
    tools.flatMap((tool) => {
      const pending = tool.pending;
      if (!pending) return [];
      tool.pending = undefined;
      return open(tool, "", pending.args);
    });

  return {
    push(chunk) {
      const events: StreamEvent[] = [];
      const error = chunk.error;
      if (error !== undefined && error !== null) {
        const e = obj(error) ?? { message: str(error) };
        events.push({ type: "error", kind: kindOfOpenAIError(e), message: str(e.message) || "The upstream reported an error." });
        return events;
      }
      if (!started) {
        started = true;
        events.push({ type: "start", id: str(chunk.id), model: str(chunk.model) });
      }
      for (const choice of list(chunk.choices)) {
        if (typeof choice.index === "number" && choice.index !== 0) continue; // n > 1 is not translated
        const delta = obj(choice.delta) ?? {};
        const reasoning = str(delta.reasoning_content) || str(delta.reasoning);
        if (reasoning) events.push({ type: "reasoning", text: reasoning });
        const content = str(delta.content);
        if (content) events.push({ type: "text", text: content });
        // OpenAI's own models put a refusal apart; the other style has no such field, so it is text.
        const refusal = str(delta.refusal);
        if (refusal) events.push({ type: "text", text: refusal });
        for (const call of list(delta.tool_calls)) {
          const fn = obj(call.function) ?? {};
          const name = str(fn.name);
          const args = str(fn.arguments);
          const tool = find(call);
          const pending = tool.pending;
          if (pending) {
            pending.args += args;
            if (!name) continue;
            tool.pending = undefined;
            events.push(...open(tool, name, pending.args));
          } else if (args) {
            events.push({ type: "tool_call_delta", index: tool.index, arguments: args });
          }
        }
        const reason = str(choice.finish_reason);
        if (reason && !finished) {
          finished = true;
          events.push(...flush(), { type: "finish", stopReason: STOP_IN[reason] ?? "other" });
        }
      }
      const usage = obj(chunk.usage);
      if (usage) events.push({ type: "usage", usage: adapters.openai.usageOfJson(chunk)! });
      return events;
    },
    end: flush,
  };
}

/**
 * Writes a Chat Completions stream for an OpenAI client. `created` fixes the chunks' timestamp
 * (seconds; now by default). With `includeUsage` every chunk carries `usage: null` and the stream
 * ends with a usage chunk (`choices: []`), as OpenAI does for `stream_options.include_usage`.
 */
export function openAIStreamEncoder(opts: { includeUsage: boolean; created?: number }): StreamEncoder {
  const created = opts.created ?? Math.floor(Date.now() / 1000);
  let id = "";
  let model = "";
  let started = false;
  let finished = false;
  let done = false;
  let usage: Usage | undefined;

  const data = (body: Json) => `data: ${JSON.stringify(body)}\n\n`;
  const head = () => ({ id, object: "chat.completion.chunk", created, model, system_fingerprint: null });
  const chunk = (delta: Json, finishReason: string | null = null) =>
    data({ ...head(), choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], ...(opts.includeUsage ? { usage: null } : {}) });
  const fail = (kind: ErrorKind, message: string) => {
    done = true;
    return data(encodeOpenAIError(kind, message));
  };
  const start = (event?: { id: string; model: string; usage?: Usage }) => {
    started = true;
    const upstreamId = event?.id || crypto.randomUUID().replace(/-/g, "");
    id = upstreamId.startsWith("chatcmpl-") ? upstreamId : `chatcmpl-${upstreamId}`;
    model = event?.model ?? "";
    if (event?.usage) usage = event.usage;
    return chunk({ role: "assistant", content: "" });
  };

  return {
    push(event) {
      if (done) return "";
      if (event.type === "error") return fail(event.kind, event.message);
      if (event.type === "start") return started ? "" : start(event);
      // An event before any start (not expected from a decoder): open the stream first.
      const opening = started ? "" : start();
      switch (event.type) {
        case "text":
          return opening + chunk({ content: event.text });
        case "reasoning":
          return opening + chunk({ reasoning_content: event.text });
        case "reasoning_signature":
          return opening; // Chat Completions has no place for it
        case "tool_call_start":
          return opening + chunk({ tool_calls: [{ index: event.index, id: event.id, type: "function", function: { name: event.name, arguments: "" } }] });
        case "tool_call_delta":
          return opening + chunk({ tool_calls: [{ index: event.index, function: { arguments: event.arguments } }] });
        case "finish":
          if (finished) return opening;
          finished = true;
          return opening + chunk({}, STOP_OUT[event.stopReason]);
        case "usage":
          usage = event.usage;
          return opening;
      }
    },
    end() {
      if (done) return "";
      if (!finished) return fail("api_error", INCOMPLETE);
      done = true;
      let out = "";
      if (opts.includeUsage) {
        const u = usage ?? { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
        out += data({
          ...head(),
          choices: [],
          usage: { prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.input + u.output, prompt_tokens_details: { cached_tokens: u.cacheRead } },
        });
      }
      return out + "data: [DONE]\n\n";
    },
  };
}
