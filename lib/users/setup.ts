import "server-only";
import { count, eq } from "drizzle-orm";
import { getDb } from "@/db";
import { users } from "@/db/schema";
import { config } from "@/lib/config";
import { newId } from "@/lib/ids";
import { nowIso } from "@/lib/time";
import { hashPassword } from "./passwords";

/**
 * Creates the default admin (ADMIN_USER / ADMIN_PASSWORD) when no admin exists yet, with a forced
 * password change. Runs at every start; does nothing once an admin exists.
 */
export async function ensureDefaultAdmin(): Promise<boolean> {
  const db = getDb();
  const [{ admins }] = await db.select({ admins: count() }).from(users).where(eq(users.role, "admin"));
  if (admins > 0) return false;
  const { adminUser, adminPassword } = config();
  const at = nowIso();
  const result = await db
    .insert(users)
    .values({
      id: newId(),
      username: adminUser,
      displayName: "Administrator",
      hashedPassword: await hashPassword(adminPassword),
      role: "admin",
      isAdmin: 1,
      mustChangePassword: 1,
      createdAt: at,
      updatedAt: at,
    })
    .onConflictDoNothing();
  return result.rowsAffected > 0;
}
