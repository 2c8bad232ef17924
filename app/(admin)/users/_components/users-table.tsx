import Link from "next/link";
import { ViewLink } from "@/components/ui/list-view";
import { Cell, EmptyRow, Row, Table, TableBody, TableHead, Th } from "@/components/ui/table";
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
  const filtered = query.q !== "" || query.role !== undefined || query.status !== undefined;
  return (
    <Table data-testid="users-table">
      <TableHead>
        {columns.map((c) => {
          const active = query.sort === c.key;
          const dir = active && query.dir === "asc" ? "desc" : "asc";
          return (
            <Th key={c.key} aria-sort={active ? (query.dir === "asc" ? "ascending" : "descending") : undefined}>
              <ViewLink href={usersUrl(query, { sort: c.key, dir, page: 1 })} className="hover:text-fg">
                {c.label} {active ? <span aria-hidden="true">{query.dir === "asc" ? "▲" : "▼"}</span> : ""}
              </ViewLink>
            </Th>
          );
        })}
        <Th className="text-right">Actions</Th>
      </TableHead>
      <TableBody>
        {rows.length === 0 && (
          <EmptyRow colSpan={6}>
            No users match this view.
            {filtered && (
              <>
                {" "}
                <ViewLink href={usersUrl({ sort: query.sort, dir: query.dir, size: query.size })} className="font-medium text-link underline">
                  Clear filters
                </ViewLink>
              </>
            )}
          </EmptyRow>
        )}
        {rows.map((u) => (
          <Row key={u.id} data-username={u.username}>
            <Cell className="flex-col items-start gap-0">
              <Link href={usersUrl(query, { edit: u.id })} className="font-medium text-fg hover:underline">
                {u.username}
              </Link>
              {u.displayName && <span className="block text-xs text-muted">{u.displayName}</span>}
            </Cell>
            <Cell label="Email" className="break-all text-fg">
              {u.email ?? "—"}
            </Cell>
            <Cell label="Role">
              <RoleBadge role={u.role} />
            </Cell>
            <Cell label="Status">
              <StatusBadge active={u.isActive === 1} />
            </Cell>
            <Cell label="Created" className="text-muted">
              <time dateTime={u.createdAt}>{u.createdAt.slice(0, 10)}</time>
            </Cell>
            <Cell className="pt-2 md:pt-2">
              <UserRowActions
                user={{ id: u.id, username: u.username, active: u.isActive === 1 }}
                editHref={usersUrl(query, { edit: u.id })}
                isSelf={u.id === currentAdminId}
                keyCount={keyCounts[u.id] ?? 0}
              />
            </Cell>
          </Row>
        ))}
      </TableBody>
    </Table>
  );
}
