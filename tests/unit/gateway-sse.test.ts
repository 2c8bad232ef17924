import { describe, expect, it } from "vitest";
import { SseMeter } from "@/lib/gateway/sse";
import { adapters, type StyleAdapter } from "@/lib/gateway/styles";

// The stream meter on the hot path: events split anywhere (inside a line, inside a multi-byte
// character, between \r and \n), the usage found wherever it lands, bytes passed through untouched.

const enc = new TextEncoder();
const dec = new TextDecoder();
const ev = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;

const openaiStream =
  ev({ choices: [{ index: 0, delta: { content: "Grüße 👋" } }] }) +
  ev({ choices: [{ index: 0, delta: { content: "日本" } }] }) +
  ev({ choices: [], usage: { prompt_tokens: 11, completion_tokens: 4 } }) +
  "data: [DONE]\n\n";

const anthropicStream =
  "event: message_start\n" +
  ev({ type: "message_start", message: { usage: { input_tokens: 20, cache_read_input_tokens: 5, cache_creation_input_tokens: 2, output_tokens: 1 } } }) +
  "event: content_block_delta\n" +
  ev({ type: "content_block_delta", delta: { type: "text_delta", text: "Ça va ✓" } }) +
  "event: message_delta\n" +
  ev({ type: "message_delta", usage: { output_tokens: 9 } }) +
  "event: message_stop\n" +
  ev({ type: "message_stop" });

/** Feeds `bytes` cut at the given offsets; returns what went out and the meter. */
function feed(meter: SseMeter, bytes: Uint8Array, cuts: number[]) {
  const out: Uint8Array[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    const piece = meter.push(bytes.slice(at, cut));
    if (piece) out.push(piece);
    at = cut;
  }
  const rest = meter.finish();
  if (rest) out.push(rest);
  return Buffer.concat(out);
}

/** Every way of cutting the stream in two, and a few in many pieces. */
function cutsOf(length: number): number[][] {
  const cuts: number[][] = [];
  for (let i = 1; i < length; i++) cuts.push([i]);
  for (const step of [1, 3, 7]) cuts.push(Array.from({ length: Math.floor((length - 1) / step) }, (_, i) => (i + 1) * step));
  return cuts;
}

/** Feeds `stream` cut every possible way; checks what went out and the usage found, each time. */
function expectEverySplit(stream: string, adapter: StyleAdapter, strip: boolean, out: string, usage: { input: number; output: number }) {
  const bytes = enc.encode(stream);
  for (const cuts of cutsOf(bytes.length)) {
    const meter = new SseMeter(adapter, strip);
    expect(dec.decode(feed(meter, bytes, cuts)), String(cuts)).toBe(out);
    expect(meter.usage, String(cuts)).toEqual(usage);
    expect(meter.sawUsage).toBe(true);
  }
}

describe("SseMeter", () => {
  it("passes an OpenAI stream through byte for byte and finds its usage, however it is split", () => {
    expectEverySplit(openaiStream, adapters.openai, false, openaiStream, { input: 11, output: 4 });
  });

  it("drops the usage-only event it asked for, and nothing else, however the stream is split", () => {
    const expected = openaiStream.replace(ev({ choices: [], usage: { prompt_tokens: 11, completion_tokens: 4 } }), "");
    expectEverySplit(openaiStream, adapters.openai, true, expected, { input: 11, output: 4 });
  });

  it("reads an Anthropic stream's input (cache reads and writes included) and running output", () => {
    expectEverySplit(anthropicStream, adapters.anthropic, false, anthropicStream, { input: 27, output: 9 });
  });

  it("reads CRLF-framed events, split between \\r and \\n", () => {
    const crlf = openaiStream.replaceAll("\n", "\r\n");
    const bytes = enc.encode(crlf);
    for (const cuts of cutsOf(bytes.length)) {
      const meter = new SseMeter(adapters.openai, true);
      const out = dec.decode(feed(meter, bytes, cuts));
      expect(out, String(cuts)).not.toContain("prompt_tokens");
      expect(out).toContain("日本");
      expect(meter.usage).toEqual({ input: 11, output: 4 });
    }
  });

  it("reads an unterminated last event at the end of the stream", () => {
    const meter = new SseMeter(adapters.openai, false);
    meter.push(enc.encode(`data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 2, completion_tokens: 1 } })}`));
    meter.finish();
    expect(meter.usage).toEqual({ input: 2, output: 1 });
  });

  it("ignores events that only mention usage, or are not JSON", () => {
    const meter = new SseMeter(adapters.openai, true);
    const text = ev({ choices: [{ delta: { content: '"usage": {' } }] }) + 'data: {"usage": {broken\n\n';
    expect(dec.decode(feed(meter, enc.encode(text), [5]))).toBe(text);
    expect(meter.sawUsage).toBe(false);
    expect(meter.usage).toEqual({ input: 0, output: 0 });
  });
});
