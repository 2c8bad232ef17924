import { describe, expect, it } from "vitest";
import { resolveClientIp } from "@/lib/auth/client-ip";
import { sameSitePath } from "@/lib/auth/redirects";
import { parseConfig } from "@/lib/config";
import { claimsOf, endedByTime, needsRefresh } from "@/lib/sessions/policy";

const APP = "https://gate.example.com";

describe("redirect targets", () => {
  it("keeps paths of this site, with their query and fragment", () => {
    expect(sameSitePath("/users?role=admin#top", APP)).toBe("/users?role=admin#top");
    expect(sameSitePath("https://gate.example.com/endpoints", APP)).toBe("/endpoints");
    expect(sameSitePath("users", APP)).toBe("/users");
  });

  it("refuses everything that leaves the site, however it is spelled", () => {
    for (const target of ["//evil.example", "/\\evil.example", "\\\\evil.example", "/\t/evil.example", "/\n/evil.example", " //evil.example", "https://evil.example", "http://gate.example.com/", "https://gate.example.com:444/", "javascript:alert(1)", "data:text/html,x", "https://gate.example.com@evil.example/"]) {
      expect(sameSitePath(target, APP), JSON.stringify(target)).toBeUndefined();
    }
  });

  it("ignores what is not a URL or not text", () => {
    for (const target of ["", "http://[::1", undefined, null, 42, ["/users"], { href: "/users" }]) expect(sameSitePath(target, APP)).toBeUndefined();
  });
});

describe("session lifetimes, with the clock given", () => {
  const limits = { idleSeconds: 2 * 3600, maxSeconds: 12 * 3600 };
  const signedIn = 1_800_000_000;

  it("runs until the idle timeout from the last request and the absolute lifetime from sign-in", () => {
    expect(endedByTime({ sat: signedIn, seen: signedIn }, limits, signedIn + 60)).toBeNull();
    expect(endedByTime({ sat: signedIn, seen: signedIn }, limits, signedIn + 2 * 3600)).toBe("idle");
    expect(endedByTime({ sat: signedIn, seen: signedIn + 11 * 3600 }, limits, signedIn + 11.5 * 3600)).toBeNull();
    // Seen a second ago, but signed in 12 hours ago: over, whatever refreshed it.
    expect(endedByTime({ sat: signedIn, seen: signedIn + 12 * 3600 - 1 }, limits, signedIn + 12 * 3600)).toBe("expired");
  });

  it("refreshes the last-seen time only after five minutes", () => {
    expect(needsRefresh({ seen: signedIn }, signedIn + 299)).toBe(false);
    expect(needsRefresh({ seen: signedIn }, signedIn + 300)).toBe(true);
  });

  it("reads a token's claims only when all of them are there", () => {
    const full = { uid: "u", sv: 1, role: "user", sid: "s", sat: 1, seen: 2 };
    expect(claimsOf({ ...full, name: "x", exp: 9 })).toEqual(full);
    for (const missing of ["uid", "sv", "role", "sid", "sat", "seen"]) {
      const partial: Record<string, unknown> = { ...full };
      delete partial[missing];
      expect(claimsOf(partial), missing).toBeNull();
    }
    expect(claimsOf({ ...full, sat: "1" })).toBeNull();
    expect(claimsOf(null)).toBeNull();
  });
});

describe("the client address", () => {
  const request = (socket: string, forwardedFor?: string) => ({ socket: { remoteAddress: socket }, headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {} }) as Parameters<typeof resolveClientIp>[0];

  it("is the socket's address unless a proxy is trusted", () => {
    expect(resolveClientIp(request("203.0.113.5", "198.51.100.1"), undefined)).toBe("203.0.113.5");
  });

  it("believes as many hops as TRUST_PROXY says, from the right", () => {
    expect(resolveClientIp(request("10.0.0.2", "198.51.100.1"), { hops: 1 })).toBe("198.51.100.1");
    expect(resolveClientIp(request("10.0.0.2", "1.1.1.1, 198.51.100.1, 10.0.0.9"), { hops: 1 })).toBe("10.0.0.9");
    expect(resolveClientIp(request("10.0.0.2", "1.1.1.1, 198.51.100.1, 10.0.0.9"), { hops: 2 })).toBe("198.51.100.1");
  });

  it("believes listed proxies only, and only entries that are IP addresses", () => {
    const trust = { addresses: ["10.0.0.0/8"] };
    expect(resolveClientIp(request("10.0.0.2", "198.51.100.1, 10.1.2.3"), trust)).toBe("198.51.100.1");
    expect(resolveClientIp(request("203.0.113.5", "198.51.100.1"), trust)).toBe("203.0.113.5"); // not from a listed proxy
    expect(resolveClientIp(request("10.0.0.2", "not-an-address"), trust)).toBe("10.0.0.2");
  });
});

describe("configuration of sessions and proxies", () => {
  const base = { DATABASE_URL: "file:/tmp/tollgate-unit-config/t.db", AUTH_SECRET: "s" };

  it("reads TRUST_PROXY as hops or addresses, and refuses anything else with one line", () => {
    expect(parseConfig(base).trustProxy).toBeUndefined();
    expect(parseConfig({ ...base, TRUST_PROXY: "2" }).trustProxy).toEqual({ hops: 2 });
    expect(parseConfig({ ...base, TRUST_PROXY: "10.0.0.0/8, loopback" }).trustProxy).toEqual({ addresses: ["10.0.0.0/8", "loopback"] });
    expect(parseConfig({ ...base, TRUST_PROXY: "false" }).trustProxy).toBeUndefined();
    expect(() => parseConfig({ ...base, TRUST_PROXY: "everyone" })).toThrow(/^Invalid configuration: TRUST_PROXY /);
  });

  it("sets session lifetimes in minutes and hours, 2 h idle and 12 h absolute by default", () => {
    expect(parseConfig(base).session).toEqual({ idleSeconds: 7200, maxSeconds: 43200 });
    expect(parseConfig({ ...base, SESSION_IDLE_MINUTES: "30", SESSION_MAX_HOURS: "8" }).session).toEqual({ idleSeconds: 1800, maxSeconds: 28800 });
    expect(() => parseConfig({ ...base, SESSION_IDLE_MINUTES: "0" })).toThrow(/^Invalid configuration: SESSION_IDLE_MINUTES /);
  });
});
