import "server-only";
import { listRoutingEndpoints } from "@/lib/endpoints";
import { GatewayError, type ApiStyle } from "./errors";

export type RoutingEndpoint = Awaited<ReturnType<typeof listRoutingEndpoints>>[number];

// The endpoint list is read from SQLite at most every 2 seconds per instance and kept only in
// process memory: it holds the upstream API keys, which therefore never travel to Valkey, and an
// endpoint change is not a security boundary that must apply on the very next call.
const LIFETIME_MS = 2000;
const g = globalThis as unknown as { __tollgateRouting?: { at: number; list: Promise<RoutingEndpoint[]> } };

export function routingEndpoints(): Promise<RoutingEndpoint[]> {
  const now = Date.now();
  if (!g.__tollgateRouting || now - g.__tollgateRouting.at > LIFETIME_MS) {
    const list = listRoutingEndpoints();
    g.__tollgateRouting = { at: now, list };
    list.catch(() => (g.__tollgateRouting = undefined));
  }
  return g.__tollgateRouting.list;
}

/** Forget the list on this instance (after a change here; other instances follow within 2 s). */
export function forgetRoutingEndpoints() {
  g.__tollgateRouting = undefined;
}

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
