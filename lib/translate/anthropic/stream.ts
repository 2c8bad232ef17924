import { adapters } from "@/lib/gateway/styles";
import type { ErrorKind, StopReason, StreamDecoder, StreamEncoder, StreamEvent, Usage } from "../ir";
import { encodeAnthropicError, KIND_OF } from "./error";
import { STOP_IN, STOP_OUT } from "./response";

// Streamed Messages ⇄ stream events. Both sides are incremental closures: each upstream event
// becomes its events at once, each event its client SSE text at once. The encoder holds only the
// stop reason and the usage, until both are known (or the stream ends), for the message_delta.

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);
const str = (v: unknown) => (typeof v === "string" ? v : "");
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);

const INCOMPLETE = "The upstream stream ended before the answer was complete.";

/**
 * Reads an Anthropic upstream's events. Tool calls are numbered among tool_use blocks only; the
 * message_delta's usage is folded into message_start's (its input fields, when present, are
 * cumulative totals, so each part is the most seen).
 */
export function anthropicStreamDecoder(): StreamDecoder {
  let seen: Usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  const tools = new Map<number, number>();

  return {
    push(event) {
      const events: StreamEvent[] = [];
      switch (event.type) {
        case "message_start": {
          const message = obj(event.message) ?? {};
          const u = obj(message.usage);
          if (u) seen = adapters.anthropic.usageOfJson({ usage: u })!;
          events.push({ type: "start", id: str(message.id), model: str(message.model), ...(u ? { usage: seen } : {}) });
          break;
        }
        case "content_block_start": {
          const block = obj(event.content_block) ?? {};
          if (block.type === "tool_use") {
            const index = tools.size;
            tools.set(num(event.index), index);
            events.push({ type: "tool_call_start", index, id: str(block.id), name: str(block.name) });
            const input = obj(block.input);
            if (input && Object.keys(input).length > 0) events.push({ type: "tool_call_delta", index, arguments: JSON.stringify(input) });
          } else if (block.type === "text" && str(block.text)) {
            events.push({ type: "text", text: str(block.text) });
          } else if (block.type === "thinking" && str(block.thinking)) {
            events.push({ type: "reasoning", text: str(block.thinking) });
          }
          break;
        }
        case "content_block_delta": {
          const delta = obj(event.delta) ?? {};
          if (delta.type === "text_delta" && str(delta.text)) events.push({ type: "text", text: str(delta.text) });
          else if (delta.type === "thinking_delta" && str(delta.thinking)) events.push({ type: "reasoning", text: str(delta.thinking) });
          else if (delta.type === "signature_delta" && str(delta.signature)) events.push({ type: "reasoning_signature", signature: str(delta.signature) });
          else if (delta.type === "input_json_delta" && str(delta.partial_json)) {
            const index = tools.get(num(event.index));
            if (index !== undefined) events.push({ type: "tool_call_delta", index, arguments: str(delta.partial_json) });
          }
          break;
        }
        case "message_delta": {
          const delta = obj(event.delta) ?? {};
          const reason = str(delta.stop_reason);
          if (reason) {
            const sequence = str(delta.stop_sequence);
            events.push({ type: "finish", stopReason: STOP_IN[reason] ?? "other", ...(sequence ? { stopSequence: sequence } : {}) });
          }
          // Folded into message_start's as the meter folds it (cumulative parts: the most seen of each).
          const u = adapters.anthropic.usageOfEvent(event, seen);
          if (u) {
            seen = u;
            events.push({ type: "usage", usage: seen });
          }
          break;
        }
        case "error": {
          const error = obj(event.error) ?? {};
          events.push({ type: "error", kind: KIND_OF[str(error.type)] ?? "api_error", message: str(error.message) || "The upstream reported an error." });
          break;
        }
        // content_block_stop, message_stop, ping: nothing to say
      }
      return events;
    },
    end: () => [],
  };
}

type Block = { kind: "text" | "thinking" | "tool"; index: number; tool?: number };

/**
 * Writes a Messages stream for an Anthropic client, opening and closing its own content blocks: a
 * block opens when the kind of content changes, and the open one is closed first.
 *
 * Parallel tool calls from an OpenAI upstream come one after the other, but an upstream may still
 * send arguments for an earlier tool call after a later one started: that input_json_delta is
 * written with the earlier tool's block index although its block is already closed (the SDKs
 * accumulate by index, so the input still lands on the right tool).
 */
export function anthropicStreamEncoder(): StreamEncoder {
  let started = false;
  let done = false;
  let next = 0;
  let open: Block | undefined;
  const toolBlocks = new Map<number, number>();
  let finish: { stopReason: StopReason; stopSequence?: string } | undefined;
  let usage: Usage | undefined;

  const sse = (type: string, body: Json = {}) => `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`;
  const close = () => {
    if (!open) return "";
    const out = sse("content_block_stop", { index: open.index });
    open = undefined;
    return out;
  };
  const openBlock = (kind: Block["kind"], contentBlock: Json, tool?: number) => {
    const out = close();
    open = { kind, index: next++, tool };
    return out + sse("content_block_start", { index: open.index, content_block: contentBlock });
  };
  const ensure = (kind: "text" | "thinking") => {
    if (open?.kind === kind) return "";
    return openBlock(kind, kind === "text" ? { type: "text", text: "" } : { type: "thinking", thinking: "", signature: "" });
  };
  const fail = (kind: ErrorKind, message: string) => {
    done = true;
    return sse("error", encodeAnthropicError(kind, message));
  };
  const start = (event?: { id: string; model: string; usage?: Usage }) => {
    started = true;
    const upstreamId = event?.id || crypto.randomUUID().replace(/-/g, "");
    const u = event?.usage;
    return sse("message_start", {
      message: {
        id: upstreamId.startsWith("msg_") ? upstreamId : `msg_${upstreamId}`,
        type: "message",
        role: "assistant",
        model: event?.model ?? "",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: u
          ? { input_tokens: u.input - u.cacheRead - u.cacheWrite, output_tokens: 0, cache_read_input_tokens: u.cacheRead, cache_creation_input_tokens: u.cacheWrite }
          : { input_tokens: 0, output_tokens: 0 },
      },
    });
  };
  const wrapUp = () => {
    done = true;
    const f = finish ?? { stopReason: "end_turn" as StopReason };
    const u = usage ?? { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
    return (
      close() +
      sse("message_delta", {
        delta: { stop_reason: STOP_OUT[f.stopReason], stop_sequence: f.stopSequence ?? null },
        usage: { output_tokens: u.output, input_tokens: u.input - u.cacheRead - u.cacheWrite, cache_read_input_tokens: u.cacheRead, cache_creation_input_tokens: u.cacheWrite },
      }) +
      sse("message_stop")
    );
  };

  return {
    push(event) {
      if (done) return "";
      if (event.type === "error") return fail(event.kind, event.message);
      if (event.type === "start") {
        if (started) return "";
        if (event.usage) usage = event.usage;
        return start(event);
      }
      // An event before any start (not expected from a decoder): open the message first.
      const opening = started ? "" : start();
      switch (event.type) {
        case "text":
          return opening + ensure("text") + sse("content_block_delta", { index: open!.index, delta: { type: "text_delta", text: event.text } });
        case "reasoning":
          return opening + ensure("thinking") + sse("content_block_delta", { index: open!.index, delta: { type: "thinking_delta", thinking: event.text } });
        case "reasoning_signature":
          return opening + ensure("thinking") + sse("content_block_delta", { index: open!.index, delta: { type: "signature_delta", signature: event.signature } });
        case "tool_call_start": {
          const out = openBlock("tool", { type: "tool_use", id: event.id, name: event.name, input: {} }, event.index);
          toolBlocks.set(event.index, open!.index);
          return opening + out;
        }
        case "tool_call_delta": {
          const index = toolBlocks.get(event.index);
          if (index === undefined) return opening; // arguments of a tool call that never started
          return opening + sse("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: event.arguments } });
        }
        case "finish":
          finish = { stopReason: event.stopReason, ...(event.stopSequence ? { stopSequence: event.stopSequence } : {}) };
          return opening;
        case "usage":
          usage = event.usage;
          // Usage after the finish is the final report (before it, it may be a running count).
          return opening + (finish ? wrapUp() : "");
      }
    },
    end() {
      if (done) return "";
      if (!finish) return fail("api_error", INCOMPLETE);
      return wrapUp();
    },
  };
}
