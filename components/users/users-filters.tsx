"use client";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { ROLES } from "@/db/enums";
import { usersUrl } from "@/lib/users/list-url";
import type { ListQueryInput } from "@/lib/users/schemas";

/** Search box and filters; every change becomes the URL (page reset to 1), which the server reads. */
export function UsersFilters({ query }: { query: ListQueryInput }) {
  const router = useRouter();
  const [text, setText] = useState(query.q);
  // Typing becomes the URL a quarter second after the last key; the rest of the view comes from the URL.
  const typing = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(typing.current), []);
  const type = (value: string) => {
    setText(value);
    clearTimeout(typing.current);
    typing.current = setTimeout(() => router.replace(usersUrl(query, { q: value.trim(), page: 1 })), 250);
  };

  const go = (overrides: Partial<ListQueryInput>) => router.replace(usersUrl(query, { ...overrides, page: 1 }));

  return (
    <div className="flex flex-wrap items-center gap-3" role="search">
      <input
        type="search"
        aria-label="Search users"
        placeholder="Search username, email or name…"
        value={text}
        onChange={(e) => type(e.target.value)}
        maxLength={100}
        className="w-72 rounded-md border border-slate-300 px-3 py-2 text-sm"
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
      <FilterSelect
        label="Rows per page"
        value={String(query.size)}
        options={[10, 25, 50, 100].map((n) => [String(n), `${n} rows`] as const)}
        onChange={(v) => go({ size: Number(v) })}
        className="ml-auto"
      />
    </div>
  );
}

function FilterSelect({
  label,
  value,
  options,
  onChange,
  className = "",
}: {
  label: string;
  value: string;
  options: readonly (readonly [string, string])[];
  onChange: (value: string) => void;
  className?: string;
}) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)} className={`rounded-md border border-slate-300 bg-white px-3 py-2 text-sm ${className}`}>
      {options.map(([v, text]) => (
        <option key={v} value={v}>
          {text}
        </option>
      ))}
    </select>
  );
}
