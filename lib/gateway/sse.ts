import type { StyleAdapter, Usage } from "./styles";

const USAGE = /"usage"\s*:\s*\{/;

/**
 * Reads a Server-Sent Events stream as it passes through: finds the upstream's usage report in the
 * events that carry one, and (when `strip` is set) drops the usage-only event that the client did not
 * ask for. Without `strip`, bytes go out exactly as they came in, chunk by chunk.
 */
export class SseMeter {
  usage: Usage = { input: 0, output: 0 };
  sawUsage = false;
  private decoder = new TextDecoder();
  private encoder = new TextEncoder();
  private buffer = "";

  constructor(
    private adapter: StyleAdapter,
    private strip: boolean,
  ) {}

  /** Feeds an upstream chunk; returns what to send to the client now. */
  push(chunk: Uint8Array): Uint8Array | undefined {
    this.buffer += this.decoder.decode(chunk, { stream: true });
    const events = this.takeEvents();
    if (!this.strip) {
      for (const e of events) this.inspect(e);
      return chunk;
    }
    const kept = events.filter((e) => !this.inspect(e));
    return kept.length ? this.encoder.encode(kept.map((e) => e + "\n\n").join("")) : undefined;
  }

  /** The end of the stream: anything left over (an unterminated last event). */
  finish(): Uint8Array | undefined {
    this.buffer += this.decoder.decode();
    const rest = this.buffer;
    this.buffer = "";
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

  /** Reads an event's usage; true when the event is to be dropped. */
  private inspect(event: string): boolean {
    if (!USAGE.test(event)) return false;
    const data = event
      .split(/\r?\n/)
      .filter((l) => l.startsWith("data:"))
      .map((l) => l.slice(5).trimStart())
      .join("\n");
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(data);
    } catch {
      return false;
    }
    const usage = this.adapter.usageOfEvent(json, this.usage);
    if (usage) {
      this.usage = usage;
      this.sawUsage = true;
    }
    return this.strip && this.adapter.isUsageOnlyEvent(json);
  }
}
