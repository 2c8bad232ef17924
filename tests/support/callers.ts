import { expect } from "vitest";
import type { App } from "./app";
import type { Session } from "./http";

/** Who calls, as the options `callAction` takes: a session cookie and extra headers. */
export type CallerOptions = { session?: Session; headers?: Record<string, string> };
export type Caller = { who: string; opts: () => CallerOptions };

/**
 * Everyone who must be refused an admin page or action: no session, a signed-in non-admin, a suspended
 * admin's session from before the suspension, and Next's middleware-bypass header
 * (`x-middleware-subrequest`, CVE-2025-29927) with and without a non-admin session. The sessions are
 * read when the test runs, so a beforeAll may set them up.
 */
export function refusedCallers(ctx: { nonAdmin: () => Session; suspendedAdmin: () => Session }): Caller[] {
  return [
    { who: "no session", opts: () => ({}) },
    { who: "a non-admin session", opts: () => ({ session: ctx.nonAdmin() }) },
    { who: "a suspended admin's old session", opts: () => ({ session: ctx.suspendedAdmin() }) },
    { who: "the middleware-bypass header without a session", opts: () => ({ headers: { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" } }) },
    { who: "the middleware-bypass header with a non-admin session", opts: () => ({ session: ctx.nonAdmin(), headers: { "x-middleware-subrequest": "middleware" } }) },
  ];
}

/** Every caller asking for the page is redirected away from it: to /login, or to the user portal. */
export async function expectPageRefused(app: App, page: string, callers: Caller[]) {
  for (const { who, opts } of callers) {
    const c = opts();
    const res = await fetch(app.url + page, { headers: { ...(c.session ? { cookie: c.session.cookie } : {}), ...c.headers }, redirect: "manual" });
    expect(res.status, `${page} for ${who}`).toBe(307);
    expect(res.headers.get("location"), `${page} for ${who}`).toMatch(/\/(login|user\/dashboard)(\?|$)/);
  }
}
