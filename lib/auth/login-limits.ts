import "server-only";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { DomainError } from "@/lib/errors";
import { countersFor, take as takeCount } from "./counters";

// Sign-in throttling. Every attempt is counted *before* its password is compared, by an atomic
// consume (Valkey shares the counts between instances; in process without it), so N parallel guesses
// never get more comparisons than the limits allow; a success gives its points back. Three counters:
//
//   PAIR   per (username, client IP): 5 attempts per 15 minutes, then refused until the window ends.
//          This is what stops one attacker guessing one account.
//   IP     per client IP: 50 attempts per 15 minutes, whatever the usernames.
//   USER   per username from all addresses: 10 attempts per 15 minutes freely; past those, one
//          attempt per slot, the slot 1 s, then 2 s, 4 s … doubling to 30 s. A slowdown, never a
//          lockout: an attack from elsewhere cannot keep the account's owner out for longer than the
//          slot (the slot is a key that lives for the delay: whoever creates it gets the attempt).
//
// The client IP is the one the server stamped (lib/auth/client-ip); usernames are counted trimmed and
// lower-cased, as they are looked up.
//
// With Valkey the counts are shared by every instance, and there is no silent second budget: a
// command that fails while Valkey is connected (e.g. a timeout under load) refuses that attempt for a
// second; only while Valkey is unreachable does each instance count in process, so sign-in keeps
// working through an outage with the same limits per instance.

const WINDOW = 15 * 60;
export const LOGIN_LIMITS = {
  pair: { keyPrefix: "login:pair", points: 5, duration: WINDOW },
  ip: { keyPrefix: "login:ip", points: 50, duration: WINDOW },
  user: { keyPrefix: "login:user", points: 10, duration: WINDOW },
  /** The slot after the n-th attempt beyond the free ones: 1 s, doubling, at most 30 s. */
  slowdownSeconds: (beyond: number) => Math.min(30, 2 ** (beyond - 1)),
};

const SLOW = { keyPrefix: "login:slow", points: 1, duration: 30 };
const limiters = () => countersFor("login-limits", { pair: LOGIN_LIMITS.pair, ip: LOGIN_LIMITS.ip, user: LOGIN_LIMITS.user, slow: SLOW });
type Counter = ReturnType<typeof limiters>["ip"];

export const normaliseUsername = (username: string) => username.trim().toLowerCase();

/** An attempt on a counter; a count that could not be taken while Valkey is connected refuses it for a second. */
const take = (counter: Counter, key: string, durationSeconds?: number) => takeCount(counter, key, { label: "login-limits", failWaitMs: 1000, durationSeconds });

export type Admission = { admitted: true; succeeded: () => Promise<void> } | { admitted: false; retryAfterSeconds: number };

/** Counts one attempt for (username, ip) and says whether its password may be compared now. */
export async function admitLogin(rawUsername: string, ip: string): Promise<Admission> {
  const username = normaliseUsername(rawUsername);
  const l = limiters();
  const refuse = (waitMs: number): Admission => ({ admitted: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) });

  const byIp = await take(l.ip, ip);
  if (!byIp.ok) return refuse(byIp.waitMs);
  const pairKey = `${username}|${ip}`;
  const byPair = await take(l.pair, pairKey);
  if (!byPair.ok) return refuse(byPair.waitMs);
  // The per-username counter never refuses by itself: past its free attempts, an attempt needs the
  // account's slot, which lasts longer with every attempt counted.
  const byUser = await take(l.user, username);
  const beyond = byUser.consumed - LOGIN_LIMITS.user.points;
  if (beyond > 0) {
    const slot = await take(l.slow, username, LOGIN_LIMITS.slowdownSeconds(beyond));
    if (!slot.ok) return refuse(slot.waitMs);
  }

  return {
    admitted: true,
    succeeded: async () => {
      // The right password: this attempt does not count, and the account's slowdown ends.
      const both = (c: Counter, fn: (l: RateLimiterAbstract) => Promise<unknown>) => [fn(c.shared), fn(c.local)];
      await Promise.allSettled([
        ...both(l.ip, (x) => x.reward(ip, 1)),
        ...both(l.pair, (x) => x.delete(pairKey)),
        ...both(l.user, (x) => x.delete(username)),
        ...both(l.slow, (x) => x.delete(username)),
      ]);
    },
  };
}

/** The refusal's wording, the same whoever the username belongs to (or not). */
export function tooManyAttempts(retryAfterSeconds: number, what = "failed sign-ins"): string {
  const wait = retryAfterSeconds < 60 ? `${retryAfterSeconds} second${retryAfterSeconds === 1 ? "" : "s"}` : `${Math.ceil(retryAfterSeconds / 60)} minute(s)`;
  return `Too many ${what}. Try again in ${wait}.`;
}

/**
 * A signed-in form's current-password check (e-mail or password change), counted on the sign-in
 * counters: whoever holds a stolen session guesses no faster there than at the sign-in page, and the
 * guesses of both add up. `check` throws a DomainError at "current" for a wrong password (the attempt
 * stays counted); a right one gives its points back, as a sign-in does, whatever else `check` decides.
 */
export async function countedPasswordCheck<T>(username: string, ip: string, check: () => Promise<T>): Promise<T> {
  const admission = await admitLogin(username, ip);
  if (!admission.admitted) throw DomainError.field("current", tooManyAttempts(admission.retryAfterSeconds, "wrong passwords"));
  try {
    const result = await check();
    await admission.succeeded();
    return result;
  } catch (e) {
    if (!(e instanceof DomainError && e.fieldErrors?.current)) await admission.succeeded();
    throw e;
  }
}
