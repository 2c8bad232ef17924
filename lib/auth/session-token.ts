import "server-only";
import { decode, encode, type JWT } from "next-auth/jwt";
import { config } from "@/lib/config";
import { claimsOf, type SessionClaims } from "@/lib/sessions/policy";

// The session is next-auth's JWT cookie (./cookies names it). It carries the user id, the role at
// sign-in, the session version, the session's id and its sign-in and last-seen times; the DAL
// re-checks the live record on every request, so the token alone never grants access.

export async function readSessionToken(raw: string | undefined): Promise<SessionClaims | null> {
  if (!raw) return null;
  try {
    return claimsOf(await decode({ token: raw, secret: config().authSecret }));
  } catch {
    return null; // tampered, expired or signed with another secret
  }
}

/** A fresh token for the same session, e.g. after the user's own password change moved the version on. */
export function issueSessionToken(claims: SessionClaims & { name: string }): Promise<string> {
  const token: JWT = { sub: claims.uid, ...claims };
  return encode({ token, secret: config().authSecret, maxAge: config().session.maxSeconds });
}
