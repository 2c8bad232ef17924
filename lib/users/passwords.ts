import "server-only";
import bcrypt from "bcryptjs";
import { config } from "@/lib/config";

export const MIN_PASSWORD_LENGTH = 8;
// bcrypt looks at the first 72 bytes only; longer input is refused rather than silently cut.
export const MAX_PASSWORD_BYTES = 72;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, config().bcryptCost);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

// Compared against when the username is unknown, so that a miss costs as long as a hit.
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= bcrypt.hash("tollgate-timing-equaliser", config().bcryptCost);
  return dummyHash;
}
