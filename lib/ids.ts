import { z } from "zod";

// Every row id the product makes: a UUID4 as 32 hex characters (the seed's users table has them so),
// and the one zod rule that reads such an id from a form or a payload.

export const newId = () => crypto.randomUUID().replaceAll("-", "");

/** An id from outside (a payload, a URL); anything else is "Unknown <what>" at the field. */
export const idOf = (what: string) => z.string({ error: `Unknown ${what}` }).regex(/^[0-9a-f]{32}$/, `Unknown ${what}`);
