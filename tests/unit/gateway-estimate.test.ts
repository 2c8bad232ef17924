import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { beforeAll, describe, expect, it } from "vitest";
import { countTextTokens, estimateUsage, loadTokenizer, TokenTally } from "@/lib/gateway/estimate";
import { NO_USAGE } from "@/lib/gateway/styles";

// The estimator behind rows marked `estimated`: o200k counts of a whole text, of a text that arrives
// in deltas (bounded in memory), and the usage billed from them. An estimate is never below the
// tokens of the text it counts.

const whole = (text: string) => countTokens(text, { disallowedSpecial: new Set() });

const SAMPLES = {
  english: "The quick brown fox jumps over the lazy dog. It's 2026, and we'll see what they've done!\n\nNew paragraph.",
  code: 'export function add(a: number, b: number) {\n  return a + b; // sum\n}\n\n\tconst x = [1, 2, 3].map((n) => n * 2);\n',
  json: '{"city": "Paris", "units": "metric", "days": [1, 2, 3], "nested": {"deep": true}}',
  mixed: "Grüße 👋 — Ça va ✓ Δέλτα 日本語のテキスト、です。\r\n한국어 텍스트 🇫🇷 x\u0301",
  specials: "Text with <|endoftext|> and <|im_start|> markers in it",
  spaces: "a    b\n    \n\n   c   \t\t d" + " ".repeat(40) + "e",
};

/** Splits a text into deltas of varying sizes (surrogate pairs kept together). */
function deltas(text: string, seed: number): string[] {
  const chars = Array.from(text);
  const out: string[] = [];
  let i = 0;
  let s = seed;
  while (i < chars.length) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const n = 1 + (s % 9);
    out.push(chars.slice(i, i + n).join(""));
    i += n;
  }
  return out;
}

beforeAll(async () => {
  await loadTokenizer();
});

describe("countTextTokens", () => {
  it("is the o200k count of the text, special-token markers counted as text", async () => {
    for (const [name, text] of Object.entries(SAMPLES)) expect(await countTextTokens(text), name).toBe(whole(text));
    expect(await countTextTokens("")).toBe(0);
    expect(await countTextTokens("Hello from the mock LLM")).toBe(6);
  });

  it("counts a long text in chunks with the same result as in one piece", async () => {
    const text = Object.values(SAMPLES).join("\n").repeat(400);
    expect(text.length).toBeGreaterThan(100_000);
    expect(await countTextTokens(text)).toBe(whole(text));
  });

  it("counts a very long single pre-token in pieces: fast, and not below its count in one piece", async () => {
    const cjk = "日本語のテキストです".repeat(300); // one pre-token of 3,000 characters
    const letters = Array.from({ length: 3000 }, (_, i) => String.fromCharCode(97 + ((i * 7919) % 26))).join("");
    for (const text of [cjk, letters, "=".repeat(3000)]) {
      const n = await countTextTokens(text);
      expect(n).toBeGreaterThanOrEqual(whole(text));
      expect(n).toBeLessThanOrEqual(whole(text) + Math.ceil(text.length / 256) + 1);
    }
    // In one piece, BPE on 50,000 such characters takes half a minute; in pieces, a fraction of a second.
    const started = performance.now();
    expect(await countTextTokens("日本語のテキストです".repeat(5000))).toBeGreaterThanOrEqual(35_000);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe("TokenTally", () => {
  it("tallies a text that arrives in deltas to its count in one piece", async () => {
    for (const [name, text] of Object.entries(SAMPLES)) {
      for (const seed of [1, 2, 3]) {
        const tally = new TokenTally();
        for (const d of deltas(text, seed)) tally.add(d);
        expect(await tally.tokens(), `${name} ${seed}`).toBe(whole(text));
      }
    }
  });

  it("holds at most about 8 KB of a long text, and its tally is at least the count of the whole, at most 1 % over", async () => {
    const text = Object.values(SAMPLES).join(" ").repeat(300);
    for (const seed of [1, 2]) {
      const tally = new TokenTally();
      let most = 0;
      for (const d of deltas(text, seed)) {
        tally.add(d);
        most = Math.max(most, tally.heldChars);
      }
      const n = await tally.tokens();
      expect(most).toBeLessThanOrEqual(8192 + 9);
      expect(n).toBeGreaterThanOrEqual(whole(text));
      expect(n).toBeLessThanOrEqual(whole(text) * 1.01);
    }
  });

  it("holds a bounded amount of one endless pre-token too", async () => {
    const tally = new TokenTally();
    let most = 0;
    const piece = "日本語のテキストです";
    for (let i = 0; i < 5000; i++) {
      tally.add(piece);
      most = Math.max(most, tally.heldChars);
    }
    expect(most).toBeLessThan(8192 + piece.length);
    expect(await tally.tokens()).toBeGreaterThanOrEqual(35_000);
  });

  it("ignores empty and missing deltas", async () => {
    const tally = new TokenTally();
    tally.add("");
    tally.add(undefined);
    expect(await tally.tokens()).toBe(0);
  });
});

describe("estimateUsage", () => {
  const prompt = () => "You are brief.\nSay hi";

  it("takes the prompt's tokens when no input was reported, and the delivered text's tokens as output", async () => {
    expect(await estimateUsage(NO_USAGE, 7, prompt)).toEqual({ input: whole(prompt()), output: 7, cacheRead: 0, cacheWrite: 0 });
  });

  it("keeps the input and cache parts the upstream reported, and never bills less output than it reported", async () => {
    const reported = { input: 2105, output: 1, cacheRead: 2000, cacheWrite: 100 };
    expect(await estimateUsage(reported, 9, prompt)).toEqual({ ...reported, output: 9 });
    expect(await estimateUsage({ ...reported, output: 30 }, 9, prompt)).toEqual({ ...reported, output: 30 });
  });
});
