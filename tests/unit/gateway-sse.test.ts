import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { describe, expect, it } from "vitest";
import { loadTokenizer } from "@/lib/gateway/estimate";
import { SseMeter } from "@/lib/gateway/sse";
import { adapters, type StyleAdapter, type Usage } from "@/lib/gateway/styles";

// The stream meter on the hot path: events split anywhere (inside a line, inside a multi-byte
// character, between \r and \n), the usage found wherever it lands, bytes passed through untouched,
// and the tokens of the text the events deliver tallied for the estimate.

const u = (input: number, output: number, cacheRead = 0, cacheWrite = 0): Usage => ({ input, output, cacheRead, cacheWrite });
const tokensOf = (text: string) => countTokens(text, { disallowedSpecial: new Set() });

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
function expectEverySplit(stream: string, adapter: StyleAdapter, strip: boolean, out: string, usage: Usage) {
  const bytes = enc.encode(stream);
  for (const cuts of cutsOf(bytes.length)) {
    const meter = new SseMeter(adapter, strip);
    expect(dec.decode(feed(meter, bytes, cuts)), String(cuts)).toBe(out);
    expect(meter.usage, String(cuts)).toEqual(usage);
    expect(meter.sawUsage).toBe(true);
    expect(meter.finalUsage).toBe(true);
  }
}

describe("SseMeter", () => {
  it("passes an OpenAI stream through byte for byte and finds its usage, however it is split", () => {
    expectEverySplit(openaiStream, adapters.openai, false, openaiStream, u(11, 4));
  });

  it("drops the usage-only event it asked for, and nothing else, however the stream is split", () => {
    const expected = openaiStream.replace(ev({ choices: [], usage: { prompt_tokens: 11, completion_tokens: 4 } }), "");
    expectEverySplit(openaiStream, adapters.openai, true, expected, u(11, 4));
  });

  it("reads an Anthropic stream's input (cache reads and writes included) and running output", () => {
    expectEverySplit(anthropicStream, adapters.anthropic, false, anthropicStream, u(27, 9, 5, 2));
  });

  it("reads CRLF-framed events, split between \\r and \\n", () => {
    const crlf = openaiStream.replaceAll("\n", "\r\n");
    const bytes = enc.encode(crlf);
    for (const cuts of cutsOf(bytes.length)) {
      const meter = new SseMeter(adapters.openai, true);
      const out = dec.decode(feed(meter, bytes, cuts));
      expect(out, String(cuts)).not.toContain("prompt_tokens");
      expect(out).toContain("日本");
      expect(meter.usage).toEqual(u(11, 4));
    }
  });

  it("reads an unterminated last event at the end of the stream", () => {
    const meter = new SseMeter(adapters.openai, false);
    meter.push(enc.encode(`data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 2, completion_tokens: 1 } })}`));
    meter.finish();
    expect(meter.usage).toEqual(u(2, 1));
  });

  it("reads an event whose JSON spans several data: lines, beside comments and ids", async () => {
    const meter = new SseMeter(adapters.openai, false);
    const text = ': keep-alive\n\nid: 7\ndata: {"choices": [{"index": 0,\ndata:  "delta": {"content": "split"}}],\ndata: "usage": {"prompt_tokens": 3, "completion_tokens": 1}}\n\n';
    expect(dec.decode(feed(meter, enc.encode(text), [30]))).toBe(text);
    expect(meter.usage).toEqual(u(3, 1));
    expect(await meter.delivered.tokens()).toBe(tokensOf("split"));
  });

  it("ignores events that only mention usage, or are not JSON", () => {
    const meter = new SseMeter(adapters.openai, true);
    const text = ev({ choices: [{ delta: { content: '"usage": {' } }] }) + 'data: {"usage": {broken\n\n';
    expect(dec.decode(feed(meter, enc.encode(text), [5]))).toBe(text);
    expect(meter.sawUsage).toBe(false);
    expect(meter.usage).toEqual(u(0, 0));
  });

  it("tallies the delivered text of both styles however the stream is split, the dropped usage event aside", async () => {
    const cases: [StyleAdapter, boolean, string, string][] = [
      [adapters.openai, true, openaiStream, "Grüße 👋日本"],
      [adapters.anthropic, false, anthropicStream, "Ça va ✓"],
    ];
    for (const [adapter, strip, stream, text] of cases) {
      // The deltas join into the text the client saw; a short one is counted in one piece.
      const bytes = enc.encode(stream);
      for (const cuts of cutsOf(bytes.length).filter((_, i) => i % 7 === 0)) {
        const meter = new SseMeter(adapter, strip);
        feed(meter, bytes, cuts);
        expect(await meter.delivered.tokens(), String(cuts)).toBe(tokensOf(text));
      }
    }
  });

  it("has no final report when a stream is cut before it: message_start's usage is only a start", () => {
    const cut = anthropicStream.slice(0, anthropicStream.indexOf("event: message_delta"));
    const meter = new SseMeter(adapters.anthropic, false);
    feed(meter, enc.encode(cut), []);
    expect(meter.sawUsage).toBe(true);
    expect(meter.finalUsage).toBe(false);
    expect(meter.usage).toEqual(u(27, 1, 5, 2));
    const openaiCut = new SseMeter(adapters.openai, true);
    feed(openaiCut, enc.encode(openaiStream.slice(0, openaiStream.indexOf('{"choices":[]'))), []);
    expect([openaiCut.sawUsage, openaiCut.finalUsage]).toEqual([false, false]);
  });

  it("holds a bounded amount of a long stream's text, and its tally is at least the tokens of the whole", async () => {
    const words = ["alpha ", "beta\n", "gamma, ", "don't ", "Δέλτα ", "日本語の", "   ", "x1234567 ", "Hello", "!\n\n", "\ud83d\udc4b "];
    let text = "";
    await loadTokenizer(); // as a stream's pauses let it load in the server; this loop never pauses
    const meter = new SseMeter(adapters.openai, false);
    let most = 0;
    for (let i = 0; i < 20_000; i++) {
      const delta = words[(i * 7) % words.length] + (i % 13 === 0 ? "xyz" : "");
      text += delta;
      meter.push(enc.encode(ev({ choices: [{ index: 0, delta: { content: delta } }] })));
      most = Math.max(most, meter.delivered.heldChars);
    }
    meter.finish();
    const whole = tokensOf(text);
    const tally = await meter.delivered.tokens();
    expect(text.length).toBeGreaterThan(100_000);
    expect(most).toBeLessThan(16_384);
    expect(tally).toBeGreaterThanOrEqual(whole);
    expect(tally).toBeLessThanOrEqual(whole * 1.01);
  });

  it("with a translator: hands it each complete event as JSON (never [DONE]), sends what it writes, and meters the upstream's own events", () => {
    const bytes = enc.encode(openaiStream);
    for (const cuts of cutsOf(bytes.length)) {
      const seen: unknown[] = [];
      const translator = {
        push: (event: Record<string, unknown>) => (seen.push(event), `<${seen.length}>`),
        end: () => "<end>",
        fail: () => "<fail>",
      };
      const meter = new SseMeter(adapters.openai, true, translator);
      expect(dec.decode(feed(meter, bytes, cuts)), String(cuts)).toBe("<1><2><3><end>");
      expect(seen, String(cuts)).toEqual([
        { choices: [{ index: 0, delta: { content: "Grüße 👋" } }] },
        { choices: [{ index: 0, delta: { content: "日本" } }] },
        { choices: [], usage: { prompt_tokens: 11, completion_tokens: 4 } },
      ]);
      expect(meter.usage).toEqual(u(11, 4));
      expect(meter.finalUsage).toBe(true);
    }
  });
});
