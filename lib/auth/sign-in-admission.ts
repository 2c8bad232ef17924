import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { config } from "@/lib/config";
import { reserveSignIn, signInSlotsFull } from "@/lib/users";

export const BUSY_LOGIN_ERROR = "Too many sign-ins at this moment. Please try again in a few seconds.";

// About the time one slot takes to free up (one bcrypt comparison); HTTP counts it in whole seconds.
const RETRY_AFTER_SECONDS = 1;

/** The path next-auth's client posts a credentials sign-in to. */
export const CREDENTIALS_CALLBACK = "/api/auth/callback/credentials";

/**
 * The refusal of a sign-in that finds every slot taken: 503 with retry-after, and the body next-auth's
 * client reads (`{ url }` carrying the error), so that the login form shows the message.
 */
export function busySignInAnswer(): { status: number; headers: Record<string, string>; body: string } {
  const url = `${config().appUrl}/login?error=${encodeURIComponent(BUSY_LOGIN_ERROR)}`;
  return {
    status: 503,
    headers: { "content-type": "application/json", "retry-after": String(RETRY_AFTER_SECONDS), "cache-control": "no-store" },
    body: JSON.stringify({ url }),
  };
}

/**
 * Runs one credentials sign-in (next-auth's callback) when a hashing slot is free (lib/users/hash-pool),
 * holding the slot until it has ended; when all are taken, refuses at once, before next-auth reads the
 * request: a refused attempt costs no bcrypt, no database read and no sign-in limit count.
 */
export async function admitSignIn(signIn: () => Promise<Response>): Promise<Response> {
  const release = reserveSignIn();
  if (!release) {
    const { body, ...init } = busySignInAnswer();
    return new Response(body, init);
  }
  try {
    return await signIn();
  } finally {
    release();
  }
}

/**
 * The same refusal given by the server (scripts/start.ts) before Next's router, while every slot is
 * taken: under a flood of sign-ins each refusal then costs about as little as a request can, instead of
 * a Next route's millisecond or more on the event loop the gateway shares. True when it answered.
 * admitSignIn() above still takes the slot for the requests that go through.
 */
export function refuseSignInEarly(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== "POST" || req.url?.split("?")[0] !== CREDENTIALS_CALLBACK || !signInSlotsFull()) return false;
  const { status, headers, body } = busySignInAnswer();
  res.writeHead(status, headers).end(body);
  return true;
}
