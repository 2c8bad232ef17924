import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs, signedInAdmin } from "../support/admin";
import { startApp, type App } from "../support/app";
import { csrfOf, loginOrThrow, signInAttempt, type SignInAnswer } from "../support/http";
import { startMockLlm, type MockLlm } from "../support/mock-llm";
import { unique } from "../support/names";

/**
 * Password hashing off the event loop, against the built app with bcrypt at its deployed cost (12):
 * gateway calls keep answering while sign-ins with wrong passwords run without pause, and sign-ins
 * past the hashing pool's slots are refused at once with 503 and retry-after. (How much the load costs
 * the gateway is measured by `npm run bench`, not asserted here.)
 */
const GENERIC = "Invalid username or password.";
const BUSY = "Too many sign-ins at this moment. Please try again in a few seconds.";
const ADMIN_PASSWORD = "Adm1n-load-password";

let app: App;
let mock: MockLlm;
let key: string;
let known: string;

// Each attempt from an address of its own, so that the per-address sign-in limit (50 failures) does
// not cut the bcrypt work short; the unknown usernames are new each time for the per-username one.
let ips = 0;
const nextIp = () => `10.${(++ips >> 16) & 255}.${(ips >> 8) & 255}.${ips & 255}`;

/** `n` loops of sign-ins with wrong passwords, without pause, alternately for unknown users and a known one. */
function badSignIns(n: number) {
  let running = true;
  const answers: (SignInAnswer & { username: string })[] = [];
  const loops = Array.from({ length: n }, async (_, i) => {
    const csrf = await csrfOf(app.url); // one token per client serves all its attempts, as an attacker would use it
    while (running) {
      const username = i % 2 ? known : unique("ghost");
      answers.push({ username, ...(await signInAttempt(app.url, username, "wrong-password", { csrf, headers: { "x-forwarded-for": nextIp() } })) });
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return answers;
    },
  };
}

beforeAll(async () => {
  mock = await startMockLlm({ chunkDelayMs: 0 });
  // TRUST_PROXY: the test speaks from many addresses (each attempt its own x-forwarded-for), so that
  // no sign-in limit cuts the bcrypt work short.
  app = await startApp({ smtp: false, env: { BCRYPT_COST: "12", TRUST_PROXY: "1" } });
  const admin = await signedInAdmin(app, ADMIN_PASSWORD);
  known = unique("known");
  key = await createKeyAs(app, admin, await createUserAs(app, admin, known), "load test");
  await createEndpointAs(app, admin, { name: "mock-oa", baseUrl: `${mock.url}/v1`, models: ["mock-gpt"] });
});
afterAll(async () => {
  await app?.stop();
  await mock?.stop();
});

describe("sign-ins under load (bcrypt cost 12, in the hashing pool)", () => {
  it("keeps the gateway answering, every call within 5 s, while 16 sign-ins with wrong passwords run without pause", async () => {
    const flood = badSignIns(16);
    const calls: { status: number; ms: number }[] = [];
    const until = Date.now() + 8000;
    while (Date.now() < until) {
      const t = performance.now();
      const res = await fetch(`${app.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "mock-gpt", messages: [{ role: "user", content: "Still there?" }] }),
      });
      await res.text();
      calls.push({ status: res.status, ms: performance.now() - t });
    }
    const answers = await flood.stop();

    expect(calls.length).toBeGreaterThan(10);
    expect(calls.filter((c) => c.status !== 200)).toEqual([]);
    expect(Math.max(...calls.map((c) => c.ms))).toBeLessThan(5000);
    // The load was real: unknown users' sign-ins were compared with bcrypt (the generic answer) or
    // refused for want of a slot, never cut short by a limit; the known user's end at their own limit.
    const unknown = answers.filter((a) => a.username !== known);
    expect(new Set(unknown.map((a) => a.error))).toEqual(new Set([GENERIC, BUSY]));
    for (const a of answers.filter((a) => a.username === known)) expect(a.error).toMatch(/^(Invalid username or password\.|Too many sign-ins at this moment|Too many failed sign-ins)/);
    expect(answers.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([]);
  });

  it("answers a flood beyond the pool's slots with 503 and retry-after at once, and gives the slots back", async () => {
    const csrf = await csrfOf(app.url);
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => signInAttempt(app.url, unique("ghost"), "wrong-password", { csrf, headers: { "x-forwarded-for": nextIp() } })),
    );
    const refused = answers.filter((a) => a.status === 503);
    const admitted = answers.filter((a) => a.status !== 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(admitted.length).toBeGreaterThan(0);
    for (const a of refused) {
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(a.error).toBe(BUSY); // what the login form shows
    }
    for (const a of admitted) expect(a.error).toBe(GENERIC);
    // Every slot came back: a right password signs in at once.
    await loginOrThrow(app.url, "admin", ADMIN_PASSWORD);
  });
});
