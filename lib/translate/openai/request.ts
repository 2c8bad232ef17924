import type { ChatRequest, Decoded, Encoded } from "../ir";

// Placeholder: the real module comes from the request/response/error work; this only keeps tsc green.

export function decodeOpenAIRequest(_body: Record<string, unknown>): Decoded {
  throw new Error("not implemented");
}

export function encodeOpenAIRequest(_request: ChatRequest, _terms: Record<string, unknown>): Encoded {
  throw new Error("not implemented");
}
