// The reservations this process holds: from admission to settlement. A reservation is a lease: it
// lapses LEASE_MS after it was last renewed, so a process that dies (and stops renewing) frees what it
// held, while a long stream keeps its reservation for as long as it runs.

export const LEASE_MS = 30_000;

export type Held = { userId: string; amount: number };

export class InFlight {
  readonly held = new Map<string, Held>();
  private timer: NodeJS.Timeout | undefined;

  /** `renew` is called every `everyMs` while anything is held (its errors are its own to handle). */
  constructor(
    private renew: (held: Map<string, Held>) => Promise<void>,
    private everyMs: number,
  ) {}

  add(requestId: string, h: Held) {
    this.held.set(requestId, h);
    this.timer ??= setInterval(() => {
      if (this.held.size === 0) return this.stop();
      void this.renew(this.held).catch(() => undefined);
    }, this.everyMs).unref();
  }

  delete(requestId: string) {
    this.held.delete(requestId);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

export const leaseEnd = (now = Date.now()) => now + LEASE_MS;
