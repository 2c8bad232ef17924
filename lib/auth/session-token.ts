import "server-only";
import { decode, encode, type JWT } from "next-auth/jwt";
import type { Role } from "@/db/enums";
import { config } from "@/lib/config";
import { SESSION_MAX_AGE_SECONDS } from "./cookies";

// The session is next-auth's JWT cookie (./cookies names it). It carries the user id, the role at
// sign-in and the session version; the DAL re-checks the live record on every request, so the token
// alone never grants access.

export type TokenClaims = { uid: string; sv: number; role: Role };

export async function readSessionToken(raw: string | undefined): Promise<TokenClaims | null> {
  if (!raw) return null;
  try {
    const jwt = await decode({ token: raw, secret: config().authSecret });
    if (!jwt || typeof jwt.uid !== "string" || typeof jwt.sv !== "number" || !jwt.role) return null;
    return { uid: jwt.uid, sv: jwt.sv, role: jwt.role };
  } catch {
    return null; // tampered, expired or signed with another secret
  }
}

/** A fresh token for the same user, e.g. after their own password change bumped the version. */
export function issueSessionToken(claims: TokenClaims & { name: string }): Promise<string> {
  const token: JWT = { sub: claims.uid, name: claims.name, uid: claims.uid, sv: claims.sv, role: claims.role };
  return encode({ token, secret: config().authSecret, maxAge: SESSION_MAX_AGE_SECONDS });
}
