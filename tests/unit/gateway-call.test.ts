import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ALLOWANCES } from "@/lib/budgets/bounds";
import type { KeyAuth, KeyCaller } from "@/lib/callers";
import type { RoutingEndpoint } from "@/lib/endpoints";
import { GatewayCall, runCompletion, type GatewayDeps } from "@/lib/gateway/call";
import { GatewayError } from "@/lib/gateway/errors";
import type { GatewayRequest } from "@/lib/gateway/request";
import { hashKey } from "@/lib/keys/format";
import type { UsageRow } from "@/lib/usage";

// Every way a gateway call can end, driven against a scripted local upstream with the call's outside
// world (key records, routing table, ledger) replaced by plain values: each call that got past its
// key ends in exactly one ledger row with the status of how it ended; a 401 ends in none.

const KEY = "tg-sk-" + "a".repeat(48);
const SUSPENDED_KEY = "tg-sk-" + "b".repeat(48);
const SUSPENDED_USER_KEY = "tg-sk-" + "c".repeat(48);

const caller = (over: Partial<Extract<KeyAuth, { found: true }>> = {}): KeyAuth => ({
  found: true,
  keyId: "key-1",
  keyActive: true,
  userId: "user-1",
  username: "ann",
  userActive: true,
  role: "user",
  dailyLimit: null,
  monthlyLimit: null,
  totalLimit: null,
  budgetType: "subscription",
  budgetSetAt: null,
  timezoneOffsetHours: 0,
  tzPreviousOffsetHours: null,
  tzSwitchAt: null,
  alertEnabled: false,
  alertThresholdPct: 80,
  grants: { model_endpoint: ["*"], moe_mode: [], expert_template: [], cc_profile: [] },
  ...over,
});
const records: Record<string, KeyAuth> = {
  [hashKey(KEY)]: caller(),
  [hashKey(SUSPENDED_KEY)]: caller({ keyActive: false }),
  [hashKey(SUSPENDED_USER_KEY)]: caller({ userActive: false }),
};

// ---------------------------------------------------------------- the scripted upstream

type Script = (req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) => void;
const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};
const sse = (res: ServerResponse) => res.writeHead(200, { "content-type": "text/event-stream" });
const event = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
const chunk = (text: string) => event({ id: "c", object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: text } }] });
const usageChunk = event({ id: "c", object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: 7, completion_tokens: 3 } });
const tokensOf = (text: string) => countTokens(text, { disallowedSpecial: new Set() });
const ANSWER = "An answer whose upstream never said what it cost.";

const scripts: Record<string, Script> = {
  ok: (_q, res) => json(res, 200, { id: "x", object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: "hi" } }], usage: { prompt_tokens: 7, completion_tokens: 3 } }),
  "no-usage": (_q, res) => json(res, 200, { id: "x", object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: ANSWER } }] }),
  cached: (_q, res) =>
    json(res, 200, {
      id: "x",
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content: "hi" } }],
      usage: { prompt_tokens: 2000, completion_tokens: 10, prompt_tokens_details: { cached_tokens: 1500 } },
    }),
  "fail-500": (_q, res) => json(res, 500, { error: { message: "boom" } }),
  "limit-429": (_q, res) => json(res, 429, { error: { message: "slow down", type: "rate_limit_error" } }),
  "deny-401": (_q, res) => json(res, 401, { error: { message: "bad upstream key" } }),
  "null-json": (_q, res) => json(res, 200, null),
  "not-json": (_q, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end("not json");
  },
  silent: () => undefined, // never answers
  "stall-body": (_q, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"id":'); // …and nothing more
  },
  stream: (_q, res) => {
    sse(res);
    res.end(chunk("he") + chunk("llo") + usageChunk + "data: [DONE]\n\n");
  },
  "stream-no-usage": (_q, res) => {
    sse(res);
    res.end(chunk("he") + chunk("llo") + "data: [DONE]\n\n");
  },
  "stream-hang": (_q, res) => {
    sse(res);
    res.write(chunk("first"));
  },
  "stream-break": (_q, res) => {
    sse(res);
    res.write(chunk("first"), () => setTimeout(() => res.socket?.destroy(), 20));
  },
};

let server: Server;
let base: string;
let closedPort: number;
/** The headers of every request the scripted upstream received, in order. */
const received: IncomingMessage["headers"][] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    received.push(req.headers);
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      const body = JSON.parse(raw || "{}");
      (scripts[String(body.model)] ?? scripts.ok)(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

// ---------------------------------------------------------------- the call's outside world

const endpoint = (name: string, baseUrl: string, models: string[]): RoutingEndpoint => ({
  id: name,
  name,
  baseUrl,
  apiStyle: "openai",
  upstreamApiKey: "upstream-key",
  models,
  eurPerMInput: 2,
  eurPerMOutput: 8,
  eurPerMCacheRead: null,
  eurPerMCacheWrite: null,
  maxOutputTokens: {},
  outputCapField: "max_tokens",
});

function world(over: Partial<GatewayDeps> = {}) {
  const rows: UsageRow[] = [];
  const deps: GatewayDeps = {
    keyCaller: async (hash): Promise<KeyCaller> => ({ auth: records[hash] ?? { found: false }, resourcesVersion: "1" }),
    endpoints: async () => [endpoint("scripted", base, Object.keys(scripts)), endpoint("gone", `http://127.0.0.1:${closedPort}/v1`, ["unreachable"])],
    // The budget admits everyone (its rules are the budget store's tests) and its settlement is the ledger.
    budgets: {
      admit: async () => ({ ok: true, cap: undefined, reserved: 0, standing: [] }),
      settle: async (row) => void rows.push(row),
    },
    allowances: DEFAULT_ALLOWANCES,
    keyUsed: () => undefined,
    upstreamTimeoutMs: 300,
    maxBodyBytes: 4096,
    ...over,
  };
  return { deps, rows };
}

function request(body: unknown, opts: { key?: string | null; signal?: AbortSignal; raw?: string; headers?: Record<string, string> } = {}): GatewayRequest {
  const headers = new Headers({ "content-type": "application/json", ...opts.headers });
  const key = opts.key === undefined ? KEY : opts.key;
  if (key) headers.set("authorization", `Bearer ${key}`);
  const bytes = new TextEncoder().encode(opts.raw ?? JSON.stringify(body));
  return {
    headers,
    signal: opts.signal ?? new AbortController().signal,
    body: (async function* () {
      yield bytes;
    })(),
  };
}

const chat = (model: string, extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: "user", content: "hi" }], ...extra });

async function call(body: unknown, opts: Parameters<typeof request>[1] = {}, over: Partial<GatewayDeps> = {}) {
  const { deps, rows } = world(over);
  const response = await runCompletion(deps, request(body, opts), "openai");
  const text = await response.text().catch((e) => `(body failed: ${e})`);
  return { response, text, rows };
}

/** The one row of a call, checked to be the only one and to carry the call's request id. */
function onlyRow(rows: UsageRow[], response: Response) {
  expect(rows).toHaveLength(1);
  expect(rows[0].requestId).toBe(response.headers.get("x-request-id"));
  return rows[0];
}

// ---------------------------------------------------------------- the paths

describe("a call without a valid caller", () => {
  it.each([
    ["no key", { key: null }],
    ["a malformed key", { key: "sk-not-ours" }],
    ["an unknown key", { key: "tg-sk-" + "f".repeat(48) }],
    ["a suspended key", { key: SUSPENDED_KEY }],
    ["the key of a suspended user", { key: SUSPENDED_USER_KEY }],
  ])("answers 401 for %s and writes no row", async (_what, opts) => {
    const { response, rows } = await call(chat("ok"), opts);
    expect(response.status).toBe(401);
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(rows).toEqual([]);
  });
});

describe("every way out after the key is accepted writes exactly one row", () => {
  it("a completion: ok, with the upstream's usage and the endpoint's prices", async () => {
    const { response, rows } = await call(chat("ok"));
    expect(response.status).toBe(200);
    expect(onlyRow(rows, response)).toMatchObject({ userId: "user-1", keyId: "key-1", endpoint: "scripted", model: "ok", status: "ok", inputTokens: 7, outputTokens: 3 });
    expect(rows[0].costEur).toBeCloseTo((7 * 2 + 3 * 8) / 1e6, 12);
  });

  it("a completion without a usage report: ok_no_usage, billed an estimate from its text and the prompt's", async () => {
    const { response, rows } = await call(chat("no-usage"));
    expect(response.status).toBe(200);
    const row = onlyRow(rows, response);
    expect(row).toMatchObject({ status: "ok_no_usage", inputTokens: tokensOf("hi"), outputTokens: tokensOf(ANSWER), estimated: 1, overCap: 0 });
    expect(row.costEur).toBeCloseTo((tokensOf("hi") * 2 + tokensOf(ANSWER) * 8) / 1e6, 12);
  });

  it("a completion with cached prompt tokens: both counts stored, the cached part priced at 0.1× the input price by default", async () => {
    const { response, rows } = await call(chat("cached"));
    const row = onlyRow(rows, response);
    expect(row).toMatchObject({ status: "ok", inputTokens: 2000, outputTokens: 10, cacheReadTokens: 1500, cacheWriteTokens: 0, estimated: 0 });
    expect(row.costEur).toBeCloseTo((500 * 2 + 1500 * 0.2 + 10 * 8) / 1e6, 12);
  });

  it("…and at the endpoint's own cache price when it names one", async () => {
    const priced = { ...endpoint("scripted", base, Object.keys(scripts)), eurPerMCacheRead: 0.5 };
    const { response, rows } = await call(chat("cached"), {}, { endpoints: async () => [priced] });
    expect(onlyRow(rows, response).costEur).toBeCloseTo((500 * 2 + 1500 * 0.5 + 10 * 8) / 1e6, 12);
  });

  it.each([
    ["fail-500", 502, "upstream_500"],
    ["deny-401", 502, "upstream_401"],
    ["limit-429", 429, "upstream_429"],
    ["not-json", 502, "upstream_invalid_response"],
    ["null-json", 502, "upstream_invalid_response"],
    ["silent", 504, "timeout"],
    ["stall-body", 504, "timeout"],
    ["unreachable", 502, "upstream_unreachable"],
  ])("upstream %s → HTTP %i, status %s", async (model, httpStatus, status) => {
    const { response, rows } = await call(chat(model));
    expect(response.status).toBe(httpStatus);
    expect(onlyRow(rows, response)).toMatchObject({ model, status, inputTokens: 0, outputTokens: 0, estimated: 0 });
  });

  it.each([
    ["a body that is not JSON", { raw: "{nope" }, 400, "invalid_request"],
    ["a body without a model", { raw: JSON.stringify({ messages: [] }) }, 400, "invalid_request"],
    ["a body over the size limit", { raw: JSON.stringify(chat("ok", { pad: "x".repeat(5000) })) }, 413, "request_too_large"],
    ["a model nobody serves", { raw: JSON.stringify(chat("no-such-model")) }, 404, "model_not_found"],
  ])("%s → HTTP %i, status %s, no endpoint named", async (_what, opts, httpStatus, status) => {
    const { response, rows } = await call(undefined, opts);
    expect(response.status).toBe(httpStatus);
    expect(onlyRow(rows, response)).toMatchObject({ status, endpoint: null, inputTokens: 0, costEur: 0 });
  });

  it("no endpoint configured → 503, status no_endpoint", async () => {
    const { response, rows } = await call(chat("ok"), {}, { endpoints: async () => [] });
    expect(response.status).toBe(503);
    expect(onlyRow(rows, response)).toMatchObject({ status: "no_endpoint" });
  });

  it.each([
    ["permission", 403, "permission_denied"],
    ["rate_limit", 429, "rate_limited"],
  ] as const)("a %s refusal raised by a step → HTTP %i, status %s, zero tokens", async (kind, httpStatus, status) => {
    const { response, rows } = await call(chat("ok"), {}, {
      endpoints: async () => {
        throw new GatewayError(kind, "refused");
      },
    });
    expect(response.status).toBe(httpStatus);
    expect(onlyRow(rows, response)).toMatchObject({ status, inputTokens: 0, outputTokens: 0 });
  });

  it("an unexpected exception → 500 in the client's shape, status internal_error", async () => {
    const { response, text, rows } = await call(chat("ok"), {}, {
      endpoints: async () => {
        throw new TypeError("a bug");
      },
    });
    expect(response.status).toBe(500);
    expect(JSON.parse(text).error).toMatchObject({ type: "api_error", code: "internal_error" });
    expect(text).not.toContain("a bug");
    expect(onlyRow(rows, response)).toMatchObject({ status: "internal_error" });
  });

  it("the client leaving before the upstream answered → status client_aborted", async () => {
    const client = new AbortController();
    setTimeout(() => client.abort(), 50);
    const { response, rows } = await call(chat("silent"), { signal: client.signal }, { upstreamTimeoutMs: 5000 });
    expect(response.status).toBe(400);
    expect(onlyRow(rows, response)).toMatchObject({ status: "client_aborted", model: "silent" });
  });

  it("a complete stream → ok, with the usage from its last event", async () => {
    const { response, text, rows } = await call(chat("stream", { stream: true }));
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    expect(text).toContain('"he"');
    expect(text).not.toContain("prompt_tokens"); // the usage event was asked for by the gateway, not the client
    expect(onlyRow(rows, response)).toMatchObject({ status: "ok", inputTokens: 7, outputTokens: 3, estimated: 0 });
  });

  it("a complete stream without a usage report → ok_no_usage, billed the delivered text and the prompt, estimated", async () => {
    const { response, rows } = await call(chat("stream-no-usage", { stream: true }));
    expect(onlyRow(rows, response)).toMatchObject({ status: "ok_no_usage", inputTokens: tokensOf("hi"), outputTokens: tokensOf("hello"), estimated: 1 });
  });

  it("the client leaving during a stream → status client_aborted, billed what was delivered, estimated", async () => {
    const { deps, rows } = world({ upstreamTimeoutMs: 5000 });
    const response = await runCompletion(deps, request(chat("stream-hang", { stream: true })), "openai");
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain("first");
    await reader.cancel();
    expect(onlyRow(rows, response)).toMatchObject({ status: "client_aborted", inputTokens: tokensOf("hi"), outputTokens: tokensOf("first"), estimated: 1 });
  });

  it("a stream the upstream breaks off → status upstream_stream_error, estimated", async () => {
    const { response, text, rows } = await call(chat("stream-break", { stream: true }), {}, { upstreamTimeoutMs: 5000 });
    expect(text).toMatch(/first|body failed/);
    expect(onlyRow(rows, response)).toMatchObject({ status: "upstream_stream_error", outputTokens: tokensOf("first"), estimated: 1 });
  });

  it("a stream that stalls past the timeout → status timeout, estimated", async () => {
    const { response, rows } = await call(chat("stream-hang", { stream: true }));
    expect(onlyRow(rows, response)).toMatchObject({ status: "timeout", outputTokens: tokensOf("first"), estimated: 1 });
  });

  it("a reported output above the cap the call was sent with marks the row over_cap; at the cap it does not", async () => {
    for (const [cap, n, overCap] of [[2, 1, 1], [3, 1, 0], [undefined, 1, 0], [2, 2, 0]] as const) {
      const rows: UsageRow[] = [];
      const { deps } = world({ budgets: { admit: async () => ({ ok: true, cap, reserved: 0, standing: [] }), settle: async (row) => void rows.push(row) } });
      // The cap applies to each of n completions; the usage reports them together.
      await runCompletion(deps, request(chat("ok", n > 1 ? { n } : {})), "openai");
      expect(rows, `cap ${cap}, n ${n}`).toHaveLength(1);
      expect(rows[0], `cap ${cap}, n ${n}`).toMatchObject({ outputTokens: 3, overCap, estimated: 0 });
    }
  });

  it("a ledger that cannot be written does not break the answer", async () => {
    const { response, text } = await call(chat("ok"), {}, {
      budgets: {
        admit: async () => ({ ok: true, cap: undefined, reserved: 0, standing: [] }),
        settle: async () => {
          throw new Error("disk full");
        },
      },
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(text).choices).toHaveLength(1);
  });
});

describe("no gateway loops", () => {
  it("every forwarded call carries the hop header", async () => {
    const { response } = await call(chat("ok"));
    expect(response.status).toBe(200);
    expect(received.at(-1)?.["x-tollgate-hop"]).toBe("1");
  });

  it("a call that carries it (forwarded by a gateway) → 400 in the client's shape, status loop_refused, nothing forwarded", async () => {
    const before = received.length;
    const { response, text, rows } = await call(chat("ok"), { headers: { "x-tollgate-hop": "1" } });
    expect(response.status).toBe(400);
    expect(JSON.parse(text).error).toMatchObject({ type: "invalid_request_error", message: expect.stringMatching(/x-tollgate-hop.*loop/) });
    expect(onlyRow(rows, response)).toMatchObject({ status: "loop_refused", endpoint: null, inputTokens: 0, outputTokens: 0, costEur: 0 });
    expect(received.length).toBe(before);
  });

  it("in the Anthropic shape on /v1/messages", async () => {
    const { deps, rows } = world();
    const response = await runCompletion(deps, request({ model: "ok", max_tokens: 5, messages: [] }, { headers: { "x-tollgate-hop": "1" } }), "anthropic");
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(onlyRow(rows, response)).toMatchObject({ status: "loop_refused" });
  });

  it("without a valid key it is a 401 like any other, with no row", async () => {
    const { response, rows } = await call(chat("ok"), { key: null, headers: { "x-tollgate-hop": "1" } });
    expect(response.status).toBe(401);
    expect(rows).toEqual([]);
  });
});

describe("finish()", () => {
  it("writes one row however often and by whomever it is called", async () => {
    const { deps, rows } = world();
    const c = new GatewayCall(deps, request(chat("ok")), "openai");
    await c.run();
    await Promise.all([c.finish("client_aborted"), c.finish("timeout")]);
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe("ok");
  });
});

describe("the budget alerts' hook", () => {
  it("is told, once the call is settled, where the user stands after it and what the call used", async () => {
    const after = [{ kind: "daily" as const, used: 90, limit: 100, resetsAt: "2026-03-02T00:00:00.000Z" }];
    const told: Parameters<NonNullable<GatewayDeps["settled"]>>[0][] = [];
    const { response } = await call(chat("ok"), {}, {
      budgets: { admit: async () => ({ ok: true, cap: undefined, reserved: 0, standing: [] }), settle: async () => after },
      settled: (check) => void told.push(check),
    });
    expect(response.status).toBe(200);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ standing: after, tokens: 10, caller: { userId: "user-1" } });
  });
});
