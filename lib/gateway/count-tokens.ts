import type { RoutingEndpoint } from "@/lib/endpoints";
import { authenticate } from "./auth";
import type { GatewayDeps } from "./call";
import { errorResponse, GatewayError } from "./errors";
import { countTextTokens } from "./estimate";
import { readJsonBody, type GatewayRequest, type Json } from "./request";
import { applyOverlay } from "./overlay";
import { resolveCall } from "./resolve";
import { adapters } from "./styles";
import { refuseForwardedCall, sendUpstream } from "./upstream";
import { checkCountTokensFields } from "./validate";

// POST /v1/messages/count_tokens (Anthropic's; Claude Code asks it to size its context): the caller
// and the model are checked like a call's, then an anthropic-style endpoint counts for itself, and
// the gateway estimates with its tokenizer when the upstream cannot (an openai-style endpoint has no
// such route; a failing one is not worth failing the client for). Counting costs nothing upstream, so
// it writes no ledger row and touches no budget.

type Deps = Pick<GatewayDeps, "keyCaller" | "endpoints" | "overlays" | "upstreamTimeoutMs" | "maxBodyBytes">;

export async function runCountTokens(deps: Deps, request: GatewayRequest): Promise<Response> {
  try {
    const { auth, resourcesVersion } = await authenticate(request.headers, deps.keyCaller);
    refuseForwardedCall(request.headers);
    const requested = await readJsonBody(request, deps.maxBodyBytes);
    checkCountTokensFields(requested);
    // Counted as the call would be sent: through the caller's template or active CC profile (its prompt counts too).
    const { target, routed } = await resolveCall(deps, resourcesVersion, auth, "anthropic", requested.model as string);
    // Only what changes the count: the model and the instruction (no caps: the counting route takes none).
    const body = routed ? applyOverlay("anthropic", requested, { model: routed.overlay.model, systemPrompt: routed.overlay.systemPrompt }) : requested;
    if (target.endpoint.apiStyle === "anthropic") {
      const counted = await askUpstream(target.endpoint, { ...body, model: target.model }, request, deps.upstreamTimeoutMs);
      if (counted) return counted;
    }
    const tokens = await countTextTokens(adapters.anthropic.promptText(body));
    return Response.json({ input_tokens: tokens }, { headers: { "x-tollgate-estimated": "true" } });
  } catch (e) {
    if (e instanceof GatewayError) return errorResponse("anthropic", e);
    console.error("[gateway] count_tokens failed:", e);
    return errorResponse("anthropic", new GatewayError("internal", "The gateway failed to handle this request."));
  }
}

/** The upstream's own count, or its refusal of the client's request (400); undefined when it cannot count. */
async function askUpstream(endpoint: RoutingEndpoint, body: Json, request: GatewayRequest, timeoutMs: number): Promise<Response | undefined> {
  try {
    // The call's own way upstream (hop header, timeouts, the client's abort), to Anthropic's counting route.
    const { upstream } = await sendUpstream(endpoint, { ...adapters.anthropic, path: "/messages/count_tokens" }, body, request, timeoutMs);
    const text = await upstream.body.text();
    if (upstream.statusCode === 400) return new Response(text, { status: 400, headers: { "content-type": "application/json" } });
    if (upstream.statusCode !== 200) return undefined;
    const json = JSON.parse(text) as Json;
    return typeof json.input_tokens === "number" ? Response.json({ input_tokens: json.input_tokens }) : undefined;
  } catch {
    return undefined;
  }
}
