import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MOCK_REPLY_CHUNKS, mockCacheSplit, mockInputTokens, startMockLlm, type MockLlm, type RecordedRequest } from "../support/mock-llm";
import { waitFor } from "../support/ports";

// The mock upstream must be indistinguishable from the real providers as far as the official SDKs
// can tell, otherwise gateway tests built on it would prove nothing. Each SDK talks to it directly.

const REPLY = MOCK_REPLY_CHUNKS.join("");

let mock: MockLlm;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  mock = await startMockLlm({ slowMs: 3000 });
  openai = new OpenAI({ apiKey: "k", baseURL: mock.url + "/v1", maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: "k", baseURL: mock.url, maxRetries: 0 });
});
afterAll(async () => {
  await mock?.stop();
});
beforeEach(() => {
  mock.requests.length = 0;
});

function only(path: string): RecordedRequest {
  const hits = mock.requests.filter((r) => r.path === path);
  expect(hits).toHaveLength(1);
  return hits[0];
}

describe("mockInputTokens", () => {
  it("counts characters of string content, text parts and the Anthropic system prompt", () => {
    expect(mockInputTokens({ messages: [{ role: "user", content: "abcd" }] })).toBe(4);
    expect(
      mockInputTokens({
        messages: [
          { role: "system", content: "sys" },
          { role: "user", content: [{ type: "text", text: "ab" }, { type: "image_url", image_url: { url: "http://x/y.png" } }, { type: "text", text: "c" }] },
          { role: "assistant", content: null },
        ],
      }),
    ).toBe(6);
    expect(mockInputTokens({ system: "xy", messages: [{ role: "user", content: "z" }] })).toBe(3);
    expect(mockInputTokens({ system: [{ type: "text", text: "four" }], messages: [{ role: "user", content: [{ type: "text", text: "1" }] }] })).toBe(5);
    expect(mockInputTokens({ messages: [] })).toBe(1);
    expect(mockInputTokens(undefined)).toBe(1);
  });
});

describe("OpenAI protocol, through the official openai SDK", () => {
  const messages = [
    { role: "system" as const, content: "Be brief." }, // 9
    { role: "user" as const, content: "Say hello" }, // 9
  ];

  it("answers a non-streaming chat completion with the deterministic usage", async () => {
    const res = await openai.chat.completions.create({ model: "mock-gpt", messages });
    expect(res.object).toBe("chat.completion");
    expect(res.id).toMatch(/^chatcmpl-/);
    expect(res.model).toBe("mock-gpt");
    expect(typeof res.created).toBe("number");
    expect(res.choices).toHaveLength(1);
    expect(res.choices[0].message).toMatchObject({ role: "assistant", content: REPLY });
    expect(res.choices[0].finish_reason).toBe("stop");
    expect(res.usage).toEqual({ prompt_tokens: 18, completion_tokens: 5, total_tokens: 23 });

    const rec = only("/v1/chat/completions");
    expect(rec.method).toBe("POST");
    expect(rec.body).toMatchObject({ model: "mock-gpt", messages });
    expect(rec.body.stream).toBeUndefined();
    expect(rec.headers.authorization).toBe("Bearer k");
    expect(rec.headers["content-type"]).toBe("application/json");
    expect(rec.aborted).toBe(false);
  });

  it("streams chunks and a final usage chunk when stream_options.include_usage is set", async () => {
    const stream = await openai.chat.completions.create({
      model: "mock-gpt",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);

    expect(chunks.every((c) => c.object === "chat.completion.chunk" && c.model === "mock-gpt")).toBe(true);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe(REPLY);
    // 5 content chunks, the finish chunk, the usage chunk.
    expect(chunks).toHaveLength(MOCK_REPLY_CHUNKS.length + 2);
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe("stop");
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({ prompt_tokens: 18, completion_tokens: 5, total_tokens: 23 });
    // As OpenAI does: every other chunk carries `usage: null`.
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);

    const rec = only("/v1/chat/completions");
    expect(rec.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(rec.aborted).toBe(false);
  });

  it("sends no usage chunk without include_usage", async () => {
    const stream = await openai.chat.completions.create({ model: "mock-gpt", messages, stream: true });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks).toHaveLength(MOCK_REPLY_CHUNKS.length + 1);
    expect(chunks.map((c) => c.choices[0].delta.content ?? "").join("")).toBe(REPLY);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe("stop");
    expect(chunks.every((c) => c.usage == null && c.choices.length === 1)).toBe(true);
  });

  it("accumulates a stream with the SDK's stream helper", async () => {
    const runner = openai.chat.completions.stream({ model: "mock-gpt", messages, stream_options: { include_usage: true } });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0].message.content).toBe(REPLY);
    expect(final.choices[0].finish_reason).toBe("stop");
    expect(final.usage).toEqual({ prompt_tokens: 18, completion_tokens: 5, total_tokens: 23 });
  });

  it("lists the configured models", async () => {
    const ids: string[] = [];
    for await (const m of openai.models.list()) {
      expect(m.object).toBe("model");
      expect(m.owned_by).toBe("mock");
      ids.push(m.id);
    }
    expect(ids).toEqual(["mock-gpt", "mock-claude"]);
    const rec = only("/v1/models");
    expect(rec.method).toBe("GET");
    expect(rec.headers.authorization).toBe("Bearer k");
  });

  it("surfaces mock-error as the SDK's InternalServerError", async () => {
    const err = await openai.chat.completions.create({ model: "mock-error", messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as InstanceType<typeof OpenAI.InternalServerError>).status).toBe(500);
    expect((err as InstanceType<typeof OpenAI.InternalServerError>).message).toContain("mock upstream failure");
    expect(mock.requests).toHaveLength(1); // maxRetries: 0 → exactly one attempt
  });

  it("marks a mock-slow request aborted when the client times out", async () => {
    const started = Date.now();
    const err = await openai.chat.completions.create({ model: "mock-slow", messages }, { timeout: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(Date.now() - started).toBeLessThan(2500);
    const rec = only("/v1/chat/completions");
    await waitFor("the mock to see the disconnect", async () => rec.aborted, 2000, 20);
    expect(rec.body.model).toBe("mock-slow");
  });

  it("marks a hung stream aborted once the client aborts after the first chunk", async () => {
    const ac = new AbortController();
    const stream = await openai.chat.completions.create({ model: "mock-hang-stream", messages, stream: true }, { signal: ac.signal });
    const seen: string[] = [];
    // openai v6's Stream swallows an abort: the for-await loop simply ends, nothing is thrown.
    for await (const c of stream) {
      seen.push(c.choices[0].delta.content ?? "");
      ac.abort();
    }
    expect(seen).toEqual([MOCK_REPLY_CHUNKS[0]]);
    expect(ac.signal.aborted).toBe(true);
    const rec = only("/v1/chat/completions");
    await waitFor("the mock to see the disconnect", async () => rec.aborted, 2000, 20);
  });
});

describe("Anthropic protocol, through the official @anthropic-ai/sdk", () => {
  const params = {
    model: "mock-claude",
    max_tokens: 64,
    system: "Be brief.", // 9
    messages: [{ role: "user" as const, content: [{ type: "text" as const, text: "Say hello" }] }], // 9
  };

  it("answers a non-streaming message with the deterministic usage", async () => {
    const msg = await anthropic.messages.create(params);
    expect(msg.type).toBe("message");
    expect(msg.id).toMatch(/^msg_/);
    expect(msg.role).toBe("assistant");
    expect(msg.model).toBe("mock-claude");
    expect(msg.content).toEqual([{ type: "text", text: REPLY }]);
    expect(msg.stop_reason).toBe("end_turn");
    expect(msg.stop_sequence).toBeNull();
    expect(msg.usage).toEqual({ input_tokens: 18, output_tokens: 5 });

    const rec = only("/v1/messages");
    expect(rec.method).toBe("POST");
    expect(rec.body).toMatchObject(params);
    // @anthropic-ai/sdk 1.x (API version 2026-10-21) sends `apiKey` as a Bearer token, not x-api-key.
    expect(rec.headers.authorization).toBe("Bearer k");
    expect(rec.headers["x-api-key"]).toBeUndefined();
    expect(rec.headers["anthropic-version"]).toBe("2026-10-21");
    expect(rec.aborted).toBe(false);
  });

  it("streams the real event sequence and the stream helper accumulates it", async () => {
    const stream = anthropic.messages.stream(params);
    const events: string[] = [];
    const deltas: string[] = [];
    stream.on("streamEvent", (e) => events.push(e.type));
    stream.on("text", (d) => deltas.push(d));
    const final = await stream.finalMessage();

    expect(events).toEqual([
      "message_start",
      "content_block_start",
      ...MOCK_REPLY_CHUNKS.map(() => "content_block_delta"),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(deltas).toEqual(MOCK_REPLY_CHUNKS);
    expect(await stream.finalText()).toBe(REPLY);
    expect(final.model).toBe("mock-claude");
    expect(final.stop_reason).toBe("end_turn");
    expect(final.usage).toMatchObject({ input_tokens: 18, output_tokens: 5 });

    const rec = only("/v1/messages");
    expect(rec.body.stream).toBe(true);
    expect(rec.headers.authorization).toBe("Bearer k");
    expect(rec.headers.accept).toBe("application/json"); // even for a stream
  });

  it("sends x-api-key only when the client is given it as an explicit header", async () => {
    const legacy = new Anthropic({ apiKey: null, defaultHeaders: { "x-api-key": "k" }, baseURL: mock.url, maxRetries: 0 });
    const msg = await legacy.messages.create(params);
    expect(msg.content).toEqual([{ type: "text", text: REPLY }]);
    const rec = only("/v1/messages");
    expect(rec.headers["x-api-key"]).toBe("k");
    expect(rec.headers.authorization).toBeUndefined();
  });

  it("streams raw events with create({ stream: true })", async () => {
    const stream = await anthropic.messages.create({ ...params, stream: true });
    const types: string[] = [];
    let input = 0;
    let output = 0;
    for await (const e of stream) {
      types.push(e.type);
      if (e.type === "message_start") {
        input = e.message.usage.input_tokens;
        expect(e.message.usage.output_tokens).toBe(1);
      }
      if (e.type === "message_delta") output = e.usage.output_tokens;
    }
    expect(types[0]).toBe("message_start");
    expect(types.at(-1)).toBe("message_stop");
    expect([input, output]).toEqual([18, 5]);
  });

  it("surfaces mock-error as the SDK's InternalServerError", async () => {
    const err = await anthropic.messages.create({ ...params, model: "mock-error" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.InternalServerError);
    expect((err as InstanceType<typeof Anthropic.InternalServerError>).status).toBe(500);
    expect(mock.requests).toHaveLength(1);
  });

  it("marks a mock-slow request aborted when the client aborts", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const err = await anthropic.messages.create({ ...params, model: "mock-slow" }, { signal: ac.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIUserAbortError);
    const rec = only("/v1/messages");
    await waitFor("the mock to see the disconnect", async () => rec.aborted, 2000, 20);
  });

  it("marks a hung stream aborted when the client aborts after the first delta", async () => {
    const stream = anthropic.messages.stream({ ...params, model: "mock-hang-stream" });
    const deltas: string[] = [];
    stream.on("text", (d) => {
      deltas.push(d);
      stream.abort();
    });
    const err = await stream.finalMessage().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIUserAbortError);
    expect(deltas).toEqual([MOCK_REPLY_CHUNKS[0]]);
    const rec = only("/v1/messages");
    await waitFor("the mock to see the disconnect", async () => rec.aborted, 2000, 20);
  });
});

describe("usage details and missing reports, through both SDKs", () => {
  const messages = [{ role: "user" as const, content: "Twenty characters ok" }]; // 20
  const { read, write } = mockCacheSplit(20);

  it("reports cached tokens in each style's fields", async () => {
    expect([read, write]).toEqual([10, 5]);
    const oa = await openai.chat.completions.create({ model: "mock-cached", messages });
    expect(oa.usage).toMatchObject({ prompt_tokens: 20, completion_tokens: 5, prompt_tokens_details: { cached_tokens: read } });
    const chunks = [];
    for await (const c of await openai.chat.completions.create({ model: "mock-cached", messages, stream: true, stream_options: { include_usage: true } })) chunks.push(c);
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 20, prompt_tokens_details: { cached_tokens: read } });
    const an = await anthropic.messages.create({ model: "mock-cached", max_tokens: 5, messages });
    expect(an.usage).toMatchObject({ input_tokens: 20 - read - write, cache_read_input_tokens: read, cache_creation_input_tokens: write, output_tokens: 5 });
    const final = await anthropic.messages.stream({ model: "mock-cached", max_tokens: 5, messages }).finalMessage();
    expect(final.usage).toMatchObject({ input_tokens: 5, cache_read_input_tokens: read, cache_creation_input_tokens: write, output_tokens: 5 });
  });

  it("cuts a stream after k chunks, in both styles", async () => {
    for (const k of [1, 4]) {
      let text = "";
      const oa = await openai.chat.completions
        .create({ model: `mock-cut-${k}`, messages, stream: true, stream_options: { include_usage: true } })
        .then(async (stream) => {
          for await (const c of stream) {
            text += c.choices[0]?.delta?.content ?? "";
            expect(c.usage ?? null).toBeNull();
          }
        })
        .catch((e) => e);
      expect(oa).toBeInstanceOf(Error);
      expect(text).toBe(MOCK_REPLY_CHUNKS.slice(0, k).join(""));

      let anText = "";
      const types: string[] = [];
      const an = await anthropic.messages
        .create({ model: `mock-cut-${k}`, max_tokens: 5, messages, stream: true })
        .then(async (stream) => {
          for await (const e of stream) {
            types.push(e.type);
            if (e.type === "content_block_delta" && e.delta.type === "text_delta") anText += e.delta.text;
          }
        })
        .catch((e) => e);
      expect(an).toBeInstanceOf(Error);
      expect(anText).toBe(MOCK_REPLY_CHUNKS.slice(0, k).join(""));
      expect(types).not.toContain("message_delta");
    }
  });

  it("leaves the usage out of mock-no-usage answers and streams", async () => {
    const oa = await openai.chat.completions.create({ model: "mock-no-usage", messages });
    expect(oa.choices[0].message.content).toBe(REPLY);
    expect(oa.usage).toBeUndefined();
    const chunks = [];
    for await (const c of await openai.chat.completions.create({ model: "mock-no-usage", messages, stream: true, stream_options: { include_usage: true } })) chunks.push(c);
    expect(chunks.some((c) => c.usage)).toBe(false);
    const raw = await fetch(`${mock.url}/v1/messages`, { method: "POST", body: JSON.stringify({ model: "mock-no-usage", max_tokens: 5, messages }) });
    expect(await raw.json()).not.toHaveProperty("usage");
    const events = await (await fetch(`${mock.url}/v1/messages`, { method: "POST", body: JSON.stringify({ model: "mock-no-usage", max_tokens: 5, stream: true, messages }) })).text();
    expect(events).toContain("message_stop");
    expect(events).not.toContain(`"usage"`);
  });
});

describe("raw HTTP edges", () => {
  it("answers mock-bad-json with a 200 that is not JSON", async () => {
    const res = await fetch(mock.url + "/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "mock-bad-json", messages: [] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.text()).toBe("not json");
  });

  it("rejects malformed JSON with 400 and unknown routes with 404, recording both", async () => {
    const bad = await fetch(mock.url + "/v1/messages", { method: "POST", body: "{nope" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.type).toBe("invalid_request_error");
    const missing = await fetch(mock.url + "/v1/embeddings", { method: "POST", body: "{}" });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.message).toContain("/v1/embeddings");
    expect(mock.requests.map((r) => [r.path, r.body])).toEqual([
      ["/v1/messages", { raw: "{nope" }],
      ["/v1/embeddings", { raw: "{}" }],
    ]);
  });

  it("spaces streamed chunks by chunkDelayMs and flushes each one as it is written", async () => {
    const slow = await startMockLlm({ chunkDelayMs: 60 });
    try {
      const res = await fetch(slow.url + "/v1/chat/completions", {
        method: "POST",
        body: JSON.stringify({ model: "mock-gpt", stream: true, messages: [{ role: "user", content: "hi" }] }),
      });
      expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
      const arrivals: number[] = [];
      const t0 = Date.now();
      let body = "";
      const decoder = new TextDecoder();
      const reader = res.body!.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        arrivals.push(Date.now() - t0);
        body += decoder.decode(r.value, { stream: true });
      }
      expect(body.trimEnd().endsWith("data: [DONE]")).toBe(true);
      // 5 content chunks + finish chunk: 5 gaps of ≥60 ms; chunks arrive separately, not in one burst.
      expect(arrivals.length).toBeGreaterThanOrEqual(4);
      expect(arrivals.at(-1)! - arrivals[0]).toBeGreaterThanOrEqual(200);
    } finally {
      await slow.stop();
    }
  });

  it("does not record when record is false, and stop() closes idle keep-alive sockets promptly", async () => {
    const quiet = await startMockLlm({ record: false });
    const res = await fetch(quiet.url + "/v1/models");
    expect((await res.json()).data.map((m: { id: string }) => m.id)).toEqual(["mock-gpt", "mock-claude"]);
    expect(quiet.requests).toEqual([]);
    const t0 = Date.now();
    await quiet.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    await expect(fetch(quiet.url + "/v1/models")).rejects.toThrow();
  });
});
