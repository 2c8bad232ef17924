import "server-only";
import { config } from "@/lib/config";
import { reserveSignIn } from "@/lib/users";

export const BUSY_LOGIN_ERROR = "Too many sign-ins at this moment. Please try again in a few seconds.";

// About the time one slot takes to free up (one bcrypt comparison); HTTP counts it in whole seconds.
const RETRY_AFTER_SECONDS = 1;

/**
 * Runs one credentials sign-in (next-auth's callback) when a hashing slot is free (lib/users/hash-pool).
 * When all are taken, answers 503 with retry-after at once, before next-auth reads the request: a
 * refused attempt costs no bcrypt, no database read and no sign-in limit count. The body is the shape
 * next-auth's client reads (`{ url }` carrying the error), so the login form shows the message.
 */
export async function admitSignIn(signIn: () => Promise<Response>): Promise<Response> {
  const release = reserveSignIn();
  if (!release) {
    const url = `${config().appUrl}/login?error=${encodeURIComponent(BUSY_LOGIN_ERROR)}`;
    return Response.json({ url }, { status: 503, headers: { "retry-after": String(RETRY_AFTER_SECONDS), "cache-control": "no-store" } });
  }
  try {
    return await signIn();
  } finally {
    release();
  }
}
