import "server-only";
import { config } from "@/lib/config";
import { dropShared, shared } from "@/lib/shared";
import { bcryptCompare, bcryptHash } from "./hash-pool";

// bcrypt, at the configured cost, in the worker threads of ./hash-pool. The rules a password must meet
// are in ./schemas (Password).

export function hashPassword(password: string): Promise<string> {
  return bcryptHash(password, config().bcryptCost);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcryptCompare(password, hash);
}

/** Compared against when the username is unknown, so that a miss costs as long as a hit. Made once per process. */
export function dummyPasswordHash(): Promise<string> {
  return shared("dummy-password-hash", () =>
    hashPassword("tollgate-timing-equaliser").catch((e) => {
      dropShared("dummy-password-hash"); // made again by the next sign-in
      throw e;
    }),
  );
}
