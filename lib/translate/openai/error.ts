import type { ErrorKind } from "../ir";

// Placeholder: the real module comes from the request/response/error work; this only keeps tsc green.

export function decodeOpenAIError(_status: number, _text: string): { kind: ErrorKind; message: string } {
  throw new Error("not implemented");
}

export function encodeOpenAIError(_kind: ErrorKind, _message: string): Record<string, unknown> {
  throw new Error("not implemented");
}
