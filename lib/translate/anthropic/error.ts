import type { ErrorKind } from "../ir";

// Placeholder: the real module comes from the request/response/error work; this only keeps tsc green.

export function decodeAnthropicError(_status: number, _text: string): { kind: ErrorKind; message: string } {
  throw new Error("not implemented");
}

export function encodeAnthropicError(_kind: ErrorKind, _message: string): Record<string, unknown> {
  throw new Error("not implemented");
}
