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

/**
 * Starts the hashing threads and makes the dummy hash at server start: a worker that cannot load stops
 * the start with its error instead of failing the first sign-in, and no sign-in waits for either.
 */
export async function warmPasswordHashing(): Promise<void> {
  await dummyPasswordHash();
}
