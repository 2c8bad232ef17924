import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small local stand-in for an upstream LLM provider, speaking both the OpenAI chat-completions
 * protocol and the Anthropic messages protocol (plain `node:http`, no dependencies). Tests and the
 * benchmark point the gateway's provider base URL at `mock.url`.
 *
 * Token accounting is deterministic so tests can compute expected costs:
 *   - input tokens  = mockInputTokens(body): characters of every message text (plus Anthropic `system`), min 1
 *   - output tokens = MOCK_REPLY_CHUNKS.length (5); the reply text is MOCK_REPLY_CHUNKS.join("")
 *
 * Special models (on any POST endpoint):
 *   - "mock-error"       → 500 {"error":{"message":"mock upstream failure","type":"server_error"}}
 *   - "mock-slow"        → waits `slowMs` before answering normally; a client disconnect meanwhile marks the request aborted
 *   - "mock-hang-stream" → with stream:true, sends headers and the first chunk, then nothing until the client disconnects
 *   - "mock-bad-json"    → 200, content-type application/json, body `not json`
 *   - "mock-cached"      → answers normally, reporting part of the input as cached (mockCacheSplit):
 *                          OpenAI `prompt_tokens_details.cached_tokens` = read; Anthropic `input_tokens`
 *                          = input − read − write, `cache_read_input_tokens` = read,
 *                          `cache_creation_input_tokens` = write
 *   - "mock-cut-<k>"     → with stream:true, sends k of the reply's chunks (Anthropic: after message_start),
 *                          then cuts the connection: no usage report beyond message_start
 *   - "mock-no-usage"    → answers normally but never reports usage: no `usage` in an answer; a stream
 *                          without the usage chunk (OpenAI, even when asked) or usage fields (Anthropic)
 */

/** A request body as the mock reads it: the fields it looks at, and whatever else the client sent. */
export type MockBody = {
  model?: unknown;
  stream?: unknown;
  stream_options?: { include_usage?: unknown; [k: string]: unknown };
  messages?: { role?: unknown; content?: unknown }[];
  system?: unknown;
  [k: string]: unknown;
};

export type RecordedRequest = {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body; `{ raw }` when it was not a JSON object; `{}` without one. */
  body: MockBody;
  aborted: boolean;
};

export type MockLlm = {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** When (performance.now(), this process) each streamed OpenAI text chunk was written, in order. */
  sentAt: number[];
  stop(): Promise<void>;
};

export type MockLlmOptions = {
  /** Ids listed by GET /v1/models. Default ["mock-gpt", "mock-claude"]. */
  models?: string[];
  /** Delay between streamed chunks. Default 0 (all chunks written back to back). */
  chunkDelayMs?: number;
  /** Delay before the last text chunk instead of chunkDelayMs, so a client that leaves before it surely leaves first. */
  lastChunkDelayMs?: number;
  /** How long "mock-slow" waits before answering. Default 5000. */
  slowMs?: number;
  /** Keep every request in `requests`. Default true; turn off for long benchmark runs. */
  record?: boolean;
};

export const MOCK_REPLY_CHUNKS: string[] = ["Hello", " from", " the", " mock", " LLM"];

const REPLY_TEXT = MOCK_REPLY_CHUNKS.join("");
const OUTPUT_TOKENS = MOCK_REPLY_CHUNKS.length;

/** The cached parts of the input the "mock-cached" model reports: half read, a quarter written (Anthropic only). */
export function mockCacheSplit(inputTokens: number): { read: number; write: number } {
  return { read: Math.floor(inputTokens / 2), write: Math.floor(inputTokens / 4) };
}

/** What a special model asks of the mock beyond a normal answer. */
type Behaviour = { cached: boolean; cutAfter?: number; noUsage: boolean };
function behaviourOf(model: string): Behaviour {
  const cut = /^mock-cut-(\d+)$/.exec(model);
  return { cached: model === "mock-cached", cutAfter: cut ? Number(cut[1]) : undefined, noUsage: model === "mock-no-usage" };
}

/** Total characters (UTF-16 code units, i.e. `string.length`) of text content in the request, minimum 1. */
export function mockInputTokens(body: MockBody | null | undefined): number {
  let n = 0;
  if (body && typeof body === "object") {
    if (Array.isArray(body.messages)) {
      for (const m of body.messages) n += textLength(m?.content);
    }
    // Anthropic carries the system prompt outside `messages`.
    n += textLength(body.system);
  }
  return Math.max(1, n);
}

function textLength(content: unknown): number {
  if (typeof content === "string") return content.length;
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const part of content) {
    if (part && typeof part === "object" && part.type === "text" && typeof part.text === "string") n += part.text.length;
  }
  return n;
}

export async function startMockLlm(opts: MockLlmOptions = {}): Promise<MockLlm> {
  const models = opts.models ?? ["mock-gpt", "mock-claude"];
  const chunkDelayMs = opts.chunkDelayMs ?? 0;
  const lastChunkDelayMs = opts.lastChunkDelayMs ?? chunkDelayMs;
  const slowMs = opts.slowMs ?? 5000;
  const record = opts.record ?? true;
  const requests: RecordedRequest[] = [];
  const sentAt: number[] = [];
  let seq = 0;

  const server = http.createServer({ keepAlive: true, noDelay: true }, (req, res) => {
    const rec: RecordedRequest = {
      method: req.method ?? "",
      path: req.url ?? "",
      headers: { ...req.headers },
      body: {},
      aborted: false,
    };
    if (record) requests.push(rec);

    // Client disconnect = the response closes before it finished.
    const gone = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) {
        rec.aborted = true;
        gone.abort();
      }
    });
    req.on("error", () => {}); // a reset socket mid-body surfaces through res "close"

    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const id = ++seq;
      handle(req, res, raw, rec, gone.signal, id).catch((err) => {
        if (!res.headersSent && !res.destroyed) {
          sendJson(res, 500, { error: { message: `mock crashed: ${String(err)}`, type: "server_error" } });
        } else {
          res.destroy();
        }
      });
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string, rec: RecordedRequest, signal: AbortSignal, id: number): Promise<void> {
    const method = req.method ?? "GET";
    const path = (req.url ?? "/").split("?")[0];

    if (method === "GET" && path === "/v1/models") {
      rec.body = raw.length ? { raw } : {};
      const created = Math.floor(Date.now() / 1000);
      sendJson(res, 200, { object: "list", data: models.map((m) => ({ id: m, object: "model", created, owned_by: "mock" })) });
      return;
    }

    const isOpenAi = method === "POST" && path === "/v1/chat/completions";
    const isAnthropic = method === "POST" && path === "/v1/messages";
    if (!isOpenAi && !isAnthropic) {
      rec.body = raw.length ? { raw } : {};
      sendJson(res, 404, { error: { message: `mock: no route for ${method} ${path}`, type: "not_found_error" } });
      return;
    }

    let body: MockBody;
    try {
      body = JSON.parse(raw);
    } catch {
      rec.body = { raw };
      sendJson(res, 400, { error: { message: "mock: malformed JSON body", type: "invalid_request_error" } });
      return;
    }
    if (!body || typeof body !== "object" || Array.isArray(body)) {
      rec.body = { raw };
      sendJson(res, 400, { error: { message: "mock: body must be a JSON object", type: "invalid_request_error" } });
      return;
    }
    rec.body = body;

    const model: string = typeof body.model === "string" ? body.model : "";
    const stream = body.stream === true;

    if (model === "mock-error") {
      sendJson(res, 500, { error: { message: "mock upstream failure", type: "server_error" } });
      return;
    }
    if (model === "mock-bad-json") {
      res.writeHead(200, { "content-type": "application/json", "content-length": "8" });
      res.end("not json");
      return;
    }
    if (model === "mock-slow") {
      if (!(await sleep(slowMs, signal))) return;
    }

    const inputTokens = mockInputTokens(body);
    const hang = model === "mock-hang-stream" && stream;
    const how = behaviourOf(model);
    if (isOpenAi) {
      if (stream) await streamOpenAi(res, body, model, inputTokens, id, hang, signal, how);
      else sendJson(res, 200, openAiCompletion(model, inputTokens, id, how), { "x-request-id": `req_mock_${id}` });
    } else {
      if (stream) await streamAnthropic(res, model, inputTokens, id, hang, signal, how);
      else sendJson(res, 200, anthropicMessage(model, inputTokens, id, how), { "request-id": `req_mock_${id}` });
    }
  }

  /** After k chunks of a "mock-cut-<k>" stream: the connection cut once they have left. */
  function cutAfterWrite(res: http.ServerResponse) {
    res.write("", () => setTimeout(() => res.socket?.destroy(), 20));
  }

  async function streamOpenAi(res: http.ServerResponse, body: MockBody, model: string, inputTokens: number, id: number, hang: boolean, signal: AbortSignal, how: Behaviour) {
    const includeUsage = body.stream_options?.include_usage === true && !how.noUsage;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: object, finish: string | null) => ({
      id: `chatcmpl-mock-${id}`,
      object: "chat.completion.chunk",
      created,
      model,
      system_fingerprint: null,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      // Like OpenAI: with include_usage every chunk carries `usage: null` except the final usage chunk.
      ...(includeUsage ? { usage: null } : {}),
    });
    startSse(res, { "x-request-id": `req_mock_${id}` });
    for (let i = 0; i < MOCK_REPLY_CHUNKS.length; i++) {
      if (i > 0 && !(await pause(signal, i === MOCK_REPLY_CHUNKS.length - 1))) return;
      if (!alive(res)) return;
      const delta = i === 0 ? { role: "assistant", content: MOCK_REPLY_CHUNKS[i] } : { content: MOCK_REPLY_CHUNKS[i] };
      res.write(`data: ${JSON.stringify(chunk(delta, null))}\n\n`);
      sentAt.push(performance.now());
      if (hang) return; // sends nothing more; the client's disconnect marks the request aborted
      if (how.cutAfter === i + 1) return cutAfterWrite(res);
    }
    if (!(await pause(signal)) || !alive(res)) return;
    res.write(`data: ${JSON.stringify(chunk({}, "stop"))}\n\n`);
    if (includeUsage) {
      const { choices: _omit, ...rest } = chunk({}, null);
      res.write(`data: ${JSON.stringify({ ...rest, choices: [], usage: openAiUsage(inputTokens, how) })}\n\n`);
    }
    res.end("data: [DONE]\n\n");
  }

  async function streamAnthropic(res: http.ServerResponse, model: string, inputTokens: number, id: number, hang: boolean, signal: AbortSignal, how: Behaviour) {
    const event = (name: string, data: object) => res.write(`event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`);
    startSse(res, { "request-id": `req_mock_${id}` });
    event("message_start", {
      message: {
        id: `msg_mock_${id}`,
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        ...(how.noUsage ? {} : { usage: { ...anthropicInput(inputTokens, how), output_tokens: 1 } }),
      },
    });
    event("content_block_start", { index: 0, content_block: { type: "text", text: "" } });
    for (let i = 0; i < MOCK_REPLY_CHUNKS.length; i++) {
      if (i > 0 && !(await pause(signal, i === MOCK_REPLY_CHUNKS.length - 1))) return;
      if (!alive(res)) return;
      event("content_block_delta", { index: 0, delta: { type: "text_delta", text: MOCK_REPLY_CHUNKS[i] } });
      if (hang) return;
      if (how.cutAfter === i + 1) return cutAfterWrite(res);
    }
    if (!(await pause(signal)) || !alive(res)) return;
    event("content_block_stop", { index: 0 });
    event("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, ...(how.noUsage ? {} : { usage: { output_tokens: OUTPUT_TOKENS } }) });
    event("message_stop", {});
    res.end();
  }

  /** The between-chunks delay; false when the client went away meanwhile. */
  function pause(signal: AbortSignal, beforeLast = false): Promise<boolean> | boolean {
    const ms = beforeLast ? lastChunkDelayMs : chunkDelayMs;
    if (ms <= 0) return !signal.aborted;
    return sleep(ms, signal);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  // Outlive the client-side keep-alive pools (undici: 4 s, Node agents: 5 s) so reused sockets aren't cut under them.
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 35_000;

  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    sentAt,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // keep-alive and hung streams would otherwise hold close() open
      });
      return stopped;
    },
  };
}

/** OpenAI's usage report: prompt_tokens counts the cached part too. */
function openAiUsage(inputTokens: number, how: Behaviour) {
  return {
    prompt_tokens: inputTokens,
    completion_tokens: OUTPUT_TOKENS,
    total_tokens: inputTokens + OUTPUT_TOKENS,
    ...(how.cached ? { prompt_tokens_details: { cached_tokens: mockCacheSplit(inputTokens).read, audio_tokens: 0 } } : {}),
  };
}

/** Anthropic's input fields: the uncached rest, and (cached) the parts read and written apart. */
function anthropicInput(inputTokens: number, how: Behaviour) {
  if (!how.cached) return { input_tokens: inputTokens };
  const { read, write } = mockCacheSplit(inputTokens);
  return { input_tokens: inputTokens - read - write, cache_read_input_tokens: read, cache_creation_input_tokens: write };
}

function openAiCompletion(model: string, inputTokens: number, id: number, how: Behaviour) {
  return {
    id: `chatcmpl-mock-${id}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    system_fingerprint: null,
    choices: [{ index: 0, message: { role: "assistant", content: REPLY_TEXT, refusal: null }, logprobs: null, finish_reason: "stop" }],
    ...(how.noUsage ? {} : { usage: openAiUsage(inputTokens, how) }),
  };
}

function anthropicMessage(model: string, inputTokens: number, id: number, how: Behaviour) {
  return {
    id: `msg_mock_${id}`,
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text: REPLY_TEXT }],
    stop_reason: "end_turn",
    stop_sequence: null,
    ...(how.noUsage ? {} : { usage: { ...anthropicInput(inputTokens, how), output_tokens: OUTPUT_TOKENS } }),
  };
}

function sendJson(res: http.ServerResponse, status: number, payload: unknown, extra: Record<string, string> = {}) {
  if (!alive(res)) return;
  const text = JSON.stringify(payload);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...extra });
  res.end(text);
}

function startSse(res: http.ServerResponse, extra: Record<string, string>) {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", ...extra });
  res.flushHeaders();
}

function alive(res: http.ServerResponse): boolean {
  return !res.destroyed && !res.writableEnded;
}

function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
