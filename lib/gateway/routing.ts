import type { RoutingEndpoint } from "@/lib/endpoints";
import { GatewayError, type ApiStyle } from "./errors";

// Which endpoint serves a requested model: pure functions over the routing table, so that the
// rules are tested without a database.

export type Target = { endpoint: RoutingEndpoint; model: string };

/**
 * The endpoint for a requested model: `model@endpoint` names the endpoint; a plain model name goes to
 * the first endpoint (by name) serving it, preferring one that speaks the client's API style.
 */
export function resolveModel(endpoints: readonly RoutingEndpoint[], requested: string, style: ApiStyle): Target {
  if (endpoints.length === 0) throw new GatewayError("unavailable", "No model endpoint is configured on this gateway. An admin can add one under Endpoints.");
  const at = requested.lastIndexOf("@");
  let endpoint: RoutingEndpoint | undefined;
  let model = requested;
  if (at > 0) {
    model = requested.slice(0, at);
    const name = requested.slice(at + 1);
    endpoint = endpoints.find((e) => e.name === name && e.models.includes(model));
  } else {
    const serving = endpoints.filter((e) => e.models.includes(requested));
    endpoint = serving.find((e) => e.apiStyle === style) ?? serving[0];
  }
  if (!endpoint) throw new GatewayError("not_found", `The model '${requested}' does not exist or is not served by this gateway.`);
  if (endpoint.apiStyle !== style) {
    const path = endpoint.apiStyle === "anthropic" ? "POST /v1/messages" : "POST /v1/chat/completions";
    throw new GatewayError("invalid_request", `The model '${requested}' is served by an ${endpoint.apiStyle}-style endpoint: call ${path}.`);
  }
  return { endpoint, model };
}

/**
 * The model ids a client can name, each with the endpoint that answers it: a model served by several
 * endpoints is listed once plainly and once per endpoint as `model@endpoint`.
 */
export function modelIds(endpoints: readonly RoutingEndpoint[]): { id: string; owner: string }[] {
  const servedBy = new Map<string, string[]>();
  for (const e of endpoints) for (const m of e.models) servedBy.set(m, [...(servedBy.get(m) ?? []), e.name]);
  const ids: { id: string; owner: string }[] = [];
  for (const [model, names] of servedBy) {
    ids.push({ id: model, owner: names[0] });
    if (names.length > 1) for (const n of names) ids.push({ id: `${model}@${n}`, owner: n });
  }
  return ids;
}
