import { authenticate } from "./auth";
import type { GatewayDeps } from "./call";
import { errorResponse, GatewayError, type ApiStyle } from "./errors";
import type { GatewayRequest } from "./request";
import { modelIds } from "./routing";

/**
 * GET /v1/models: the models this key may call, in the client's shape (Anthropic's when the client
 * sends `anthropic-version`). Listing is not a call: it writes no ledger row.
 */
export async function runModels(deps: Pick<GatewayDeps, "keyCaller" | "endpoints">, request: Pick<GatewayRequest, "headers">): Promise<Response> {
  const style: ApiStyle = request.headers.has("anthropic-version") ? "anthropic" : "openai";
  try {
    const { resourcesVersion } = await authenticate(request.headers, deps.keyCaller);
    // permit: only what the caller may call (the permissions issue).
    const ids = modelIds(await deps.endpoints(resourcesVersion));
    if (style === "anthropic") {
      const data = ids.map((m) => ({ type: "model", id: m.id, display_name: m.id, created_at: "1970-01-01T00:00:00Z" }));
      return Response.json({ data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
    }
    return Response.json({ object: "list", data: ids.map((m) => ({ id: m.id, object: "model", created: 0, owned_by: m.owner })) });
  } catch (e) {
    if (e instanceof GatewayError) return errorResponse(style, e);
    console.error("[gateway] models failed:", e);
    return errorResponse(style, new GatewayError("internal", "The gateway failed to handle this request."));
  }
}
