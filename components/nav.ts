import type { Role } from "@/db/enums";

export type NavLink = { href: string; label: string };

/** The header's links for a role: admins see the admin pages and the portal; everyone else the portal. */
export function navFor(role: Role): NavLink[] {
  const portal = [{ href: "/user", label: role === "admin" ? "Portal" : "Dashboard" }];
  return role === "admin"
    ? [
        { href: "/users", label: "Users" },
        { href: "/endpoints", label: "Endpoints" },
        { href: "/skills", label: "Skills" },
        { href: "/mcp-tools", label: "MCP tools" },
        ...portal,
      ]
    : portal;
}

/** Where "back" leads from a page outside the sections (e.g. the password page). */
export const homeOf = (role: Role) => (role === "admin" ? "/users" : "/user");
