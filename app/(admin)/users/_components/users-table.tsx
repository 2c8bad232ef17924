import Link from "next/link";
import { RoleBadge, StatusBadge } from "@/components/users/role-badge";
import type { UserRow } from "@/lib/users";
import { usersUrl } from "@/lib/users/list-url";
import type { ListQueryInput } from "@/lib/users/schemas";
import { UserRowActions } from "./user-row-actions";

const columns: { key: ListQueryInput["sort"]; label: string }[] = [
  { key: "username", label: "User" },
  { key: "email", label: "Email" },
  { key: "role", label: "Role" },
  { key: "status", label: "Status" },
  { key: "created", label: "Created" },
];

export function UsersTable({
  rows,
  query,
  currentAdminId,
  keyCounts,
}: {
  rows: UserRow[];
  query: ListQueryInput;
  currentAdminId: string;
  keyCounts: Record<string, number>;
}) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full text-sm" data-testid="users-table">
        <thead className="bg-slate-50 text-left text-slate-600">
          <tr>
            {columns.map((c) => {
              const active = query.sort === c.key;
              const dir = active && query.dir === "asc" ? "desc" : "asc";
              return (
                <th key={c.key} className="px-4 py-2 font-medium" aria-sort={active ? (query.dir === "asc" ? "ascending" : "descending") : undefined}>
                  <Link href={usersUrl(query, { sort: c.key, dir, page: 1 })} className="hover:text-slate-900">
                    {c.label} {active ? (query.dir === "asc" ? "▲" : "▼") : ""}
                  </Link>
                </th>
              );
            })}
            <th className="px-4 py-2 text-right font-medium">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={6} className="px-4 py-8 text-center text-slate-500">
                No users match this view.
              </td>
            </tr>
          )}
          {rows.map((u) => (
            <tr key={u.id} className="border-t border-slate-100" data-username={u.username}>
              <td className="px-4 py-2">
                <Link href={usersUrl(query, { edit: u.id })} className="font-medium text-slate-900 hover:underline">
                  {u.username}
                </Link>
                {u.displayName && <div className="text-xs text-slate-500">{u.displayName}</div>}
              </td>
              <td className="px-4 py-2 text-slate-700">{u.email ?? "—"}</td>
              <td className="px-4 py-2">
                <RoleBadge role={u.role} />
              </td>
              <td className="px-4 py-2">
                <StatusBadge active={u.isActive === 1} />
              </td>
              <td className="px-4 py-2 text-slate-600">
                <time dateTime={u.createdAt}>{u.createdAt.slice(0, 10)}</time>
              </td>
              <td className="px-4 py-2">
                <UserRowActions
                  user={{ id: u.id, username: u.username, active: u.isActive === 1 }}
                  editHref={usersUrl(query, { edit: u.id })}
                  isSelf={u.id === currentAdminId}
                  keyCount={keyCounts[u.id] ?? 0}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
