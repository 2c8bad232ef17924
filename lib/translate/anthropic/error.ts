import type { ErrorKind } from "@/lib/translate/ir";
import { kindOfStatus, messageOf, parseBody } from "@/lib/translate/error-text";
import { type Json, obj, str } from "@/lib/translate/json";

// Anthropic error bodies: {"type":"error","error":{"type":…,"message":…}}.

const TYPE_OF: Record<ErrorKind, string> = {
  invalid_request: "invalid_request_error",
  authentication: "authentication_error",
  permission: "permission_error",
  not_found: "not_found_error",
  rate_limit: "rate_limit_error",
  overloaded: "overloaded_error",
  api_error: "api_error",
};
/** Anthropic's error types as kinds (also those of its stream's error events). */
export const KIND_OF: Record<string, ErrorKind> = {
  ...Object.fromEntries(Object.entries(TYPE_OF).map(([kind, type]) => [type, kind as ErrorKind])),
  request_too_large: "invalid_request",
  billing_error: "permission",
  timeout_error: "api_error",
};

export function decodeAnthropicError(status: number, text: string): { kind: ErrorKind; message: string } {
  const error = obj(parseBody(text)?.error);
  if (!error) return { kind: kindOfStatus(status), message: messageOf(text, status) };
  return { kind: KIND_OF[str(error.type) ?? ""] ?? kindOfStatus(status), message: messageOf(str(error.message), status) };
}

export const encodeAnthropicError = (kind: ErrorKind, message: string): Json => ({ type: "error", error: { type: TYPE_OF[kind], message } });
