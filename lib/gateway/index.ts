import "server-only";
import { randomUUID } from "node:crypto";
import { errors as undiciErrors, request as undiciRequest, type Dispatcher } from "undici";
import { config } from "@/lib/config";
import { markKeyUsed } from "@/lib/keys";
import { costEur, recordUsage } from "@/lib/usage";
import { authenticate, type CallerAuth } from "./auth";
import { errorResponse, GatewayError, type ApiStyle } from "./errors";
import { resolveModel, routingEndpoints, type RoutingEndpoint } from "./routing";
import { SseMeter } from "./sse";
import { adapters, type StyleAdapter, type Usage } from "./styles";

// One gateway call: authenticate → (permission) → (budget) → forward → meter → record.
// The route handlers in app/v1 only call these two functions.

type Json = Record<string, unknown>;

/** What a call needs of its request: a web Request (route handlers) or Node's request (lib/gateway/node). */
export type GatewayRequest = { headers: Headers; body: AsyncIterable<Uint8Array> | null; signal: AbortSignal };

async function readJsonBody(request: GatewayRequest): Promise<Json> {
  const max = config().gateway.maxBodyBytes;
  const tooLarge = () => new GatewayError("too_large", `The request body is larger than ${max} bytes.`);
  if (Number(request.headers.get("content-length") ?? 0) > max) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    // Read by hand rather than with for-await: leaving the loop early would destroy a Node request,
    // and with it the socket the 413 answer has to go out on.
    const body = request.body[Symbol.asyncIterator]();
    for (;;) {
      const { done, value } = await body.next();
      if (done) break;
      size += value.byteLength;
      // Stop reading at the limit; the rest of the body is never buffered.
      if (size > max) throw tooLarge();
      chunks.push(value);
    }
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new GatewayError("invalid_request", "The request body is not valid JSON.");
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new GatewayError("invalid_request", "The request body must be a JSON object.");
  return body as Json;
}

/** A call that reached an upstream: everything needed to write its usage_events row. */
class CallRecord {
  private recorded = false;
  constructor(
    private requestId: string,
    private auth: CallerAuth,
    private endpoint: RoutingEndpoint,
    private model: string,
    private started: number,
  ) {}

  async write(status: string, usage: Usage = { input: 0, output: 0 }) {
    if (this.recorded) return;
    this.recorded = true;
    try {
      await recordUsage({
        requestId: this.requestId,
        userId: this.auth.userId,
        keyId: this.auth.keyId,
        endpoint: this.endpoint.name,
        model: this.model,
        inputTokens: usage.input,
        outputTokens: usage.output,
        costEur: costEur(usage.input, usage.output, this.endpoint),
        status,
        latencyMs: Math.round(performance.now() - this.started),
        createdAt: new Date().toISOString(),
      });
    } catch (e) {
      console.error(`[gateway] could not record usage of ${this.requestId}:`, e);
    }
  }
}

type Upstream = Dispatcher.ResponseData;
const header = (u: Upstream, name: string) => {
  const v = u.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Sends the call upstream; resolves at the upstream's response headers. undici's request() rather
 * than fetch(): it is leaner, and inside the Next server process the global fetch is Next's patched,
 * traced one.
 */
async function forward(endpoint: RoutingEndpoint, adapter: StyleAdapter, body: Json, request: GatewayRequest, record: CallRecord) {
  const controller = new AbortController();
  // The client going away aborts the upstream call, at any point of it.
  const onClientGone = () => controller.abort();
  request.signal.addEventListener("abort", onClientGone, { once: true });
  const { upstreamTimeoutMs } = config().gateway;
  try {
    const upstream = await undiciRequest(endpoint.baseUrl + adapter.path, {
      method: "POST",
      headers: adapter.upstreamHeaders(endpoint, request.headers),
      body: JSON.stringify(body),
      signal: controller.signal,
      // Until the response headers; then, between two chunks of a stream.
      headersTimeout: upstreamTimeoutMs,
      bodyTimeout: upstreamTimeoutMs,
    });
    return { upstream, controller };
  } catch (e) {
    if (e instanceof undiciErrors.HeadersTimeoutError) {
      await record.write("timeout");
      throw new GatewayError("timeout", `The upstream '${endpoint.name}' did not answer within ${Math.round(upstreamTimeoutMs / 1000)} s.`);
    }
    if (request.signal.aborted) {
      await record.write("client_aborted");
      throw new GatewayError("invalid_request", "The client closed the request.");
    }
    console.warn(`[gateway] upstream ${endpoint.name} unreachable:`, (e as Error).message);
    throw new GatewayError("upstream", `The upstream '${endpoint.name}' could not be reached.`);
  }
}

// Upstream answers the client can act on pass through as they are (same API style as the client).
const PASS_THROUGH = new Set([400, 404, 409, 413, 422, 429]);

async function upstreamFailure(upstream: Upstream, endpoint: RoutingEndpoint, record: CallRecord): Promise<Response | GatewayError> {
  const text = await upstream.body.text().catch(() => "");
  await record.write(`upstream_${upstream.statusCode}`);
  if (PASS_THROUGH.has(upstream.statusCode)) {
    return new Response(text, { status: upstream.statusCode, headers: { "content-type": header(upstream, "content-type") ?? "application/json" } });
  }
  if (upstream.statusCode === 401 || upstream.statusCode === 403) {
    return new GatewayError("upstream", `The upstream '${endpoint.name}' refused the gateway's credentials (HTTP ${upstream.statusCode}).`);
  }
  return new GatewayError("upstream", `The upstream '${endpoint.name}' failed (HTTP ${upstream.statusCode}).`);
}

function streamThrough(upstream: Upstream, controller: AbortController, adapter: StyleAdapter, strip: boolean, record: CallRecord) {
  const meter = new SseMeter(adapter, strip);
  const chunks = upstream.body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return new ReadableStream<Uint8Array>({
    async pull(out) {
      try {
        for (;;) {
          const { done, value } = await chunks.next();
          if (done) {
            const rest = meter.finish();
            if (rest) out.enqueue(rest);
            await record.write(meter.sawUsage ? "ok" : "ok_no_usage", meter.usage);
            out.close();
            return;
          }
          const piece = meter.push(value);
          if (piece) {
            out.enqueue(piece);
            return;
          }
        }
      } catch (e) {
        await record.write(controller.signal.aborted ? "client_aborted" : "upstream_stream_error", meter.usage);
        out.error(e);
      }
    },
    async cancel() {
      // The client went away mid-stream: stop the upstream and bill what it reported so far.
      controller.abort();
      upstream.body.destroy();
      await record.write("client_aborted", meter.usage);
    },
  });
}

/** POST /v1/chat/completions (openai) and POST /v1/messages (anthropic). */
export async function handleCompletion(request: GatewayRequest, style: ApiStyle): Promise<Response> {
  const requestId = randomUUID();
  const started = performance.now();
  const headers = { "x-request-id": requestId };
  try {
    const auth = await authenticate(request.headers);
    markKeyUsed(auth.keyId);
    const body = await readJsonBody(request);
    if (typeof body.model !== "string" || !body.model) throw new GatewayError("invalid_request", "The request must name a model.");
    const { endpoint, model } = await resolveModel(body.model, style);

    // Permissions (issue 4): refuse here, with GatewayError("permission", …), a caller without a
    // grant for `${model}@${endpoint.name}`.
    // Budget (issue 5): reserve the call's maximum here, and settle it where `record.write` runs.

    const adapter = adapters[style];
    const prepared = adapter.prepare({ ...body, model });
    const record = new CallRecord(requestId, auth, endpoint, model, started);
    const { upstream, controller } = await forward(endpoint, adapter, prepared.body, request, record);
    if (upstream.statusCode < 200 || upstream.statusCode > 299) {
      const failure = await upstreamFailure(upstream, endpoint, record);
      return failure instanceof GatewayError ? errorResponse(style, failure, headers) : withHeaders(failure, headers);
    }
    if ((header(upstream, "content-type") ?? "").includes("text/event-stream")) {
      return new Response(streamThrough(upstream, controller, adapter, prepared.injectedUsage, record), {
        status: upstream.statusCode,
        headers: { ...headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" },
      });
    }
    const text = await upstream.body.text();
    let json: Json;
    try {
      json = JSON.parse(text);
    } catch {
      await record.write("upstream_invalid_response");
      throw new GatewayError("upstream", `The upstream '${endpoint.name}' sent an answer that is not JSON.`);
    }
    const usage = adapter.usageOfJson(json);
    await record.write(usage ? "ok" : "ok_no_usage", usage);
    return new Response(text, { status: upstream.statusCode, headers: { ...headers, "content-type": "application/json" } });
  } catch (e) {
    if (e instanceof GatewayError) return errorResponse(style, e, headers);
    console.error(`[gateway] ${requestId} failed:`, e);
    return errorResponse(style, new GatewayError("internal", "The gateway failed to handle this request."), headers);
  }
}

function withHeaders(response: Response, headers: Record<string, string>) {
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  return response;
}

/**
 * GET /v1/models: the models this key may call, in the client's shape (Anthropic's when the client
 * sends `anthropic-version`). A model served by several endpoints is listed once plainly and once per
 * endpoint as `model@endpoint`.
 */
export async function handleModels(request: Pick<GatewayRequest, "headers">): Promise<Response> {
  const style: ApiStyle = request.headers.has("anthropic-version") ? "anthropic" : "openai";
  try {
    await authenticate(request.headers);
    // Permissions (issue 4): list only what the caller may call.
    const endpoints = await routingEndpoints();
    const servedBy = new Map<string, string[]>();
    for (const e of endpoints) for (const m of e.models) servedBy.set(m, [...(servedBy.get(m) ?? []), e.name]);
    const ids: { id: string; owner: string }[] = [];
    for (const [model, names] of servedBy) {
      ids.push({ id: model, owner: names[0] });
      if (names.length > 1) for (const n of names) ids.push({ id: `${model}@${n}`, owner: n });
    }
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
