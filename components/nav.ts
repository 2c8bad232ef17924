import type { Role } from "@/db/enums";
import { PORTAL_HOME } from "@/lib/auth/redirects";

export type NavLink = { href: string; label: string };

/**
 * The header's links for a role: admins see the admin pages and a way into the portal. Everyone else
 * has none: the portal's own menu (components/portal/menu.ts) is in its sidebar, or its drawer on phones.
 */
export function navFor(role: Role): NavLink[] {
  return role === "admin"
    ? [
        { href: "/users", label: "Users" },
        { href: "/endpoints", label: "Endpoints" },
        { href: "/skills", label: "Skills" },
        { href: "/mcp-tools", label: "MCP tools" },
        { href: "/templates", label: "Templates" },
        { href: "/cc-profiles", label: "CC profiles" },
        { href: PORTAL_HOME, label: "Portal" },
      ]
    : [];
}

/** Where a role starts (after signing in, on "/") and where "back" leads from a page outside the sections. */
export const homeOf = (role: Role) => (role === "admin" ? "/users" : PORTAL_HOME);
