import type { Role } from "@/db/enums";

// The portal's menu, one list for the sidebar, the phone drawer and every link into a portal page
// (portalLink). An entry is listed only once its page exists: `available` is switched on in the change
// that adds the page, so the menu never leads to a 404. Templates are one page under two names: the
// subscriber's read-only Assigned Templates, the expert's and admin's My Templates.

export type PortalEntry = {
  href: string;
  label: string;
  /** Whether the page exists yet. */
  available: boolean;
  /** The roles that see the entry; every role when absent. */
  roles?: readonly Role[];
};

export const PORTAL_MENU: readonly PortalEntry[] = [
  { href: "/user/dashboard", label: "Dashboard", available: true },
  { href: "/user/billing", label: "Billing", available: true },
  { href: "/user/usage", label: "Usage", available: true },
  { href: "/user/keys", label: "API Keys", available: true },
  { href: "/user/templates", label: "Assigned Templates", available: true, roles: ["subscriber"] },
  { href: "/user/templates", label: "My Templates", available: true, roles: ["expert", "admin"] },
  { href: "/user/cc-profiles", label: "CC Profiles", available: true, roles: ["expert", "admin"] },
  { href: "/user/profile", label: "Profile", available: true },
];

export type MenuLink = { href: string; label: string };

/** The portal menu of a role: the entries it may see whose pages exist; admins also get the way back. */
export function portalMenu(role: Role): { links: MenuLink[]; admin: MenuLink | null } {
  const links = PORTAL_MENU.filter((e) => e.available && (!e.roles || e.roles.includes(role))).map(({ href, label }) => ({ href, label }));
  return { links, admin: role === "admin" ? { href: "/users", label: "Admin pages" } : null };
}

/** `href` when that portal page exists (and so may be linked to), else undefined. */
export const portalLink = (href: string): string | undefined => (PORTAL_MENU.find((e) => e.href === href)?.available ? href : undefined);
