import { permitOf } from "@/lib/permissions/rules";
import { authenticate } from "./auth";
import type { GatewayDeps } from "./call";
import { errorResponse, GatewayError, type ApiStyle } from "./errors";
import type { GatewayRequest } from "./request";
import { modelIds } from "./routing";
import { callableIds } from "./overlay";
import { routingAt } from "./resolve";

/**
 * GET /v1/models: the models this key may call, in the client's shape (Anthropic's when the client
 * sends `anthropic-version`). Listing is not a call: it writes no ledger row.
 */
export async function runModels(deps: Pick<GatewayDeps, "keyCaller" | "endpoints" | "overlays">, request: Pick<GatewayRequest, "headers">): Promise<Response> {
  const style: ApiStyle = request.headers.has("anthropic-version") ? "anthropic" : "openai";
  try {
    const { auth, resourcesVersion } = await authenticate(request.headers, deps.keyCaller);
    // Exactly what the caller may call: the models, then the templates (a template's name wins over a model's).
    const [endpoints, table] = await routingAt(deps, resourcesVersion);
    const ids = callableIds(table, endpoints, auth);
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

/** What an agent may use besides models, `*` expanded (lib/permissions callerPermissions). */
export type CallerPermissions = { skills: string[]; mcp_tools: string[]; modes: string[] };

/**
 * GET /v1/me/permissions: for the tools behind an agent (which skills, MCP tools and modes its user
 * may use) and the models it may call, read fresh. Not a call: no ledger row.
 */
export async function runMe(
  deps: Pick<GatewayDeps, "keyCaller" | "endpoints"> & { permissions(userId: string, admin: boolean): Promise<CallerPermissions> },
  request: Pick<GatewayRequest, "headers">,
): Promise<Response> {
  const style: ApiStyle = request.headers.has("anthropic-version") ? "anthropic" : "openai";
  try {
    const { auth, resourcesVersion } = await authenticate(request.headers, deps.keyCaller);
    const permit = permitOf(auth);
    const [endpoints, granted] = await Promise.all([deps.endpoints(resourcesVersion), deps.permissions(auth.userId, permit.admin)]);
    return Response.json(
      {
        object: "permissions",
        user: { id: auth.userId, username: auth.username, role: auth.role },
        models: modelIds(endpoints, permit).map((m) => m.id),
        ...granted,
      },
      { headers: { "cache-control": "no-store" } },
    );
  } catch (e) {
    if (e instanceof GatewayError) return errorResponse(style, e);
    console.error("[gateway] permissions failed:", e);
    return errorResponse(style, new GatewayError("internal", "The gateway failed to handle this request."));
  }
}
