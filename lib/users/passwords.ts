import "server-only";
import bcrypt from "bcryptjs";
import { config } from "@/lib/config";

// bcrypt, at the configured cost. The rules a password must meet are in ./schemas (Password).

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
