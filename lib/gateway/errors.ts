// Errors in the client's own API shape, so that the official SDKs raise their proper classes
// (AuthenticationError for 401, PermissionDeniedError for 403, NotFoundError for 404,
// RateLimitError for 429, ...).

import type { ApiStyle } from "@/db/enums";

export type { ApiStyle };

type Kind =
  | "invalid_request"
  | "authentication"
  | "permission"
  | "not_found"
  | "too_large"
  | "rate_limit"
  | "budget_exceeded"
  | "budget_unavailable"
  | "internal"
  | "upstream"
  | "timeout"
  | "unavailable";

const STATUS: Record<Kind, number> = {
  invalid_request: 400,
  authentication: 401,
  permission: 403,
  not_found: 404,
  too_large: 413,
  rate_limit: 429,
  budget_exceeded: 429,
  budget_unavailable: 503,
  internal: 500,
  upstream: 502,
  unavailable: 503,
  timeout: 504,
};

const OPENAI: Record<Kind, { type: string; code: string | null }> = {
  invalid_request: { type: "invalid_request_error", code: null },
  authentication: { type: "authentication_error", code: "invalid_api_key" },
  permission: { type: "permission_error", code: "permission_denied" },
  not_found: { type: "invalid_request_error", code: "model_not_found" },
  too_large: { type: "invalid_request_error", code: "request_too_large" },
  rate_limit: { type: "rate_limit_error", code: "rate_limit_exceeded" },
  // OpenAI's own answer when an account's quota is spent (a 429 that retrying does not cure).
  budget_exceeded: { type: "insufficient_quota", code: "insufficient_quota" },
  budget_unavailable: { type: "api_error", code: "budget_unavailable" },
  internal: { type: "api_error", code: "internal_error" },
  upstream: { type: "api_error", code: "upstream_error" },
  unavailable: { type: "api_error", code: "no_endpoint" },
  timeout: { type: "api_error", code: "upstream_timeout" },
};

const ANTHROPIC: Record<Kind, string> = {
  invalid_request: "invalid_request_error",
  authentication: "authentication_error",
  permission: "permission_error",
  not_found: "not_found_error",
  too_large: "request_too_large",
  rate_limit: "rate_limit_error",
  budget_exceeded: "rate_limit_error",
  budget_unavailable: "api_error",
  internal: "api_error",
  upstream: "api_error",
  unavailable: "api_error",
  timeout: "api_error",
};

// The status a refused or failed call leaves in its ledger row, unless the error names its own.
const LEDGER: Record<Kind, string> = {
  invalid_request: "invalid_request",
  authentication: "unauthenticated", // never written: a call without a valid caller has no row
  permission: "permission_denied",
  not_found: "model_not_found",
  too_large: "request_too_large",
  rate_limit: "rate_limited",
  budget_exceeded: "budget_exceeded",
  budget_unavailable: "budget_unavailable",
  internal: "internal_error",
  upstream: "upstream_error",
  unavailable: "no_endpoint",
  timeout: "timeout",
};

export class GatewayError extends Error {
  /** What the call's usage row says happened, e.g. `upstream_unreachable` for an `upstream` error. */
  readonly ledgerStatus: string;

  constructor(
    readonly kind: Kind,
    message: string,
    ledgerStatus?: string,
    /** Headers the answer carries besides the call's own (retry-after, x-should-retry). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "GatewayError";
    this.ledgerStatus = ledgerStatus ?? LEDGER[kind];
  }
  get status() {
    return STATUS[this.kind];
  }
}

export function errorBody(style: ApiStyle, error: GatewayError) {
  if (style === "anthropic") return { type: "error", error: { type: ANTHROPIC[error.kind], message: error.message } };
  const { type, code } = OPENAI[error.kind];
  return { error: { message: error.message, type, param: null, code } };
}

export function errorResponse(style: ApiStyle, error: GatewayError, headers: Record<string, string> = {}) {
  return Response.json(errorBody(style, error), { status: error.status, headers: { ...headers, ...error.headers } });
}
