import "server-only";
import { cookies } from "next/headers";
import { config } from "@/lib/config";
import { nowSeconds, type SessionClaims } from "@/lib/sessions/policy";
import { issueSessionCookie } from "./cookies";
import { issueSessionToken } from "./session-token";

/**
 * After the user's own password change (which bumped their session version, so every other session
 * ends): this browser's session goes on, with a token for the new version and the same id and
 * sign-in time, so its absolute lifetime is not extended. For server actions (it sets the cookie);
 * `claims` are this session's, read (getSessionClaims) before the change.
 */
export async function keepThisSession(claims: SessionClaims, sessionVersion: number, username: string) {
  const { secureCookies, session } = config();
  const token = await issueSessionToken({ ...claims, sv: sessionVersion, seen: nowSeconds(), name: username });
  issueSessionCookie(await cookies(), token, { secure: secureCookies, maxAge: claims.sat + session.maxSeconds - nowSeconds() });
}
