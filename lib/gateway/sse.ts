import type { StreamTranslator } from "@/lib/translate";
import { TokenTally } from "./estimate";
import { NO_USAGE, type StyleAdapter, type Usage } from "./styles";

/**
 * Reads a Server-Sent Events stream as it passes through: finds the upstream's usage report in the
 * events that carry one, tallies the tokens of the text the events deliver (for the estimate when no
 * final report comes), and (when `strip` is set) drops the usage-only event that the client did not
 * ask for. Without `strip`, bytes go out exactly as they came in, chunk by chunk; with it, each
 * complete event goes out as soon as it is complete. With a `translator` (a call to an endpoint of the
 * other API style), each complete event goes out translated into the client's style. Nothing is held
 * back beyond an incomplete event (and what the translator must hold to write its own events).
 */
export class SseMeter {
  usage: Usage = NO_USAGE;
  /** Some usage was reported (perhaps only the start of it). */
  sawUsage = false;
  /** The stream's final usage report came: `usage` is the upstream's own count, nothing to estimate. */
  finalUsage = false;
  /** The tokens of the text the events delivered (bounded in memory, ./estimate). */
  readonly delivered = new TokenTally();
  private decoder = new TextDecoder();
  private encoder = new TextEncoder();
  private buffer = "";

  constructor(
    private adapter: StyleAdapter,
    private strip: boolean,
    private translator?: StreamTranslator,
  ) {}

  /** Feeds an upstream chunk; returns what to send to the client now. */
  push(chunk: Uint8Array): Uint8Array | undefined {
    this.buffer += this.decoder.decode(chunk, { stream: true });
    const events = this.takeEvents();
    if (this.translator) return this.translated(events, "");
    if (!this.strip) {
      for (const e of events) this.inspect(e);
      return chunk;
    }
    const kept = events.filter((e) => !this.inspect(e));
    return kept.length ? this.encoder.encode(kept.map((e) => e + "\n\n").join("")) : undefined;
  }

  /** The end of the stream: anything left over (an unterminated last event), and a translated stream's closing events. */
  finish(): Uint8Array | undefined {
    this.buffer += this.decoder.decode();
    const rest = this.buffer;
    this.buffer = "";
    if (this.translator) return this.translated(rest.trim() ? [rest] : [], this.translator.end());
    if (!rest.trim()) return undefined;
    const dropped = this.inspect(rest);
    return this.strip && !dropped ? this.encoder.encode(rest) : undefined;
  }

  private takeEvents(): string[] {
    const events: string[] = [];
    let boundary: RegExpExecArray | null;
    const re = /\r?\n\r?\n/g;
    let start = 0;
    while ((boundary = re.exec(this.buffer))) {
      events.push(this.buffer.slice(start, boundary.index));
      start = boundary.index + boundary[0].length;
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  /** The client's text for these upstream events, then `tail`. */
  private translated(events: string[], tail: string): Uint8Array | undefined {
    let out = "";
    for (const e of events) {
      const json = this.parse(e);
      if (!json) continue;
      this.inspect(e, json);
      out += this.translator!.push(json);
    }
    out += tail;
    return out ? this.encoder.encode(out) : undefined;
  }

  /** An event's data as a JSON object; undefined for `[DONE]`, comments and anything else. */
  private parse(event: string): Record<string, unknown> | undefined {
    const data = dataOf(event);
    if (!data || data === "[DONE]") return undefined;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return undefined;
    }
    return json && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  }

  /** Reads an event's usage and delivered text; true when the event is to be dropped. */
  private inspect(event: string, parsed?: Record<string, unknown>): boolean {
    const json = parsed ?? this.parse(event);
    if (!json) return false;
    const usage = this.adapter.usageOfEvent(json, this.usage);
    if (usage) {
      this.usage = usage;
      this.sawUsage = true;
      if (this.adapter.isFinalUsageEvent(json)) this.finalUsage = true;
    }
    if (this.strip && this.adapter.isUsageOnlyEvent(json)) return true;
    this.delivered.add(this.adapter.deliveredText(json));
    return false;
  }
}

/** The data of an SSE event: its `data:` lines joined. Every event is read, so the usual one-line case is quick. */
function dataOf(event: string): string {
  const at = event.startsWith("data:") ? 0 : event.indexOf("\ndata:") + 1;
  if (at === 0 && !event.startsWith("data:")) return "";
  const end = event.indexOf("\n", at);
  if (end === -1 || end === event.length - 1 || (end === event.length - 2 && event.endsWith("\r"))) return event.slice(at + 5, end === -1 ? undefined : end).trim();
  return event
    .split(/\r?\n/)
    .filter((l) => l.startsWith("data:"))
    .map((l) => l.slice(5).trimStart())
    .join("\n");
}
