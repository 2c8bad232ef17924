"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { MenuLink } from "./menu";

const isCurrent = (pathname: string, href: string) => pathname === href || pathname.startsWith(href + "/");

/** The portal's role menu (from components/portal/menu.ts), the current page marked. */
export function PortalNav({ links, admin }: { links: MenuLink[]; admin: MenuLink | null }) {
  const pathname = usePathname();
  const item =
    "block rounded-md px-3 py-2 text-sm font-medium text-muted hover:bg-surface-2 hover:text-fg aria-[current=page]:bg-surface-2 aria-[current=page]:text-fg";
  return (
    <nav aria-label="Portal" className="flex flex-col gap-1">
      <ul className="flex flex-col gap-1">
        {links.map((l) => (
          <li key={l.href}>
            <Link href={l.href} aria-current={isCurrent(pathname, l.href) ? "page" : undefined} className={item}>
              {l.label}
            </Link>
          </li>
        ))}
      </ul>
      {admin && (
        <Link href={admin.href} className={`${item} mt-2 border-t border-line pt-3 text-link`}>
          <span aria-hidden="true">← </span>
          {admin.label}
        </Link>
      )}
    </nav>
  );
}
