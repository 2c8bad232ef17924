"use client";
import { useEffect, useRef, useState } from "react";
import { useListView } from "@/components/ui/list-view";
import { ROLES } from "@/db/enums";
import { cn } from "@/lib/cn";
import { SORT_COLUMNS, usersUrl } from "@/lib/users/list-url";
import type { ListQueryInput } from "@/lib/users/schemas";

const SORT_LABELS: Record<ListQueryInput["sort"], string> = { username: "Username", email: "Email", role: "Role", status: "Status", created: "Created" };

/** Search box and filters; every change becomes the URL (page reset to 1), which the server reads. */
export function UsersFilters({ query }: { query: ListQueryInput }) {
  const { navigate } = useListView();
  const [text, setText] = useState(query.q);
  // Typing becomes the URL a quarter second after the last key; the rest of the view comes from the URL.
  const typing = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(typing.current), []);
  const [sent, setSent] = useState(query.q);
  const type = (value: string) => {
    setText(value);
    clearTimeout(typing.current);
    typing.current = setTimeout(() => {
      setSent(value.trim());
      navigate(usersUrl(query, { q: value.trim(), page: 1 }), "replace");
    }, 250);
  };
  // When the URL's search changes for another reason (Clear filters, the Back button), the box shows
  // it; a change this box made itself leaves what is being typed alone.
  const [seen, setSeen] = useState(query.q);
  if (query.q !== seen) {
    setSeen(query.q);
    if (query.q !== sent) {
      setText(query.q);
      setSent(query.q);
    }
  }

  const go = (overrides: Partial<ListQueryInput>) => navigate(usersUrl(query, { ...overrides, page: 1 }), "replace");

  return (
    <div className="flex flex-wrap items-center gap-3" role="search">
      <input
        type="search"
        aria-label="Search users"
        placeholder="Search username, email or name…"
        value={text}
        onChange={(e) => type(e.target.value)}
        maxLength={100}
        className="w-full rounded-md border border-line-strong bg-surface px-3 py-2 text-sm text-fg placeholder:text-muted sm:w-72"
      />
      <FilterSelect
        label="Filter by role"
        value={query.role ?? ""}
        options={[["", "All roles"], ...ROLES.map((r) => [r, r] as const)]}
        onChange={(v) => go({ role: (v || undefined) as ListQueryInput["role"] })}
      />
      <FilterSelect
        label="Filter by status"
        value={query.status ?? ""}
        options={[["", "Any status"], ["active", "Active"], ["suspended", "Suspended"]]}
        onChange={(v) => go({ status: (v || undefined) as ListQueryInput["status"] })}
      />
      {/* The column headers sort on wide screens; on a phone, where rows are stacked, this does. */}
      <FilterSelect
        label="Sort by"
        value={`${query.sort}:${query.dir}`}
        options={SORT_COLUMNS.flatMap((c) => [[`${c}:asc`, `${SORT_LABELS[c]} ↑`] as const, [`${c}:desc`, `${SORT_LABELS[c]} ↓`] as const])}
        onChange={(v) => {
          const [sort, dir] = v.split(":") as [ListQueryInput["sort"], ListQueryInput["dir"]];
          go({ sort, dir });
        }}
        className="md:hidden"
      />
      <FilterSelect
        label="Rows per page"
        value={String(query.size)}
        options={[10, 25, 50, 100].map((n) => [String(n), `${n} rows`] as const)}
        onChange={(v) => go({ size: Number(v) })}
        className="sm:ml-auto"
      />
    </div>
  );
}

function FilterSelect({
  label,
  value,
  options,
  onChange,
  className,
}: {
  label: string;
  value: string;
  options: readonly (readonly [string, string])[];
  onChange: (value: string) => void;
  className?: string;
}) {
  return (
    <select
      aria-label={label}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      className={cn("rounded-md border border-line-strong bg-surface px-3 py-2 text-sm text-fg", className)}
    >
      {options.map(([v, text]) => (
        <option key={v} value={v}>
          {text}
        </option>
      ))}
    </select>
  );
}
