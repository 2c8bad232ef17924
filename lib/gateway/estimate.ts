import { O200K_TOKEN_SPLIT_REGEX } from "gpt-tokenizer/encodingParams/constants";
import type { Usage } from "./styles";

// Token counts for the calls whose upstream never reported its usage (the client went away, the
// stream broke off, the upstream sent no report): the ledger bills an estimate instead, marked as one.
//
// The count is OpenAI's o200k BPE (gpt-tokenizer). It is exact for OpenAI's current models and a fair
// estimate for the others: other vendors' tokenizers are of the same kind and size, and they differ by
// a few per cent either way. Nothing here is on the path of a call whose usage was reported, except
// TokenTally.add() (a string append, and a count every FLUSH_CHARS characters of a long stream).

type Counter = (text: string) => number;

// The encoder's tables are a few MB of JavaScript and take a few hundred ms to load: they are loaded
// on the first estimate, not with the gateway.
let loading: Promise<Counter> | undefined;
let counter: Counter | undefined;

// Special-token markers such as <|endoftext|> in a text are counted as the plain text they are.
const AS_TEXT = { disallowedSpecial: new Set<string>() };

/** The encoder, loaded once; later calls get the same promise. */
export function loadTokenizer(): Promise<Counter> {
  loading ??= import("gpt-tokenizer/encoding/o200k_base").then(
    (m) => (counter = (text: string) => m.countTokens(text, AS_TEXT)),
    (e) => {
      loading = undefined;
      throw e;
    },
  );
  return loading;
}

// BPE is quadratic in the length of one pre-token (a word, or a run of CJK characters or of random
// letters: 50,000 such characters cost 30 s in one piece). A pre-token longer than MAX_PIECE is counted
// in pieces of MAX_PIECE characters, one token added for each cut: no single BPE step takes long,
// and the count stays at or above the count in one piece (pieces of 256 give the same count as the
// whole for CJK text and random letters; the added token covers a token that would have spanned a cut).
const MAX_PIECE = 256;
// Text is handed to the encoder in chunks of about this size, cut between pre-tokens (where the count
// of the whole is the sum of the counts of the parts); the async count yields to other calls between chunks.
const CHUNK = 16_384;

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** `at`, moved back by one when it would split a surrogate pair. */
const safeCut = (text: string, at: number) => (at > 0 && at < text.length && isHighSurrogate(text.charCodeAt(at - 1)) ? at - 1 : at);

/** The pieces to count one at a time: chunks of whole pre-tokens, and long pre-tokens in pieces. */
function* pieces(text: string): Generator<{ text: string; cut: boolean }> {
  let start = 0;
  let end = 0;
  for (const m of text.matchAll(O200K_TOKEN_SPLIT_REGEX)) {
    const mStart = m.index;
    const mEnd = mStart + m[0].length;
    if (m[0].length > MAX_PIECE) {
      if (end > start) yield { text: text.slice(start, end), cut: false };
      let at = mStart;
      while (at < mEnd) {
        const next = mEnd - at > MAX_PIECE ? safeCut(text, at + MAX_PIECE) : mEnd;
        yield { text: text.slice(at, next), cut: next < mEnd };
        at = next;
      }
      start = end = mEnd;
      continue;
    }
    if (mEnd - start > CHUNK && end > start) {
      yield { text: text.slice(start, end), cut: false };
      start = end;
    }
    end = mEnd;
  }
  if (end > start) yield { text: text.slice(start, end), cut: false };
}

function countWith(count: Counter, text: string): number {
  let n = 0;
  for (const p of pieces(text)) n += count(p.text) + (p.cut ? 1 : 0);
  return n;
}

/** Tokens of a text (o200k), counted in pieces that yield to the event loop between them. */
export async function countTextTokens(text: string): Promise<number> {
  if (!text) return 0;
  const count = await loadTokenizer();
  let n = 0;
  let since = 0;
  for (const p of pieces(text)) {
    n += count(p.text) + (p.cut ? 1 : 0);
    since += p.text.length;
    if (since >= CHUNK) {
      since = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return n;
}

// A tally holds at most about this much text: past it, the part that can no longer change is counted
// and dropped. A stream's text is never kept whole.
const FLUSH_CHARS = 8192;
// The last pre-tokens of the held text may still grow with the next delta (a word, a contraction's
// 'll, the whitespace before a line break): what ends in the last LOOKAHEAD characters stays held.
const LOOKAHEAD = 4;
// A held tail longer than this is one long pre-token; it is counted in pieces like any other.
const MAX_TAIL = 1024;

/**
 * The tokens of a text that arrives in pieces (the deltas of a stream), in bounded memory: it holds
 * at most about FLUSH_CHARS characters, the rest is a count. Each time held text is counted and
 * dropped, one token is added, so a pre-token that spanned the cut is never under-counted: the
 * tally is at least the count of the whole text in one piece, and at most a token per 8 KB over it.
 */
export class TokenTally {
  private counted = 0;
  private held = "";

  add(text: string | undefined) {
    if (!text) return;
    this.held += text;
    if (this.held.length >= FLUSH_CHARS) this.flush();
  }

  /** The characters held right now (for tests of the bound). */
  get heldChars() {
    return this.held.length;
  }

  private flush() {
    if (!counter) {
      // Not loaded yet (the first long stream since start): keep holding until it is, a moment later.
      void loadTokenizer().catch((e) => console.error("[gateway] tokenizer failed to load:", e));
      return;
    }
    const text = this.held;
    let cut = 0;
    for (const m of text.matchAll(O200K_TOKEN_SPLIT_REGEX)) {
      const end = m.index + m[0].length;
      if (end > text.length - LOOKAHEAD) break;
      cut = end;
    }
    if (text.length - cut > MAX_TAIL) cut = safeCut(text, text.length - MAX_PIECE);
    if (cut === 0) return;
    this.counted += countWith(counter, text.slice(0, cut)) + 1;
    this.held = text.slice(cut);
  }

  /** The tokens of all the text added so far. */
  async tokens(): Promise<number> {
    return this.counted + (await countTextTokens(this.held));
  }
}

/**
 * The usage billed for a call whose report never came: the input the upstream reported, else the
 * prompt's tokens; the output the upstream reported so far or the tokens of the text delivered,
 * whichever is more; the cache parts as reported.
 */
export async function estimateUsage(reported: Usage, deliveredTokens: number, promptText: () => string): Promise<Usage> {
  const input = reported.input > 0 ? reported.input : await countTextTokens(promptText());
  return { ...reported, input, output: Math.max(reported.output, deliveredTokens) };
}
