import type { BudgetStatus, WindowStatus } from "./status";

// "At the current rate": when the tightest limited window would run out if the user went on spending
// as fast as over the last RATE_HOURS hours. The rate is the tokens (input + output) of the ledger in
// [now − RATE_HOURS h, now) divided by RATE_HOURS — an average over a whole day, so a burst a minute ago
// and a quiet night weigh the same; the forecast is a hint, not a limit. A window runs out at
// now + remaining / rate; one whose reset comes first does not run out at this rate.

/** The hours the rate is averaged over. */
export const RATE_HOURS = 24;

export type Forecast =
  | { kind: "unlimited" }
  /** A window's limit is already used up. */
  | { kind: "reached"; window: WindowStatus }
  /** The tightest window runs out at `at` (ISO), before its reset. */
  | { kind: "runs-out"; window: WindowStatus; at: string }
  /** Nothing runs out before it resets at this rate (or nothing was used lately). */
  | { kind: "not-at-this-rate" };

export function forecast(status: BudgetStatus, recentTokens: number, now: Date, hours = RATE_HOURS): Forecast {
  const limited = status.windows.filter((w) => w.limit !== null);
  if (!limited.length) return { kind: "unlimited" };
  const spent = limited.find((w) => w.remaining === 0);
  if (spent) return { kind: "reached", window: spent };
  const perMs = recentTokens / (hours * 3_600_000);
  if (perMs <= 0) return { kind: "not-at-this-rate" };
  let best: { window: WindowStatus; at: number } | undefined;
  for (const w of limited) {
    const at = now.getTime() + w.remaining! / perMs;
    if (w.resetsAt !== null && at >= Date.parse(w.resetsAt)) continue;
    if (!best || at < best.at) best = { window: w, at };
  }
  return best ? { kind: "runs-out", window: best.window, at: new Date(best.at).toISOString() } : { kind: "not-at-this-rate" };
}
