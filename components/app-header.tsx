"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { cn } from "@/lib/cn";
import type { NavLink } from "./nav";

const isCurrent = (pathname: string, href: string) => pathname === href || pathname.startsWith(href + "/");

/**
 * The top bar of every signed-in page: navigation (the current page marked), who is signed in, the
 * password page and sign-out. Below `md` it folds into a Menu button that opens the same links (an
 * Account button when there are no links: the portal keeps its menu in its own drawer).
 */
export function AppHeader({
  user,
  links,
  impersonating = false,
}: {
  user: { username: string; displayName: string | null; role: string };
  links: NavLink[];
  /** An admin impersonating `user`: no Password link (that page is the admin's own, not the user's). */
  impersonating?: boolean;
}) {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const navLinks = (stacked: boolean) =>
    links.map((l) => (
      <Link
        key={l.href}
        href={l.href}
        aria-current={isCurrent(pathname, l.href) ? "page" : undefined}
        onClick={() => setOpen(false)}
        className={cn(
          "rounded-md px-2 py-1 text-sm font-medium whitespace-nowrap text-muted hover:bg-surface-2 hover:text-fg aria-[current=page]:text-fg aria-[current=page]:underline aria-[current=page]:decoration-2 aria-[current=page]:underline-offset-8",
          stacked && "py-2",
        )}
      >
        {l.label}
      </Link>
    ));
  const account = (
    <>
      {/* Between md and lg the bar holds the links and the buttons only: five links leave no room for the name. */}
      <span className="text-muted md:hidden lg:inline" data-testid="signed-in-as">
        {user.displayName ?? user.username} <span className="text-muted">({user.role})</span>
      </span>
      {!impersonating && (
        <Link href="/change-password" aria-current={pathname === "/change-password" ? "page" : undefined} className="rounded-md px-2 py-1 whitespace-nowrap text-muted hover:bg-surface-2 hover:text-fg">
          Password
        </Link>
      )}
      <form action="/logout" method="post">
        <button type="submit" className="rounded-md border border-line-strong px-2 py-1 whitespace-nowrap text-fg hover:bg-surface-2">
          Sign out
        </button>
      </form>
    </>
  );
  return (
    <header className="border-b border-line bg-surface">
      <div className="mx-auto flex max-w-7xl items-center justify-between gap-4 px-4 py-3 sm:px-6">
        <div className="flex items-center gap-4">
          <Link href="/" className="text-lg font-semibold text-link">
            Tollgate
          </Link>
          {links.length > 0 && (
            <nav aria-label="Main" className="hidden items-center gap-2 md:flex">
              {navLinks(false)}
            </nav>
          )}
        </div>
        <div className="hidden items-center gap-3 text-sm md:flex">{account}</div>
        <button
          type="button"
          className="rounded-md border border-line-strong px-3 py-1.5 text-sm font-medium md:hidden"
          aria-expanded={open}
          aria-controls="site-menu"
          onClick={() => setOpen((o) => !o)}
        >
          {/* Without links it holds the account only; the portal's own menu has its button below. */}
          {links.length > 0 ? "Menu" : "Account"}
        </button>
      </div>
      {open && (
        <div id="site-menu" className="flex flex-col gap-3 border-t border-line px-4 py-3 text-sm md:hidden">
          {links.length > 0 && (
            <nav aria-label="Main" className="flex flex-col">
              {navLinks(true)}
            </nav>
          )}
          <div className={cn("flex flex-wrap items-center gap-3", links.length > 0 && "border-t border-line pt-3")}>{account}</div>
        </div>
      )}
    </header>
  );
}
