import "server-only";
import { randomUUID } from "node:crypto";
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

async function readJsonBody(request: Request): Promise<Json> {
  const max = config().gateway.maxBodyBytes;
  const tooLarge = () => new GatewayError("too_large", `The request body is larger than ${max} bytes.`);
  if (Number(request.headers.get("content-length") ?? 0) > max) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
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

class TimedOut extends Error {}

/** Sends the call upstream; resolves at the upstream's response headers. */
async function forward(endpoint: RoutingEndpoint, adapter: StyleAdapter, body: Json, request: Request, record: CallRecord) {
  const controller = new AbortController();
  // The client going away aborts the upstream call, at any point of it.
  const onClientGone = () => controller.abort(new Error("client disconnected"));
  request.signal.addEventListener("abort", onClientGone, { once: true });
  const { upstreamTimeoutMs } = config().gateway;
  const timer = setTimeout(() => controller.abort(new TimedOut()), upstreamTimeoutMs);
  try {
    const response = await fetch(endpoint.baseUrl + adapter.path, {
      method: "POST",
      headers: adapter.upstreamHeaders(endpoint, request.headers),
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    return { response, controller };
  } catch (e) {
    const reason = controller.signal.reason;
    if (reason instanceof TimedOut) {
      await record.write("timeout");
      throw new GatewayError("timeout", `The upstream '${endpoint.name}' did not answer within ${Math.round(upstreamTimeoutMs / 1000)} s.`);
    }
    if (request.signal.aborted) {
      await record.write("client_aborted");
      throw new GatewayError("invalid_request", "The client closed the request.");
    }
    console.warn(`[gateway] upstream ${endpoint.name} unreachable:`, (e as Error).cause ?? (e as Error).message);
    throw new GatewayError("upstream", `The upstream '${endpoint.name}' could not be reached.`);
  } finally {
    clearTimeout(timer);
  }
}

// Upstream answers the client can act on pass through as they are (same API style as the client).
const PASS_THROUGH = new Set([400, 404, 409, 413, 422, 429]);

async function upstreamFailure(response: Response, endpoint: RoutingEndpoint, record: CallRecord): Promise<Response | GatewayError> {
  const text = await response.text().catch(() => "");
  await record.write(`upstream_${response.status}`);
  if (PASS_THROUGH.has(response.status)) {
    return new Response(text, { status: response.status, headers: { "content-type": response.headers.get("content-type") ?? "application/json" } });
  }
  if (response.status === 401 || response.status === 403) {
    return new GatewayError("upstream", `The upstream '${endpoint.name}' refused the gateway's credentials (HTTP ${response.status}).`);
  }
  return new GatewayError("upstream", `The upstream '${endpoint.name}' failed (HTTP ${response.status}).`);
}

function streamThrough(response: Response, controller: AbortController, adapter: StyleAdapter, strip: boolean, record: CallRecord) {
  const meter = new SseMeter(adapter, strip);
  const reader = response.body!.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(out) {
      try {
        for (;;) {
          const { done, value } = await reader.read();
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
      controller.abort(new Error("client disconnected"));
      await reader.cancel().catch(() => undefined);
      await record.write("client_aborted", meter.usage);
    },
  });
}

/** POST /v1/chat/completions (openai) and POST /v1/messages (anthropic). */
export async function handleCompletion(request: Request, style: ApiStyle): Promise<Response> {
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
    const { response, controller } = await forward(endpoint, adapter, prepared.body, request, record);
    if (!response.ok) {
      const failure = await upstreamFailure(response, endpoint, record);
      return failure instanceof GatewayError ? errorResponse(style, failure, headers) : withHeaders(failure, headers);
    }
    const isStream = (response.headers.get("content-type") ?? "").includes("text/event-stream");
    if (isStream && response.body) {
      return new Response(streamThrough(response, controller, adapter, prepared.injectedUsage, record), {
        status: response.status,
        headers: { ...headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" },
      });
    }
    const text = await response.text();
    let json: Json;
    try {
      json = JSON.parse(text);
    } catch {
      await record.write("upstream_invalid_response");
      throw new GatewayError("upstream", `The upstream '${endpoint.name}' sent an answer that is not JSON.`);
    }
    const usage = adapter.usageOfJson(json);
    await record.write(usage ? "ok" : "ok_no_usage", usage);
    return new Response(text, { status: response.status, headers: { ...headers, "content-type": "application/json" } });
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
export async function handleModels(request: Request): Promise<Response> {
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
