"use client";
import { ViewLink } from "@/components/ui/list-view";
import { usersUrl } from "@/lib/users/list-url";
import type { ListQueryInput } from "@/lib/users/schemas";

export function Pagination({ query, page, pages, total }: { query: ListQueryInput; page: number; pages: number; total: number }) {
  const first = total === 0 ? 0 : (page - 1) * query.size + 1;
  const last = Math.min(total, page * query.size);
  const link = (to: number, label: string, name: string, disabled: boolean) =>
    disabled ? (
      <span className="rounded-md px-3 py-1 text-muted" aria-disabled="true" title={name}>
        {label}
      </span>
    ) : (
      <ViewLink href={usersUrl(query, { page: to })} aria-label={name} className="rounded-md border border-line-strong bg-surface px-3 py-1 hover:bg-surface-2">
        {label}
      </ViewLink>
    );
  return (
    <nav className="flex flex-wrap items-center justify-between gap-2 text-sm text-muted" aria-label="Pages">
      <span>
        {first.toLocaleString("en-US")}–{last.toLocaleString("en-US")} of {total.toLocaleString("en-US")}
      </span>
      <div className="flex flex-wrap items-center gap-1 sm:gap-2">
        {link(1, "«", "First page", page <= 1)}
        {link(page - 1, "‹ Prev", "Previous page", page <= 1)}
        <span data-testid="page-indicator" className="px-1">
          Page {page} of {pages}
        </span>
        {link(page + 1, "Next ›", "Next page", page >= pages)}
        {link(pages, "»", "Last page", page >= pages)}
      </div>
    </nav>
  );
}
