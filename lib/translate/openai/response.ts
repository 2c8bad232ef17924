import type { ChatResponse } from "../ir";

// Placeholder: the real module comes from the request/response/error work; this only keeps tsc green.

export function decodeOpenAIResponse(_json: Record<string, unknown>): ChatResponse {
  throw new Error("not implemented");
}

export function encodeOpenAIResponse(_response: ChatResponse): Record<string, unknown> {
  throw new Error("not implemented");
}
