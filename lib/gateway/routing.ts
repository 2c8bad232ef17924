import "server-only";
import { routingEndpoints, type RoutingEndpoint } from "@/lib/endpoints";
import { GatewayError, type ApiStyle } from "./errors";

export { routingEndpoints, type RoutingEndpoint };

/**
 * The endpoint for a requested model: `model@endpoint` names the endpoint; a plain model name goes to
 * the first endpoint (by name) serving it, preferring one that speaks the client's API style.
 */
export async function resolveModel(requested: string, style: ApiStyle): Promise<{ endpoint: RoutingEndpoint; model: string }> {
  const list = await routingEndpoints();
  if (list.length === 0) throw new GatewayError("unavailable", "No model endpoint is configured on this gateway. An admin can add one under Endpoints.");
  const at = requested.lastIndexOf("@");
  let endpoint: RoutingEndpoint | undefined;
  let model = requested;
  if (at > 0) {
    model = requested.slice(0, at);
    const name = requested.slice(at + 1);
    endpoint = list.find((e) => e.name === name && e.models.includes(model));
  } else {
    const serving = list.filter((e) => e.models.includes(requested));
    endpoint = serving.find((e) => e.apiStyle === style) ?? serving[0];
  }
  if (!endpoint) throw new GatewayError("not_found", `The model '${requested}' does not exist or is not served by this gateway.`);
  if (endpoint.apiStyle !== style) {
    const path = endpoint.apiStyle === "anthropic" ? "POST /v1/messages" : "POST /v1/chat/completions";
    throw new GatewayError("invalid_request", `The model '${requested}' is served by an ${endpoint.apiStyle}-style endpoint: call ${path}.`);
  }
  return { endpoint, model };
}
