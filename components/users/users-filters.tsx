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
  const first = useRef(true);

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const t = setTimeout(() => router.replace(usersUrl(query, { q: text.trim(), page: 1 })), 250);
    return () => clearTimeout(t);
    // Only typing triggers this; the rest of the view comes from the URL.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);

  const go = (overrides: Partial<ListQueryInput>) => router.replace(usersUrl(query, { ...overrides, page: 1 }));

  return (
    <div className="flex flex-wrap items-center gap-3" role="search">
      <input
        type="search"
        aria-label="Search users"
        placeholder="Search username, email or name…"
        value={text}
        onChange={(e) => setText(e.target.value)}
        maxLength={100}
        className="w-72 rounded-md border border-slate-300 px-3 py-2 text-sm"
      />
      <select
        aria-label="Filter by role"
        value={query.role ?? ""}
        onChange={(e) => go({ role: (e.target.value || undefined) as ListQueryInput["role"] })}
        className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
      >
        <option value="">All roles</option>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <select
        aria-label="Filter by status"
        value={query.status ?? ""}
        onChange={(e) => go({ status: (e.target.value || undefined) as ListQueryInput["status"] })}
        className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
      >
        <option value="">Any status</option>
        <option value="active">Active</option>
        <option value="suspended">Suspended</option>
      </select>
      <select
        aria-label="Rows per page"
        value={query.size}
        onChange={(e) => go({ size: Number(e.target.value) })}
        className="ml-auto rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
      >
        {[10, 25, 50, 100].map((n) => (
          <option key={n} value={n}>
            {n} rows
          </option>
        ))}
      </select>
    </div>
  );
}
