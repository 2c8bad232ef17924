import type { ApiStyle, OutputCapField } from "@/db/enums";
import { decodeAnthropicError, encodeAnthropicError } from "./anthropic/error";
import { decodeAnthropicRequest, encodeAnthropicRequest } from "./anthropic/request";
import { decodeAnthropicResponse, encodeAnthropicResponse } from "./anthropic/response";
import { anthropicStreamDecoder, anthropicStreamEncoder } from "./anthropic/stream";
import type { ErrorKind, StreamDecoder, StreamEncoder } from "./ir";
import { decodeOpenAIError, encodeOpenAIError } from "./openai/error";
import { decodeOpenAIRequest, encodeOpenAIRequest } from "./openai/request";
import { decodeOpenAIResponse, encodeOpenAIResponse } from "./openai/response";
import { openAIStreamDecoder, openAIStreamEncoder } from "./openai/stream";

export { UntranslatableField } from "./errors";
export type { ErrorKind };

// A call between two API styles: the client's request decoded into the internal representation
// (./ir) and encoded for the upstream; the upstream's answer, stream or error the way back. Pure:
// the gateway (lib/gateway/call) does the I/O and picks native or translated by the endpoint's style.

type Json = Record<string, unknown>;

/** What the upstream's encoder needs beyond the request: the model it serves and its output cap rules. */
export type UpstreamTerms = { model: string; defaultMaxTokens: number; capField: OutputCapField };

/** The client's body in the upstream's style, and every advisory field dropped on the way. Throws UntranslatableField. */
export function translateRequest(from: ApiStyle, to: ApiStyle, body: Json, terms: UpstreamTerms): { body: Json; dropped: string[] } {
  const decoded = from === "anthropic" ? decodeAnthropicRequest(body) : decodeOpenAIRequest(body);
  const encoded =
    to === "anthropic"
      ? encodeAnthropicRequest(decoded.request, { model: terms.model, defaultMaxTokens: terms.defaultMaxTokens })
      : encodeOpenAIRequest(decoded.request, { model: terms.model, capField: terms.capField });
  return { body: encoded.body, dropped: [...decoded.dropped, ...encoded.dropped] };
}

/** A whole upstream answer in the client's style. */
export function translateResponse(from: ApiStyle, to: ApiStyle, json: Json): Json {
  const decoded = from === "anthropic" ? decodeAnthropicResponse(json) : decodeOpenAIResponse(json);
  return to === "anthropic" ? encodeAnthropicResponse(decoded) : encodeOpenAIResponse(decoded);
}

/** An upstream's error body (any status the gateway passes on) in the client's style. */
export function translateErrorBody(from: ApiStyle, to: ApiStyle, status: number, text: string): Json {
  const { kind, message } = from === "anthropic" ? decodeAnthropicError(status, text) : decodeOpenAIError(status, text);
  return errorBodyOf(to, kind, message);
}

/** An error in a style's own error body (also the data of its stream's error event). */
export const errorBodyOf = (style: ApiStyle, kind: ErrorKind, message: string): Json =>
  style === "anthropic" ? encodeAnthropicError(kind, message) : encodeOpenAIError(kind, message);

/** Turns the upstream's stream events into the client's SSE text as they come. */
export type StreamTranslator = {
  /** One parsed upstream event; the client's SSE text for it (often "", never the whole stream). */
  push(event: Json): string;
  /** The upstream stream ended (cleanly or not): what closes the client's stream. */
  end(): string;
  /** The stream broke (cut, timeout): the client's stream's error event. Nothing is sent after it. */
  fail(kind: ErrorKind, message: string): string;
};

export function streamTranslator(from: ApiStyle, to: ApiStyle, client: { includeUsage: boolean }): StreamTranslator {
  const decoder: StreamDecoder = from === "anthropic" ? anthropicStreamDecoder() : openAIStreamDecoder();
  const encoder: StreamEncoder = to === "anthropic" ? anthropicStreamEncoder() : openAIStreamEncoder({ includeUsage: client.includeUsage });
  const write = (events: ReturnType<StreamDecoder["push"]>) => {
    let out = "";
    for (const e of events) out += encoder.push(e);
    return out;
  };
  return {
    push: (event) => write(decoder.push(event)),
    end: () => write(decoder.end()) + encoder.end(),
    fail: (kind, message) => encoder.push({ type: "error", kind, message }),
  };
}
