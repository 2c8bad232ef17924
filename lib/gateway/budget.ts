import type { Admission, Ask, Standing } from "@/lib/budgets";
import { applyOutputCap, inputBound, minimumCap, requestedOutput, type Allowances } from "@/lib/budgets/bounds";
import { unlimited, type BudgetTerms, type BudgetWindow } from "@/lib/budgets/windows";
import type { RoutingEndpoint } from "@/lib/endpoints";
import { maxOutputOf } from "@/lib/endpoints/limits";
import { GatewayError, type ApiStyle } from "./errors";
import type { Json } from "./request";

// The call's budget step, between its transform and its forward: what to ask of the budget store for
// the body exactly as it will be sent, the body with its output capped to what was granted, and what
// the client is told (refusals in its own shape, budget headers).

/**
 * What the call asks of the store. A user with a limit reserves the bound of the call's input plus its
 * output cap; one without only reads where they stand (their call is forwarded as sent).
 */
export function budgetAsk(
  call: { requestId: string; userId: string; terms: BudgetTerms; windows: BudgetWindow[]; style: ApiStyle },
  target: { endpoint: RoutingEndpoint; model: string },
  body: Json,
  allowances: Allowances,
): Ask {
  const base = { requestId: call.requestId, userId: call.userId, windows: call.windows, inputBound: 0, n: 1, wantedCap: 0, minCap: 0 };
  if (unlimited(call.terms)) return { ...base, reserve: false };
  const input = inputBound(call.style, body, allowances);
  if (input.unbounded)
    throw new GatewayError(
      "invalid_request",
      `This request contains input whose size in tokens cannot be known before it is sent (${input.unbounded}), so it cannot be admitted against your token limit. Send it as text or images, or ask an admin.`,
      "unbounded_input",
    );
  const asked = requestedOutput(call.style, body);
  const modelMax = maxOutputOf(target.endpoint, target.model);
  return {
    ...base,
    reserve: true,
    inputBound: input.tokens,
    n: asked.n,
    wantedCap: Math.min(asked.cap ?? modelMax, modelMax),
    minCap: minimumCap(asked.cap, modelMax),
  };
}

/** The body with its output capped to the admission's cap (unchanged when none applies). */
export function cappedBody(style: ApiStyle, endpoint: RoutingEndpoint, body: Json, admission: Extract<Admission, { ok: true }>) {
  if (admission.cap === undefined) return { body, lowered: false };
  return applyOutputCap(style, body, admission.cap, style === "anthropic" ? "max_tokens" : endpoint.outputCapField);
}

const fmt = (n: number) => n.toLocaleString("en-US");

function untilText(ms: number) {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.round(hours / 24)} days`;
}

/**
 * The 429 of a call the budget cannot hold: which window, where it stands, when it resets. Retrying
 * does not help until then, so the SDKs are told not to (`x-should-retry: false`), and `retry-after`
 * is sent only when the window resets within the hour.
 */
export function budgetRefusal(refused: Extract<Admission, { reason: "budget" }>, now = Date.now()) {
  const w = refused.window;
  const label = w.kind === "monthly" && w.resetsAt === null ? "one-time" : w.kind;
  const resetMs = w.resetsAt ? Date.parse(w.resetsAt) - now : undefined;
  const when = resetMs === undefined ? "It does not reset; ask an admin to raise it." : `It resets at ${w.resetsAt} (in ${untilText(resetMs)}).`;
  const inFlight = refused.reserved ? `, ${fmt(refused.reserved)} more held by your calls in progress` : "";
  const message = `Your ${label} token budget cannot hold this request: ${fmt(w.used)} of ${fmt(w.limit ?? 0)} tokens used${inFlight}. ${when}`;
  const headers: Record<string, string> = { "x-should-retry": "false", ...budgetHeaders(refused.standing) };
  if (resetMs !== undefined && resetMs <= 3_600_000) headers["retry-after"] = String(Math.max(1, Math.ceil(resetMs / 1000)));
  return new GatewayError("budget_exceeded", message, undefined, headers);
}

/** The 503 of a call by a user with a limit while the shared budget store cannot be reached. */
export const budgetUnavailable = (retryAfterSeconds: number) =>
  new GatewayError(
    "budget_unavailable",
    "Token budgets cannot be checked at this moment, so calls of users with a token limit are paused. Try again shortly.",
    undefined,
    { "retry-after": String(retryAfterSeconds) },
  );

/** `X-Tollgate-Budget-{Daily,Monthly,Total}-{Used,Limit,Remaining,Reset}`; only Used where unlimited. */
export function budgetHeaders(standing: Standing[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const s of standing) {
    const name = `x-tollgate-budget-${s.kind}`;
    headers[`${name}-used`] = String(s.used);
    if (s.limit === null) continue;
    headers[`${name}-limit`] = String(s.limit);
    headers[`${name}-remaining`] = String(Math.max(0, s.limit - s.used));
    if (s.resetsAt) headers[`${name}-reset`] = s.resetsAt;
  }
  return headers;
}
