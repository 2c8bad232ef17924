import { errors as undiciErrors, request as undiciRequest, type Dispatcher } from "undici";
import type { RoutingEndpoint } from "@/lib/endpoints";
import { GatewayError } from "./errors";
import type { Json } from "./request";
import type { StyleAdapter } from "./styles";

// The call's one conversation with its upstream: send the body, get the response headers, and say
// in the call's own terms (a GatewayError with its ledger status) what went wrong before them.

export type Upstream = Dispatcher.ResponseData;

/**
 * Marks every call this gateway forwards. A gateway that receives a call carrying it refuses it
 * (call.ts): an endpoint pointing back at a Tollgate — this one under another name, a sibling
 * instance, or another deployment whose endpoint points back here — would otherwise forward the call
 * again and again (one such call once recursed about a thousand times a second). The base URL rule in
 * lib/endpoints stops the plain cases at the form; this stops the rest after one hop.
 */
export const HOP_HEADER = "x-tollgate-hop";

/** A forwarded call arriving back at a gateway: refused with 400 and its own ledger status. */
export function refuseForwardedCall(headers: Headers) {
  if (headers.has(HOP_HEADER)) {
    throw new GatewayError(
      "invalid_request",
      `This request was forwarded by a Tollgate gateway (it carries ${HOP_HEADER}): a model endpoint points at a Tollgate, which would loop. Point that endpoint at the upstream provider instead.`,
      "loop_refused",
    );
  }
}

export const headerOf = (u: Upstream, name: string) => {
  const v = u.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export const isTimeout = (e: unknown) => e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.BodyTimeoutError;

/**
 * Sends the call upstream; resolves at the upstream's response headers, with the controller that
 * aborts it. undici's request() rather than fetch(): it is leaner, and inside the Next server process
 * the global fetch is Next's patched, traced one. The client going away aborts the upstream call, at
 * any point of it.
 */
export async function sendUpstream(
  endpoint: RoutingEndpoint,
  adapter: StyleAdapter,
  body: Json,
  client: { headers: Headers; signal: AbortSignal },
  timeoutMs: number,
): Promise<{ upstream: Upstream; controller: AbortController }> {
  const controller = new AbortController();
  client.signal.addEventListener("abort", () => controller.abort(), { once: true, signal: controller.signal });
  try {
    const upstream = await undiciRequest(endpoint.baseUrl + adapter.path, {
      method: "POST",
      headers: { ...adapter.upstreamHeaders(endpoint, client.headers), [HOP_HEADER]: "1" },
      body: JSON.stringify(body),
      signal: controller.signal,
      // Until the response headers; then, between two chunks of a stream.
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    return { upstream, controller };
  } catch (e) {
    if (isTimeout(e)) throw timeoutError(endpoint, timeoutMs);
    if (client.signal.aborted) throw new GatewayError("invalid_request", "The client closed the request.", "client_aborted");
    console.warn(`[gateway] upstream ${endpoint.name} unreachable:`, (e as Error).message);
    throw new GatewayError("upstream", `The upstream '${endpoint.name}' could not be reached.`, "upstream_unreachable");
  }
}

export const timeoutError = (endpoint: RoutingEndpoint, timeoutMs: number) =>
  new GatewayError("timeout", `The upstream '${endpoint.name}' did not answer within ${Math.round(timeoutMs / 1000)} s.`);

// Upstream answers the client can act on pass through as they are (same API style as the client).
const PASS_THROUGH = new Set([400, 404, 409, 413, 422, 429]);

/** A non-2xx upstream answer: passed on as it is, or turned into the gateway's own 502. */
export async function upstreamRefusal(upstream: Upstream, endpoint: RoutingEndpoint): Promise<Response | GatewayError> {
  const text = await upstream.body.text().catch(() => "");
  const status = `upstream_${upstream.statusCode}`;
  if (PASS_THROUGH.has(upstream.statusCode)) {
    return new Response(text, { status: upstream.statusCode, headers: { "content-type": headerOf(upstream, "content-type") ?? "application/json" } });
  }
  if (upstream.statusCode === 401 || upstream.statusCode === 403) {
    return new GatewayError("upstream", `The upstream '${endpoint.name}' refused the gateway's credentials (HTTP ${upstream.statusCode}).`, status);
  }
  return new GatewayError("upstream", `The upstream '${endpoint.name}' failed (HTTP ${upstream.statusCode}).`, status);
}
