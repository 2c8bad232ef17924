import type { Role } from "@/db/enums";

// Who an admin may impersonate (SPEC §5), pure: the start route decides with it, and the users list
// shows the Impersonate button only where it would be allowed.

export type StartRefusal = { status: 403 | 404; message: string };

/** The reason an admin may not impersonate `user`, or null when they may. */
export function refusalFor(admin: { id: string }, user: { id: string; role: Role; active: boolean } | undefined): StartRefusal | null {
  if (!user) return { status: 404, message: "No such user." };
  if (user.id === admin.id) return { status: 403, message: "You cannot impersonate yourself." };
  if (user.role === "admin") return { status: 403, message: "Another admin cannot be impersonated." };
  if (!user.active) return { status: 403, message: "A suspended user cannot be impersonated." };
  return null;
}
