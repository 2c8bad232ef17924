import { describe, expect, it } from "vitest";
import type { RoutingEndpoint } from "@/lib/endpoints";
import { adapters } from "@/lib/gateway/styles";

// What differs between the two API styles: the path, the upstream's headers, the body as sent, and
// where the usage report sits.

const endpoint = (upstreamApiKey: string | null): RoutingEndpoint => ({
  id: "e",
  name: "e",
  baseUrl: "http://upstream.test/v1",
  apiStyle: "openai",
  upstreamApiKey,
  models: ["m"],
  eurPerMInput: 0,
  eurPerMOutput: 0,
  maxOutputTokens: {},
  outputCapField: "max_tokens",
});
const client = new Headers({ authorization: "Bearer tg-sk-client", "x-api-key": "tg-sk-client", "anthropic-beta": "tools-2025", "anthropic-version": "2024-01-01" });

describe("the openai adapter", () => {
  const a = adapters.openai;

  it("sends the endpoint's key as a Bearer token, never the client's", () => {
    expect(a.path).toBe("/chat/completions");
    expect(a.upstreamHeaders(endpoint("sk-up"), client)).toEqual({ "content-type": "application/json", authorization: "Bearer sk-up" });
    expect(a.upstreamHeaders(endpoint(null), client)).toEqual({ "content-type": "application/json" });
  });

  it("asks a stream for its usage unless the client did, and says so", () => {
    expect(a.prepare({ model: "m", stream: true })).toEqual({ body: { model: "m", stream: true, stream_options: { include_usage: true } }, injectedUsage: true });
    expect(a.prepare({ model: "m", stream: true, stream_options: { include_obfuscation: false } })).toEqual({
      body: { model: "m", stream: true, stream_options: { include_obfuscation: false, include_usage: true } },
      injectedUsage: true,
    });
    const asked = { model: "m", stream: true, stream_options: { include_usage: true } };
    expect(a.prepare(asked)).toEqual({ body: asked, injectedUsage: false });
    expect(a.prepare({ model: "m" })).toEqual({ body: { model: "m" }, injectedUsage: false });
  });

  it("reads usage from an answer and from the usage-only event", () => {
    expect(a.usageOfJson({ usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } })).toEqual({ input: 3, output: 2 });
    expect(a.usageOfJson({ choices: [] })).toBeUndefined();
    expect(a.usageOfJson({ usage: { prompt_tokens: "3", completion_tokens: null } })).toEqual({ input: 0, output: 0 });
    expect(a.isUsageOnlyEvent({ choices: [], usage: { prompt_tokens: 1 } })).toBe(true);
    expect(a.isUsageOnlyEvent({ choices: [{ delta: {} }], usage: { prompt_tokens: 1 } })).toBe(false);
  });
});

describe("the anthropic adapter", () => {
  const a = adapters.anthropic;

  it("sends the endpoint's key as x-api-key with the client's version and beta headers", () => {
    expect(a.path).toBe("/messages");
    expect(a.upstreamHeaders(endpoint("sk-ant"), client)).toEqual({
      "content-type": "application/json",
      "anthropic-version": "2024-01-01",
      "anthropic-beta": "tools-2025",
      "x-api-key": "sk-ant",
    });
    expect(a.upstreamHeaders(endpoint(null), new Headers())).toEqual({ "content-type": "application/json", "anthropic-version": "2023-06-01" });
  });

  it("sends the body as it is", () => {
    const body = { model: "m", stream: true, max_tokens: 5 };
    expect(a.prepare(body)).toEqual({ body, injectedUsage: false });
  });

  it("counts cache writes and reads as input", () => {
    expect(a.usageOfJson({ usage: { input_tokens: 10, cache_creation_input_tokens: 4, cache_read_input_tokens: 6, output_tokens: 3 } })).toEqual({ input: 20, output: 3 });
  });

  it("folds message_start and message_delta events into the usage seen so far", () => {
    const start = a.usageOfEvent({ type: "message_start", message: { usage: { input_tokens: 8, output_tokens: 1 } } }, { input: 0, output: 0 });
    expect(start).toEqual({ input: 8, output: 1 });
    expect(a.usageOfEvent({ type: "message_delta", usage: { output_tokens: 12 } }, start!)).toEqual({ input: 8, output: 12 });
    expect(a.usageOfEvent({ type: "message_delta", usage: { input_tokens: 9, output_tokens: 13 } }, start!)).toEqual({ input: 9, output: 13 });
    expect(a.usageOfEvent({ type: "content_block_delta" }, start!)).toBeUndefined();
    expect(a.isUsageOnlyEvent({ type: "message_delta", usage: {} })).toBe(false);
  });
});
