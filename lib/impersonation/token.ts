import { jwtVerify, SignJWT } from "jose";

// The impersonation cookie's content: a JWT (jose, HS256) naming the impersonation (its row in
// `impersonations`), the admin, the admin's session and the user. Edge-safe (no server-only, no
// configuration read) because middleware verifies it too; callers pass the secret. The key is derived
// from AUTH_SECRET with a label of its own, so that no other token signed with that secret (next-auth's)
// can ever pass for one of these.

export const IMPERSONATION_MINUTES = 30;

export type ImpersonationClaims = {
  /** The impersonation's id (its row). */
  iid: string;
  /** The admin's user id and the session they started it from. */
  aid: string;
  asid: string;
  /** The impersonated user's id. */
  uid: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
};

const key = (secret: string) => new TextEncoder().encode(`tollgate-impersonation\u0000${secret}`);
const ALG = "HS256";

export function signImpersonation(claims: Omit<ImpersonationClaims, "exp">, secret: string, expiresAt: Date): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: ALG })
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(key(secret));
}

/** The claims of a cookie signed with this secret and not expired; null for anything else. */
export async function verifyImpersonation(token: string | undefined, secret: string): Promise<ImpersonationClaims | null> {
  if (!token) return null;
  try {
    const { payload } = await jwtVerify(token, key(secret), { algorithms: [ALG] });
    const { iid, aid, asid, uid, exp } = payload;
    const strings = [iid, aid, asid, uid].every((v) => typeof v === "string" && v.length > 0 && v.length <= 64);
    return strings && typeof exp === "number" ? { iid, aid, asid, uid, exp } as ImpersonationClaims : null;
  } catch {
    return null; // altered, expired, signed with another secret, or not a JWT at all
  }
}
