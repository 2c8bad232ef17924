import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { users } from "@/db/schema";
import { DomainError } from "@/lib/errors";

/** The whole row of a user a mutation is about to change, or the message that they are gone. */
export async function requireUserRow(id: string) {
  const [row] = await getDb().select().from(users).where(eq(users.id, id));
  if (!row) throw new DomainError("This user no longer exists.");
  return row;
}

/** How a user appears as the target of an audit row. */
export const userTarget = (u: { id: string; username: string }) => ({ type: "user", id: u.id, name: u.username });
