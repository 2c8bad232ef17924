import Anthropic from "@anthropic-ai/sdk";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs, signedInAdmin } from "../support/admin";
import { startApp, type App } from "../support/app";
import { MOCK_REPLY_CHUNKS, mockCacheSplit, mockInputTokens, startMockLlm, type MockLlm } from "../support/mock-llm";
import { unique } from "../support/names";

/**
 * The ledger's detail end to end: the official SDKs call the built app, which forwards to the mock
 * LLM. Cached input is stored in its two columns and priced at the endpoint's cache prices (or the
 * defaults: 0.1× and 1.25× the input price); a stream cut short, or an answer without a usage report,
 * is billed at least the tokens of the text the client received, and marked estimated.
 */

let app: App;
let mock: MockLlm;
let paced: MockLlm;
let key: string;

const MODELS = ["mock-gpt", "mock-claude", "mock-cached", "mock-cut-1", "mock-cut-4", "mock-no-usage"];
// Endpoints by style and by whether they name cache prices.
const PRICES = {
  "oa-default": { apiStyle: "openai", eurPerMInput: 2, eurPerMOutput: 8 },
  "oa-priced": { apiStyle: "openai", eurPerMInput: 2, eurPerMOutput: 8, eurPerMCacheRead: 0.5, eurPerMCacheWrite: 3 },
  "an-default": { apiStyle: "anthropic", eurPerMInput: 3, eurPerMOutput: 15 },
  "an-priced": { apiStyle: "anthropic", eurPerMInput: 3, eurPerMOutput: 15, eurPerMCacheRead: 0.3, eurPerMCacheWrite: 3.75 },
} as const;
type EndpointName = keyof typeof PRICES;

const tokensOf = (text: string) => countTokens(text, { disallowedSpecial: new Set() });
const oa = () => new OpenAI({ apiKey: key, baseURL: `${app.url}/v1`, maxRetries: 0 });
const an = () => new Anthropic({ apiKey: key, baseURL: app.url, maxRetries: 0 });

/** The call's ledger row, once written (a cut stream's row may land just after the client saw the end). */
async function rowOf(requestId: string | null) {
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  let row: Record<string, unknown> | undefined;
  await expect
    .poll(async () => (row = (await app.db.execute({ sql: "SELECT * FROM usage_events WHERE request_id = ?", args: [requestId!] })).rows[0]), { timeout: 5000 })
    .toBeDefined();
  return row!;
}

/** The cost formula: uncached input, cache reads and writes, output, each at its price per million. */
function expectedEur(e: EndpointName, u: { input: number; output: number; cacheRead: number; cacheWrite: number }) {
  const p: { eurPerMInput: number; eurPerMOutput: number; eurPerMCacheRead?: number; eurPerMCacheWrite?: number } = PRICES[e];
  const read = p.eurPerMCacheRead ?? p.eurPerMInput * 0.1;
  const write = p.eurPerMCacheWrite ?? p.eurPerMInput * 1.25;
  return ((u.input - u.cacheRead - u.cacheWrite) * p.eurPerMInput + u.cacheRead * read + u.cacheWrite * write + u.output * p.eurPerMOutput) / 1e6;
}

beforeAll(async () => {
  mock = await startMockLlm({ chunkDelayMs: 0 });
  paced = await startMockLlm({ chunkDelayMs: 300 });
  app = await startApp({ valkey: false, smtp: false, env: { GATEWAY_UPSTREAM_TIMEOUT_MS: "5000" } });
  const admin = await signedInAdmin(app);
  key = await createKeyAs(app, admin, await createUserAs(app, admin, unique("ledger")), "ledger tests");
  for (const [name, prices] of Object.entries(PRICES)) {
    await createEndpointAs(app, admin, { name, baseUrl: `${mock.url}/v1`, models: MODELS, ...prices });
  }
  // Its chunks 300 ms apart: a client can leave in the middle.
  await createEndpointAs(app, admin, { name: "an-paced", baseUrl: `${paced.url}/v1`, models: MODELS, ...PRICES["an-priced"] });
});
afterAll(async () => {
  await app?.stop();
  await mock?.stop();
  await paced?.stop();
});

describe("cached input tokens", () => {
  const messages = [{ role: "user" as const, content: "Please summarise the cached document." }];
  const input = mockInputTokens({ messages });
  const { read, write } = mockCacheSplit(input);

  for (const endpoint of ["oa-default", "oa-priced"] as const) {
    it(`OpenAI style (${endpoint}): prompt_tokens stored whole, its cached part as cache reads, priced by the formula`, async () => {
      const plain = await oa().chat.completions.create({ model: `mock-cached@${endpoint}`, messages }).withResponse();
      expect(plain.data.usage?.prompt_tokens_details?.cached_tokens).toBe(read);
      const chunks = [];
      const streamed = await oa().chat.completions.create({ model: `mock-cached@${endpoint}`, messages, stream: true }).withResponse();
      for await (const c of streamed.data) chunks.push(c);
      for (const response of [plain.response, streamed.response]) {
        const row = await rowOf(response.headers.get("x-request-id"));
        const usage = { input, output: 5, cacheRead: read, cacheWrite: 0 };
        expect(row).toMatchObject({ input_tokens: input, output_tokens: 5, cache_read_tokens: read, cache_write_tokens: 0, estimated: 0, over_cap: 0, status: "ok" });
        expect(Number(row.cost_eur)).toBeCloseTo(expectedEur(endpoint, usage), 12);
      }
    });
  }

  for (const endpoint of ["an-default", "an-priced"] as const) {
    it(`Anthropic style (${endpoint}): uncached, read and written input summed, the parts stored apart, priced by the formula`, async () => {
      const plain = await an().messages.create({ model: `mock-cached@${endpoint}`, max_tokens: 50, messages }).withResponse();
      expect(plain.data.usage).toMatchObject({ cache_read_input_tokens: read, cache_creation_input_tokens: write });
      const streamed = await an().messages.create({ model: `mock-cached@${endpoint}`, max_tokens: 50, messages, stream: true }).withResponse();
      for await (const _event of streamed.data);
      for (const response of [plain.response, streamed.response]) {
        const row = await rowOf(response.headers.get("x-request-id"));
        const usage = { input, output: 5, cacheRead: read, cacheWrite: write };
        expect(row).toMatchObject({ input_tokens: input, output_tokens: 5, cache_read_tokens: read, cache_write_tokens: write, estimated: 0, status: "ok" });
        expect(Number(row.cost_eur)).toBeCloseTo(expectedEur(endpoint, usage), 12);
      }
    });
  }

  it("a call without cached tokens stores zero in both columns", async () => {
    const res = await oa().chat.completions.create({ model: "mock-gpt@oa-default", messages }).withResponse();
    expect(await rowOf(res.response.headers.get("x-request-id"))).toMatchObject({ input_tokens: input, cache_read_tokens: 0, cache_write_tokens: 0, estimated: 0 });
  });
});

describe("a stream cut short is billed at least what was delivered, as an estimate", () => {
  const system = "You are a storyteller.";
  const user = "Tell me a story about a lighthouse.";

  for (const k of [1, MOCK_REPLY_CHUNKS.length - 1]) {
    it(`OpenAI style, cut after ${k} of ${MOCK_REPLY_CHUNKS.length} chunks: the delivered text's tokens, the prompt's tokens as input`, async () => {
      const messages = [
        { role: "system" as const, content: system },
        { role: "user" as const, content: user },
      ];
      const { data: stream, response } = await oa().chat.completions.create({ model: `mock-cut-${k}@oa-default`, messages, stream: true }).withResponse();
      let delivered = "";
      await (async () => {
        for await (const c of stream) delivered += c.choices[0]?.delta?.content ?? "";
      })().catch(() => undefined);
      expect(delivered).toBe(MOCK_REPLY_CHUNKS.slice(0, k).join(""));
      const row = await rowOf(response.headers.get("x-request-id"));
      expect(row).toMatchObject({ estimated: 1, status: "upstream_stream_error", cache_read_tokens: 0 });
      expect(Number(row.output_tokens)).toBeGreaterThanOrEqual(tokensOf(delivered));
      expect(Number(row.input_tokens)).toBe(tokensOf(`${system}\n${user}`));
      const usage = { input: Number(row.input_tokens), output: Number(row.output_tokens), cacheRead: 0, cacheWrite: 0 };
      expect(Number(row.cost_eur)).toBeCloseTo(expectedEur("oa-default", usage), 12);
    });

    it(`Anthropic style, cut after ${k} of ${MOCK_REPLY_CHUNKS.length} deltas: the delivered text's tokens, the input message_start reported`, async () => {
      const messages = [{ role: "user" as const, content: user }];
      const { data: stream, response } = await an().messages.create({ model: `mock-cut-${k}@an-default`, max_tokens: 50, system, messages, stream: true }).withResponse();
      let delivered = "";
      await (async () => {
        for await (const e of stream) if (e.type === "content_block_delta" && e.delta.type === "text_delta") delivered += e.delta.text;
      })().catch(() => undefined);
      expect(delivered).toBe(MOCK_REPLY_CHUNKS.slice(0, k).join(""));
      const row = await rowOf(response.headers.get("x-request-id"));
      expect(row).toMatchObject({ estimated: 1, status: "upstream_stream_error", input_tokens: mockInputTokens({ system, messages }) });
      expect(Number(row.output_tokens)).toBeGreaterThanOrEqual(tokensOf(delivered));
      expect(Number(row.output_tokens)).toBeGreaterThanOrEqual(1); // message_start's own count, at least
    });
  }

  it("a client that leaves after the first delta is billed it too (Anthropic, cached input as message_start reported it)", async () => {
    const controller = new AbortController();
    const messages = [{ role: "user" as const, content: user }];
    const { data: stream, response } = await an()
      .messages.create({ model: "mock-cached@an-paced", max_tokens: 50, messages, stream: true }, { signal: controller.signal })
      .withResponse();
    let delivered = "";
    await (async () => {
      for await (const e of stream) {
        if (e.type === "content_block_delta" && e.delta.type === "text_delta") {
          delivered += e.delta.text;
          controller.abort();
        }
      }
    })().catch(() => undefined);
    const row = await rowOf(response.headers.get("x-request-id"));
    const input = mockInputTokens({ messages });
    const { read, write } = mockCacheSplit(input);
    expect(delivered).toBe(MOCK_REPLY_CHUNKS[0]);
    expect(row).toMatchObject({ status: "client_aborted", estimated: 1, input_tokens: input, cache_read_tokens: read, cache_write_tokens: write });
    expect(Number(row.output_tokens)).toBeGreaterThanOrEqual(tokensOf(delivered));
    const usage = { input, output: Number(row.output_tokens), cacheRead: read, cacheWrite: write };
    expect(Number(row.cost_eur)).toBeCloseTo(expectedEur("an-priced", usage), 12);
  });
});

describe("an answer without a usage report is estimated", () => {
  const reply = MOCK_REPLY_CHUNKS.join("");

  it("OpenAI style, not streamed and streamed: the answer's tokens and the prompt's", async () => {
    const messages = [{ role: "user" as const, content: "No usage for this one, please." }];
    const plain = await oa().chat.completions.create({ model: "mock-no-usage@oa-default", messages }).withResponse();
    expect(plain.data.choices[0].message.content).toBe(reply);
    const streamed = await oa().chat.completions.create({ model: "mock-no-usage@oa-default", messages, stream: true }).withResponse();
    for await (const _c of streamed.data);
    for (const response of [plain.response, streamed.response]) {
      const row = await rowOf(response.headers.get("x-request-id"));
      expect(row).toMatchObject({ status: "ok_no_usage", estimated: 1, input_tokens: tokensOf(messages[0].content), output_tokens: tokensOf(reply) });
      const usage = { input: tokensOf(messages[0].content), output: tokensOf(reply), cacheRead: 0, cacheWrite: 0 };
      expect(Number(row.cost_eur)).toBeCloseTo(expectedEur("oa-default", usage), 12);
    }
  });

  it("Anthropic style, not streamed and streamed: the answer's tokens and the prompt's (system included)", async () => {
    const system = "Answer in one line.";
    const messages = [{ role: "user" as const, content: "No usage here either." }];
    const plain = await an().messages.create({ model: "mock-no-usage@an-default", max_tokens: 50, system, messages }).withResponse();
    expect(plain.data.content[0]).toMatchObject({ type: "text", text: reply });
    const streamed = await an().messages.create({ model: "mock-no-usage@an-default", max_tokens: 50, system, messages, stream: true }).withResponse();
    for await (const _e of streamed.data);
    for (const response of [plain.response, streamed.response]) {
      const row = await rowOf(response.headers.get("x-request-id"));
      expect(row).toMatchObject({ status: "ok_no_usage", estimated: 1, input_tokens: tokensOf(`${system}\n${messages[0].content}`), output_tokens: tokensOf(reply) });
    }
  });
});
