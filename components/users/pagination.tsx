import Link from "next/link";
import { usersUrl } from "@/lib/users/list-url";
import type { ListQueryInput } from "@/lib/users/schemas";

export function Pagination({ query, page, pages, total }: { query: ListQueryInput; page: number; pages: number; total: number }) {
  const first = total === 0 ? 0 : (page - 1) * query.size + 1;
  const last = Math.min(total, page * query.size);
  const link = (to: number, label: string, disabled: boolean) =>
    disabled ? (
      <span className="rounded-md px-3 py-1 text-slate-300">{label}</span>
    ) : (
      <Link href={usersUrl(query, { page: to })} className="rounded-md border border-slate-300 bg-white px-3 py-1 hover:bg-slate-100">
        {label}
      </Link>
    );
  return (
    <nav className="flex items-center justify-between text-sm text-slate-600" aria-label="Pages">
      <span>
        {first.toLocaleString("en-US")}–{last.toLocaleString("en-US")} of {total.toLocaleString("en-US")}
      </span>
      <div className="flex items-center gap-2">
        {link(1, "« First", page <= 1)}
        {link(page - 1, "‹ Prev", page <= 1)}
        <span data-testid="page-indicator">
          Page {page} of {pages}
        </span>
        {link(page + 1, "Next ›", page >= pages)}
        {link(pages, "Last »", page >= pages)}
      </div>
    </nav>
  );
}
