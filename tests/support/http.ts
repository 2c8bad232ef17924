import { readFileSync } from "node:fs";
import path from "node:path";

// Talks to the running app as a client would: next-auth's sign-in endpoints for a session cookie, and
// server actions posted straight to their endpoint, the way any script (or attacker) can.

export type Session = { cookie: string };

function cookiesFrom(res: Response): string[] {
  return res.headers.getSetCookie().map((c) => c.split(";")[0]);
}

/** A csrf token and the cookie that goes with it: what a sign-in posts. One pair serves many attempts. */
export async function csrfOf(url: string, headers?: Record<string, string>): Promise<{ csrfToken: string; cookie: string }> {
  const res = await fetch(`${url}/api/auth/csrf`, { headers });
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { csrfToken, cookie: cookiesFrom(res).join("; ") };
}

/** What one sign-in got: a session, or the error the login form would show; the status and retry-after too. */
export type SignInAnswer = { status: number; retryAfter: string | null; session?: Session; error?: string };

export type SignInOptions = {
  csrf?: { csrfToken: string; cookie: string };
  /** Added to the requests, e.g. an x-forwarded-for. */
  headers?: Record<string, string>;
  /** Sent as a browser would. */
  callbackUrl?: string;
  /** Sees the raw answer. */
  onAnswer?: (res: Response, body: { url?: string }) => void;
};

/** One post to next-auth's credentials callback, as its client sends it. */
export async function signInAttempt(url: string, username: string, password: string, opts: SignInOptions = {}): Promise<SignInAnswer> {
  const { csrfToken, cookie } = opts.csrf ?? (await csrfOf(url, opts.headers));
  const res = await fetch(`${url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie, "x-auth-return-redirect": "1", ...opts.headers },
    body: new URLSearchParams({ csrfToken, username, password, json: "true", ...(opts.callbackUrl !== undefined ? { callbackUrl: opts.callbackUrl } : {}) }),
  });
  const answer = { status: res.status, retryAfter: res.headers.get("retry-after") };
  const session = cookiesFrom(res).find((c) => c.startsWith("next-auth.session-token="));
  const body = (await res.json().catch(() => ({}))) as { url?: string };
  opts.onAnswer?.(res, body);
  if (session) return { ...answer, session: { cookie: session } };
  const error = body.url ? new URL(body.url).searchParams.get("error") : null;
  return { ...answer, error: error ?? `HTTP ${res.status}` };
}

/** Signs in: the session, or the error the login form would show. */
export async function login(url: string, username: string, password: string, opts: SignInOptions = {}): Promise<Session | { error: string }> {
  const answer = await signInAttempt(url, username, password, opts);
  return answer.session ?? { error: answer.error! };
}

export async function loginOrThrow(url: string, username: string, password: string): Promise<Session> {
  const s = await login(url, username, password);
  if ("error" in s) throw new Error(`login ${username} failed: ${s.error}`);
  return s;
}

type Manifest = { node: Record<string, { filename: string; exportedName: string }> };

/** The id Next gave a server action in this build. */
export function actionId(exportedName: string): string {
  const manifest = JSON.parse(readFileSync(path.resolve(__dirname, "../../.next/server/server-reference-manifest.json"), "utf8")) as Manifest;
  const hit = Object.entries(manifest.node).find(([, v]) => v.exportedName === exportedName);
  if (!hit) throw new Error(`no server action named ${exportedName}`);
  return hit[0];
}

/** As React's client encodes an action's argument: a string that starts with "$" is escaped as "$$". */
function escapeDollars(value: unknown): unknown {
  if (typeof value === "string") return value.startsWith("$") ? "$" + value : value;
  if (Array.isArray(value)) return value.map(escapeDollars);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeDollars(v)]));
  return value;
}

export type ActionResult = { status: number; state?: { ok: boolean; message?: string; fieldErrors?: Record<string, string[]>; data?: unknown }; body: string; headers: Headers };

/** Posts a payload to a server action as React's client does: [prevState, payload] as JSON. */
export async function callAction(
  url: string,
  page: string,
  name: string,
  payload: unknown,
  opts: { session?: Session; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<ActionResult> {
  const res = await fetch(url + page, {
    method: "POST",
    redirect: "manual",
    headers: {
      "next-action": actionId(name),
      "content-type": "text/plain;charset=UTF-8",
      accept: "text/x-component",
      origin: url,
      ...(opts.session ? { cookie: opts.session.cookie } : {}),
      ...opts.headers,
    },
    body: opts.rawBody ?? JSON.stringify(["$undefined", escapeDollars(payload)]),
  });
  const body = await res.text();
  // The answer is React's flight format: row 0 is the envelope, row 1 the action's return value.
  const row = body.split("\n").find((l) => l.startsWith("1:"));
  let state: ActionResult["state"];
  try {
    state = row ? JSON.parse(row.slice(2)) : undefined;
  } catch {
    state = undefined;
  }
  return { status: res.status, state, body, headers: res.headers };
}
