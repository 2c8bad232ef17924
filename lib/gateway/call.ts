import { randomUUID } from "node:crypto";
import type { BudgetStore, Standing } from "@/lib/budgets";
import type { Allowances } from "@/lib/budgets/bounds";
import { budgetWindows } from "@/lib/budgets/windows";
import type { AlertCheck } from "@/lib/alerts/types";
import type { KeyCaller } from "@/lib/callers";
import type { RoutingEndpoint } from "@/lib/endpoints";
import type { OverlayTable } from "@/lib/templates/rules";
import { maxOutputOf } from "@/lib/endpoints/limits";
import { streamTranslator, translateErrorBody, translateRequest, translateResponse, UntranslatableField, type ClientContext, type Sealer, type StreamTranslator, type UpstreamStyle } from "@/lib/translate";
import { costEur } from "@/lib/usage";
import { authenticate, type CallerAuth } from "./auth";
import { budgetAsk, budgetHeaders, budgetRefusal, budgetUnavailable, cappedBody } from "./budget";
import { errorResponse, GatewayError, type ApiStyle } from "./errors";
import { countTextTokens, estimateUsage } from "./estimate";
import { readJsonBody, type GatewayRequest, type Json } from "./request";
import { resolveCall } from "./resolve";
import type { Target } from "./routing";
import { applyOverlay, type Routed } from "./overlay";
import { SseMeter } from "./sse";
import { adapters, NO_USAGE, type StyleAdapter, type Usage } from "./styles";
import { headerOf, isTimeout, refuseForwardedCall, sendUpstream, timeoutError, upstreamRefusal, type Upstream } from "./upstream";
import { checkNativeResponsesFields, checkRequestFields } from "./validate";

/** What a call reaches outside itself; lib/gateway/index wires the real ones, tests their own. */
export type GatewayDeps = {
  /** The caller behind a key hash, with the resources version (one cache round trip). */
  keyCaller(keyHash: string): Promise<KeyCaller>;
  /** The routing table as of a resources version. */
  endpoints(resourcesVersion: string | undefined): Promise<RoutingEndpoint[]>;
  /** The expert templates and CC profiles as of a resources version (none when absent). */
  overlays?(resourcesVersion: string | undefined): Promise<OverlayTable>;
  /** Admits a call against its user's budget; settles it, writing its ledger row, when it ends. */
  budgets: Pick<BudgetStore, "admit" | "settle">;
  /** What a reservation counts for inputs whose bytes do not bound their tokens. */
  allowances: Allowances;
  /** Notes that a key was used (coalesced, off the call's path). */
  keyUsed(keyId: string): void;
  /** Told where the user stands once the call is settled (budget alerts); not awaited, never throws. */
  settled?(check: AlertCheck): void;
  upstreamTimeoutMs: number;
  maxBodyBytes: number;
  /** Seals the reasoning a Responses API client carries for us (lib/gateway/sealer); needed by Responses calls only. */
  sealer?: Sealer;
};

/**
 * One gateway call (POST /v1/chat/completions or /v1/messages), in a fixed order:
 *
 *   authenticate → (refuse a forwarded call) → resolve + permit → transform → reserve → forward → finish
 *
 * A call without a valid caller (any 401) ends without a ledger row. From the moment the caller is
 * known, every way out — success, a refusal, an upstream error, a timeout, an unreachable upstream,
 * an answer that is not JSON, the client leaving before or during a stream, a broken stream, an
 * unexpected exception — goes through finish() exactly once, which writes the call's one ledger row.
 * Budget settlement and alerts hang off finish() too (their issues).
 */
export class GatewayCall {
  readonly requestId = randomUUID();
  private readonly started = performance.now();
  private caller?: CallerAuth;
  private resourcesVersion?: string;
  private target?: Target;
  /** The template or CC profile the call runs through, when it does. */
  private routed?: Routed;
  /** The body as it went upstream, and its style: the prompt an estimate counts. */
  private sent?: { adapter: StyleAdapter; body: Json };
  private ending?: Promise<void>;
  /** Where the user stood when admitted, and after settlement (for the answer's budget headers). */
  private standing: Standing[] = [];
  /** The output cap the call was sent with, when the budget set one: a reported output above it marks the row over_cap. */
  outputCap?: number;
  private capped = false;
  /** A call to an endpoint of the other API style: both styles, and what was dropped on the way (advisory fields). */
  private translation?: { upstream: UpstreamStyle; dropped: string[]; client: ClientContext };

  constructor(
    private readonly deps: GatewayDeps,
    private readonly request: GatewayRequest,
    private readonly style: ApiStyle,
  ) {}

  /** The headers every answer of this call carries. */
  get headers(): Record<string, string> {
    return { "x-request-id": this.requestId };
  }

  /** A successful answer's headers: where the budget stands, whether the output was capped, and what translation did. */
  private get answerHeaders(): Record<string, string> {
    return { ...this.headers, ...budgetHeaders(this.standing), ...(this.capped ? { "x-tollgate-budget-capped": "true" } : {}), ...this.translationHeaders };
  }

  private get translationHeaders(): Record<string, string> {
    const t = this.translation;
    if (!t) return {};
    const headers: Record<string, string> = { "x-tollgate-translated": `${this.style}-to-${t.upstream}` };
    if (t.dropped.length) headers["x-tollgate-dropped-fields"] = t.dropped.join(", ").slice(0, 2000);
    return headers;
  }

  /** Runs the call to its answer; never throws. */
  async run(): Promise<Response> {
    try {
      await this.authenticate();
      // After the key, so that the refusal has its ledger row; before the body, which it never needs.
      refuseForwardedCall(this.request.headers);
      const body = await readJsonBody(this.request, this.deps.maxBodyBytes);
      const target = await this.resolve(body);
      const prepared = this.transform(target, body);
      const sent = await this.reserve(target, prepared.body, prepared.style);
      return await this.forward(target, prepared.adapter, sent, prepared.injectedUsage);
    } catch (e) {
      return this.fail(e);
    }
  }

  private async authenticate() {
    const { auth, resourcesVersion } = await authenticate(this.request.headers, this.deps.keyCaller);
    this.caller = auth;
    this.resourcesVersion = resourcesVersion;
    this.deps.keyUsed(auth.keyId);
  }

  /** resolve and permit: the requested name to the endpoint and model that will answer it, among those the caller's grants allow. */
  private async resolve(body: Json): Promise<Target> {
    if (typeof body.model !== "string" || !body.model) throw new GatewayError("invalid_request", "The request must name a model.");
    const { target, routed } = await resolveCall(this.deps, this.resourcesVersion, this.caller!, this.style, body.model);
    this.target = target;
    this.routed = routed;
    return target;
  }

  /**
   * The body exactly as it will be sent upstream, its fields type-checked first: the client's own, or,
   * for an endpoint of the other style, translated (a field that cannot be is refused here, before
   * anything is reserved or sent).
   */
  private transform(target: Target, requested: Json) {
    checkRequestFields(this.style, requested);
    const style = target.endpoint.apiStyle;
    // A template's or profile's settings, in the client's own style (translated with the rest).
    const body = this.routed ? applyOverlay(this.style, requested, this.routed.overlay, style === this.style ? target.endpoint.outputCapField : "max_tokens") : requested;
    const adapter = adapters[style];
    if (style === this.style) {
      if (style === "openai-responses") checkNativeResponsesFields(body);
      return { style, adapter, ...adapter.prepare({ ...body, model: target.model }) };
    }
    // Only Responses clients are served by a Responses endpoint (routing prefers any other for the rest).
    if (style === "openai-responses") throw new GatewayError("invalid_request", `The model '${body.model}' is served by an openai-responses endpoint only: call POST /v1/responses.`);
    let translated: ReturnType<typeof translateRequest>;
    try {
      translated = translateRequest(this.style, style, body, {
        model: target.model,
        defaultMaxTokens: maxOutputOf(target.endpoint, target.model),
        capField: target.endpoint.outputCapField,
        sealer: this.deps.sealer,
      });
    } catch (e) {
      if (e instanceof UntranslatableField)
        throw new GatewayError("invalid_request", `${e.message} (the model '${body.model}' is served by an ${style}-style endpoint).`, "untranslatable_field");
      throw e;
    }
    // The upstream cannot use Anthropic's beta features by header; they are advisory like the fields.
    const dropped = this.request.headers.has("anthropic-beta") && style === "openai" ? [...translated.dropped, "anthropic-beta (header)"] : translated.dropped;
    const options = body.stream_options as Json | null | undefined;
    this.translation = {
      upstream: style,
      dropped,
      client: { includeUsage: options?.include_usage === true, tools: translated.request.tools ?? [], request: body, sealer: this.deps.sealer },
    };
    return { style, adapter, ...adapter.prepare(translated.body) };
  }

  /**
   * Admits the call against every window of its user's budget, reserving an upper bound of its tokens
   * (settled in finish), and returns the body to send: its output capped to what the budget holds.
   */
  private async reserve(target: Target, body: Json, style: ApiStyle): Promise<Json> {
    const auth = this.caller!;
    const windows = budgetWindows(auth, new Date());
    // The body as it will be sent: the upstream's style (translated or not) bounds its tokens and takes the cap.
    const ask = budgetAsk({ requestId: this.requestId, userId: auth.userId, terms: auth, windows, style }, target, body, this.deps.allowances);
    const admission = await this.deps.budgets.admit(ask);
    if (!admission.ok) throw admission.reason === "budget" ? budgetRefusal(admission) : budgetUnavailable(admission.retryAfterSeconds);
    this.standing = admission.standing;
    const capped = cappedBody(style, target.endpoint, body, admission);
    this.outputCap = admission.cap;
    this.capped = capped.lowered;
    return capped.body;
  }

  private async forward(target: Target, adapter: StyleAdapter, body: Json, injectedUsage: boolean): Promise<Response> {
    this.sent = { adapter, body };
    const { upstream, controller } = await sendUpstream(target.endpoint, adapter, body, this.request, this.deps.upstreamTimeoutMs);
    if (upstream.statusCode < 200 || upstream.statusCode > 299) {
      const passed = await upstreamRefusal(upstream, target.endpoint);
      if (passed instanceof GatewayError) throw passed;
      await this.finish(`upstream_${upstream.statusCode}`);
      // An upstream refusal the client can act on, in the client's own error shape.
      const refusal = this.translation
        ? Response.json(translateErrorBody(this.translation.upstream, this.style, passed.status, await passed.text()), { status: passed.status })
        : passed;
      for (const [k, v] of Object.entries(this.headers)) refusal.headers.set(k, v);
      return refusal;
    }
    if ((headerOf(upstream, "content-type") ?? "").includes("text/event-stream")) {
      const translator = this.translation && streamTranslator(this.translation.upstream, this.style, this.translation.client);
      return new Response(this.relayStream(upstream, controller, new SseMeter(adapter, injectedUsage, translator), translator), {
        status: upstream.statusCode,
        headers: { ...this.answerHeaders, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" },
      });
    }
    const text = await upstream.body.text();
    let json: Json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined as unknown as Json;
    }
    // `null`, a number or an array is JSON, but no answer either API gives.
    if (typeof json !== "object" || json === null || Array.isArray(json))
      throw new GatewayError("upstream", `The upstream '${target.endpoint.name}' sent an answer that is not a JSON object.`, "upstream_invalid_response");
    const usage = adapter.usageOfJson(json);
    // An answer without a usage report is billed by the tokens of its text and of the prompt.
    const estimate = async () => estimateUsage(NO_USAGE, await countTextTokens(adapter.answerText(json)), () => adapter.promptText(body));
    await this.finish(usage ? "ok" : "ok_no_usage", usage, usage ? undefined : estimate);
    const answer = this.translation ? JSON.stringify(translateResponse(this.translation.upstream, this.style, json, this.translation.client)) : text;
    return new Response(answer, { status: upstream.statusCode, headers: { ...this.answerHeaders, ...this.costHeaders, "content-type": "application/json" } });
  }

  /**
   * Passes the upstream's events on as they come (translated to the client's style when the meter
   * has a translator), metering them; the call finishes when the stream does.
   */
  private relayStream(upstream: Upstream, controller: AbortController, meter: SseMeter, translator?: StreamTranslator) {
    const chunks = upstream.body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    return new ReadableStream<Uint8Array>({
      pull: async (out) => {
        try {
          for (;;) {
            const { done, value } = await chunks.next();
            if (done) {
              const rest = meter.finish();
              if (rest) out.enqueue(rest);
              // The row is written before the stream ends: no client holds an answer missing from the ledger.
              await this.finish(meter.sawUsage ? "ok" : "ok_no_usage", meter.usage, this.streamEstimate(meter));
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
          const status = controller.signal.aborted ? "client_aborted" : isTimeout(e) ? "timeout" : "upstream_stream_error";
          await this.finish(status, meter.usage, this.streamEstimate(meter));
          // A translated stream ends with its own API's error event (what its SDK raises); a native
          // one is cut as the upstream's was.
          if (translator && status !== "client_aborted") {
            const why = status === "timeout" ? `The upstream '${this.target!.endpoint.name}' stopped sending within ${Math.round(this.deps.upstreamTimeoutMs / 1000)} s.` : `The upstream '${this.target!.endpoint.name}' broke off the stream.`;
            out.enqueue(new TextEncoder().encode(translator.fail("api_error", why)));
            out.close();
          } else out.error(e);
        }
      },
      cancel: async () => {
        // The client went away mid-stream: stop the upstream and bill what was delivered.
        controller.abort();
        upstream.body.destroy();
        await this.finish("client_aborted", meter.usage, this.streamEstimate(meter));
      },
    });
  }

  /**
   * A stream that ended without its final usage report (cut, abandoned, or never reported) is billed
   * an estimate: what the upstream reported so far, raised to the tokens of the text delivered, and
   * the prompt's tokens when not even the input was reported.
   */
  private streamEstimate(meter: SseMeter): (() => Promise<Usage>) | undefined {
    if (meter.finalUsage) return undefined;
    const sent = this.sent;
    return async () => estimateUsage(meter.usage, await meter.delivered.tokens(), () => (sent ? sent.adapter.promptText(sent.body) : ""));
  }

  /** Any way out by an exception: the error in the client's shape, after the call's one finish. */
  private async fail(e: unknown): Promise<Response> {
    // The client going away (also in the middle of sending its body) is no failure of ours: no stack
    // in the log, and the row says so.
    const clientGone = this.request.signal.aborted || (e as NodeJS.ErrnoException)?.code === "ECONNRESET" || (e as Error)?.message === "aborted";
    let error: GatewayError;
    if (e instanceof GatewayError) error = e;
    else if (clientGone) error = new GatewayError("invalid_request", "The client closed the request.", "client_aborted");
    else if (isTimeout(e) && this.target) error = timeoutError(this.target.endpoint, this.deps.upstreamTimeoutMs);
    else {
      console.error(`[gateway] ${this.requestId} failed:`, e);
      error = new GatewayError("internal", "The gateway failed to handle this request.");
    }
    await this.finish(clientGone ? "client_aborted" : error.ledgerStatus);
    return errorResponse(this.style, error, this.headers);
  }

  /**
   * Ends the call: its one ledger row, written once whatever calls it first (later calls wait for the
   * same write). A call whose key was never accepted has no row. `estimate`, given when the upstream's
   * usage report did not come, counts the tokens billed instead of `usage` (the row is marked estimated).
   */
  finish(status: string, usage: Usage = NO_USAGE, estimate?: () => Promise<Usage>): Promise<void> {
    this.ending ??= this.writeRow(status, usage, estimate);
    return this.ending;
  }

  /** The call's own cost and tokens, for a non-streaming answer (known once it is settled). */
  private costHeaders: Record<string, string> = {};

  /** The call's one ledger row, written with its settlement: the reservation released, the counters moved. */
  private async writeRow(status: string, reported: Usage, estimate?: () => Promise<Usage>) {
    if (!this.caller) return;
    const endpoint = this.target?.endpoint;
    let usage = reported;
    let estimated = false;
    if (estimate) {
      try {
        usage = await estimate();
        estimated = true;
      } catch (e) {
        console.error(`[gateway] could not estimate the usage of ${this.requestId}; billing what was reported:`, e);
      }
    }
    const createdAt = new Date();
    // A template's cost factor multiplies what its target's prices give.
    const cost = endpoint ? costEur(usage, endpoint) * (this.routed?.costFactor ?? 1) : 0;
    try {
      const after = await this.deps.budgets.settle(
        {
          requestId: this.requestId,
          userId: this.caller.userId,
          keyId: this.caller.keyId,
          endpoint: endpoint?.name ?? null,
          model: this.target?.model ?? null,
          inputTokens: usage.input,
          outputTokens: usage.output,
          cacheReadTokens: usage.cacheRead,
          cacheWriteTokens: usage.cacheWrite,
          costEur: cost,
          estimated: estimated ? 1 : 0,
          // The upstream's own report against the cap it was sent (for each of n completions), not our estimate.
          overCap: this.outputCap !== undefined && reported.output > this.outputCap * completions(this.sent?.body) ? 1 : 0,
          status,
          latencyMs: Math.round(performance.now() - this.started),
          createdAt: createdAt.toISOString(),
        },
        { windows: budgetWindows(this.caller, createdAt) },
      );
      // Where the user stands after this call: from the store when it says, else as admitted plus this call.
      const tokens = usage.input + usage.output;
      this.standing = after ?? this.standing.map((w) => ({ ...w, used: w.used + tokens }));
      this.deps.settled?.({ caller: this.caller, at: createdAt, standing: this.standing, tokens });
      this.costHeaders = {
        "x-tollgate-cost-eur": cost.toFixed(6),
        "x-tollgate-tokens-input": String(usage.input),
        "x-tollgate-tokens-output": String(usage.output),
      };
    } catch (e) {
      console.error(`[gateway] could not record usage of ${this.requestId}:`, e);
    }
  }
}

/** How many completions a body asks for (OpenAI `n`); the output cap applies to each. */
const completions = (body: Json | undefined) => (typeof body?.n === "number" && Number.isInteger(body.n) && body.n > 1 ? body.n : 1);

/** POST /v1/chat/completions (openai) and POST /v1/messages (anthropic): one call, run to its answer. */
export const runCompletion = (deps: GatewayDeps, request: GatewayRequest, style: ApiStyle) => new GatewayCall(deps, request, style).run();
