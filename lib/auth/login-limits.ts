import "server-only";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { cache, type Cache } from "@/lib/cache";
import { shared } from "@/lib/shared";

// Failed sign-ins are limited per username and per client IP, in the cache (Valkey shares the counts
// between instances). Only failures count; a success clears the username's count.
const PER_USERNAME = { keyPrefix: "login:user", points: 10, duration: 15 * 60, blockDuration: 15 * 60 };
const PER_IP = { keyPrefix: "login:ip", points: 50, duration: 15 * 60, blockDuration: 15 * 60 };

type Limiters = { user: RateLimiterAbstract; ip: RateLimiterAbstract };

/** The limiters over the current cache (a closed and reopened cache gets new ones). */
function limiters(): Limiters {
  const byCache = shared("login-limits", () => new WeakMap<Cache, Limiters>());
  const c = cache();
  let found = byCache.get(c);
  if (!found) byCache.set(c, (found = { user: c.limiter(PER_USERNAME), ip: c.limiter(PER_IP) }));
  return found;
}

/** Seconds until the next attempt is allowed, or 0 when it is allowed now. */
export async function loginBlockedFor(username: string, ip: string): Promise<number> {
  const { user, ip: byIp } = limiters();
  const [u, i] = await Promise.all([user.get(username), byIp.get(ip)]).catch(() => [null, null]);
  const waits = [
    u && u.consumedPoints >= PER_USERNAME.points ? u.msBeforeNext : 0,
    i && i.consumedPoints >= PER_IP.points ? i.msBeforeNext : 0,
  ];
  return Math.ceil(Math.max(...waits) / 1000);
}

export async function recordLoginFailure(username: string, ip: string) {
  const { user, ip: byIp } = limiters();
  // consume() rejects once the limit is passed; that is the expected outcome here, not an error.
  await Promise.allSettled([user.consume(username), byIp.consume(ip)]);
}

export async function recordLoginSuccess(username: string) {
  await limiters().user.delete(username).catch(() => undefined);
}
