import type { ApiStyle, OutputCapField } from "@/db/enums";
import { decodeAnthropicError, encodeAnthropicError } from "./anthropic/error";
import { decodeAnthropicRequest, encodeAnthropicRequest } from "./anthropic/request";
import { decodeAnthropicResponse, encodeAnthropicResponse } from "./anthropic/response";
import { anthropicStreamDecoder, anthropicStreamEncoder } from "./anthropic/stream";
import type { ChatRequest, ChatResponse, Decoded, ErrorKind, Sealer, StreamDecoder, StreamEncoder, Tool } from "./ir";
import { decodeOpenAIError, encodeOpenAIError } from "./openai/error";
import { decodeOpenAIRequest, encodeOpenAIRequest } from "./openai/request";
import { decodeOpenAIResponse, encodeOpenAIResponse } from "./openai/response";
import { openAIStreamDecoder, openAIStreamEncoder } from "./openai/stream";
import { decodeResponsesRequest } from "./responses/request";
import { encodeResponsesResponse } from "./responses/response";
import { responsesStreamEncoder } from "./responses/stream";

export { UntranslatableField } from "./errors";
export type { ErrorKind, Sealer };

// A call between two API styles: the client's request decoded into the internal representation
// (./ir) and encoded for the upstream; the upstream's answer, stream or error the way back. Pure:
// the gateway (lib/gateway/call) does the I/O and picks native or translated by the endpoint's style.
// Clients speak any of the three styles; an upstream is translated to when it speaks Chat Completions
// or Messages (an `openai-responses` endpoint only ever serves Responses clients, natively).

type Json = Record<string, unknown>;

/** The styles a call can be translated to. */
export type UpstreamStyle = Exclude<ApiStyle, "openai-responses">;

/** What the upstream's encoder needs beyond the request: the model it serves and its output cap rules. */
export type UpstreamTerms = { model: string; defaultMaxTokens: number; capField: OutputCapField };

/**
 * What the client's answer needs of its request: whether it asked for a usage chunk (OpenAI), and for a
 * Responses client its tools (their kinds), its body and the sealer of its reasoning.
 */
export type ClientContext = { includeUsage: boolean; tools?: Tool[]; request?: Json; sealer?: Sealer };

/** The context a Responses answer is written with: all of it is needed. */
function responsesContext(client: ClientContext | undefined) {
  if (!client?.sealer) throw new Error("A Responses API answer needs the request's context and a sealer.");
  return { tools: client.tools ?? [], request: client.request ?? {}, sealer: client.sealer };
}

function decode(from: ApiStyle, body: Json, sealer: Sealer | undefined): Decoded {
  if (from === "anthropic") return decodeAnthropicRequest(body);
  if (from === "openai") return decodeOpenAIRequest(body);
  if (!sealer) throw new Error("A Responses API request needs a sealer.");
  return decodeResponsesRequest(body, { sealer });
}

/** The client's body in the upstream's style, every advisory field dropped on the way, and the decoded request. Throws UntranslatableField. */
export function translateRequest(from: ApiStyle, to: UpstreamStyle, body: Json, terms: UpstreamTerms & { sealer?: Sealer }): { body: Json; dropped: string[]; request: ChatRequest } {
  const decoded = decode(from, body, terms.sealer);
  const encoded =
    to === "anthropic"
      ? encodeAnthropicRequest(decoded.request, { model: terms.model, defaultMaxTokens: terms.defaultMaxTokens })
      : encodeOpenAIRequest(decoded.request, { model: terms.model, capField: terms.capField });
  return { body: encoded.body, dropped: [...decoded.dropped, ...encoded.dropped], request: decoded.request };
}

/** A whole upstream answer in the client's style. */
export function translateResponse(from: UpstreamStyle, to: ApiStyle, json: Json, client?: ClientContext): Json {
  const decoded: ChatResponse = from === "anthropic" ? decodeAnthropicResponse(json) : decodeOpenAIResponse(json);
  if (to === "anthropic") return encodeAnthropicResponse(decoded);
  if (to === "openai") return encodeOpenAIResponse(decoded);
  return encodeResponsesResponse(decoded, responsesContext(client));
}

/** An upstream's error body (any status the gateway passes on) in the client's style. */
export function translateErrorBody(from: UpstreamStyle, to: ApiStyle, status: number, text: string): Json {
  const { kind, message } = from === "anthropic" ? decodeAnthropicError(status, text) : decodeOpenAIError(status, text);
  return errorBodyOf(to, kind, message);
}

/** An error in a style's own error body (Responses errors are OpenAI's). */
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

export function streamTranslator(from: UpstreamStyle, to: ApiStyle, client: ClientContext): StreamTranslator {
  const decoder: StreamDecoder = from === "anthropic" ? anthropicStreamDecoder() : openAIStreamDecoder();
  const encoder: StreamEncoder =
    to === "anthropic" ? anthropicStreamEncoder() : to === "openai" ? openAIStreamEncoder({ includeUsage: client.includeUsage }) : responsesStreamEncoder(responsesContext(client));
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
