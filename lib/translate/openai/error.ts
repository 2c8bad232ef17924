import type { ErrorKind } from "@/lib/translate/ir";
import { kindOfStatus, messageOf, parseBody } from "@/lib/translate/error-text";
import { type Json, obj, str } from "@/lib/translate/json";

// OpenAI error bodies: {"error":{"message":…,"type":…,"param":…,"code":…}}. OpenAI-compatible
// servers vary (vLLM: {"object":"error","message":…}; FastAPI: {"detail":…}), and their types
// too, so the status picks the kind.

const TYPE_OF: Record<ErrorKind, { type: string; code: string | null }> = {
  invalid_request: { type: "invalid_request_error", code: null },
  authentication: { type: "authentication_error", code: "invalid_api_key" },
  permission: { type: "permission_error", code: null },
  not_found: { type: "invalid_request_error", code: "not_found" },
  rate_limit: { type: "rate_limit_error", code: "rate_limit_exceeded" },
  overloaded: { type: "server_error", code: "overloaded" },
  api_error: { type: "server_error", code: null },
};

export function decodeOpenAIError(status: number, text: string): { kind: ErrorKind; message: string } {
  const body = parseBody(text);
  if (!body) return { kind: kindOfStatus(status), message: messageOf(text, status) };
  const message = str(obj(body.error)?.message) ?? str(body.error) ?? str(body.message) ?? str(body.detail) ?? text;
  return { kind: kindOfStatus(status), message: messageOf(message, status) };
}

export const encodeOpenAIError = (kind: ErrorKind, message: string): Json => ({ error: { message, ...TYPE_OF[kind], param: null } });

/** An OpenAI-style error's kind, from its `type` or `code` (servers differ in which they fill: vLLM says `BadRequestError`, code 400). */
export function kindOfOpenAIError(error: Json): ErrorKind {
  const said = `${(str(error.type) ?? "")} ${(str(error.code) ?? "")} ${typeof error.code === "number" ? error.code : ""}`.toLowerCase();
  if (/auth|401|invalid_api_key/.test(said)) return "authentication";
  if (/permission|403/.test(said)) return "permission";
  if (/not_found|404|model_not_found/.test(said)) return "not_found";
  if (/rate_limit|429|quota/.test(said)) return "rate_limit";
  if (/overload|503|unavailable/.test(said)) return "overloaded";
  if (/invalid_request|badrequest|400|context_length/.test(said)) return "invalid_request";
  return "api_error";
}
