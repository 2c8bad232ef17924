import type { Ask, Standing } from "./types";

// The admission rule, in one place for the SQLite store (the Valkey store runs the same rule inside
// its Lua script, where it must be atomic): every limited window must hold the call's upper bound on
// top of what is used and reserved; the output cap shrinks to what is left when only that does not
// fit; below the call's minimum cap it is refused, naming the tightest window.

export type Decision = { ok: true; cap: number | undefined; amount: number } | { ok: false; short: number };

/** `used[i]` is window i's settled tokens; `reserved` the user's reservations in flight. */
export function decide(ask: Ask, used: number[], reserved: number): Decision {
  let left = Infinity;
  let tightest = -1;
  ask.windows.forEach((w, i) => {
    if (w.limit === null) return;
    const l = w.limit - used[i] - reserved;
    if (l < left) [left, tightest] = [l, i];
  });
  if (!ask.reserve || tightest < 0) return { ok: true, cap: undefined, amount: 0 };
  const cap = Math.min(ask.wantedCap, Math.floor((left - ask.inputBound) / ask.n));
  if (cap < ask.minCap) return { ok: false, short: tightest };
  return { ok: true, cap, amount: ask.inputBound + cap * ask.n };
}

export const standing = (ask: Pick<Ask, "windows">, used: number[]): Standing[] =>
  ask.windows.map((w, i) => ({ kind: w.kind, used: used[i], limit: w.limit, resetsAt: w.resetsAt }));
