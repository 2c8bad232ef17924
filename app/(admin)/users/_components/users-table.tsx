import Link from "next/link";
import { ViewLink } from "@/components/ui/list-view";
import { Cell, EmptyRow, Row, Table, TableBody, TableHead, Th } from "@/components/ui/table";
import { RoleBadge, StatusBadge } from "@/components/users/role-badge";
import type { GrantOptions } from "@/lib/permissions";
import type { UserRow } from "@/lib/users";
import { usersUrl } from "@/lib/users/list-url";
import type { ListQueryInput } from "@/lib/users/schemas";
import { UserRowActions } from "./user-row-actions";
import { RowCheckbox, SelectAllCheckbox, UserSelection } from "./user-selection";

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
  ownedCounts,
  grantOptions,
}: {
  rows: UserRow[];
  query: ListQueryInput;
  currentAdminId: string;
  keyCounts: Record<string, number>;
  /** The templates and CC profiles each user owns (deleted with them); users with none are absent. */
  ownedCounts: Record<string, { templates: number; profiles: number }>;
  /** What the bulk permissions dialog offers to grant or revoke for the selected rows. */
  grantOptions: GrantOptions;
}) {
  const filtered = query.q !== "" || query.role !== undefined || query.status !== undefined;
  return (
    <UserSelection users={rows.map((u) => ({ id: u.id, username: u.username, role: u.role }))} options={grantOptions}>
      <Table data-testid="users-table">
        <TableHead>
          <Th className="w-10">
            <span className="sr-only">Select</span>
            <SelectAllCheckbox />
          </Th>
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
            <EmptyRow colSpan={7}>
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
            <Row key={u.id} data-username={u.username} className="relative has-checked:bg-surface-2">
              {/* On a phone the row is a card: its checkbox sits in the card's top right corner. */}
              <Cell className="absolute top-2 right-2 md:static md:w-10">
                <RowCheckbox user={u} />
              </Cell>
              <Cell className="flex-col items-start gap-0 pr-10 md:pr-4">
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
                  user={{ id: u.id, username: u.username, active: u.isActive === 1, role: u.role }}
                  editHref={usersUrl(query, { edit: u.id })}
                  isSelf={u.id === currentAdminId}
                  keyCount={keyCounts[u.id] ?? 0}
                  owned={ownedCounts[u.id]}
                />
              </Cell>
            </Row>
          ))}
        </TableBody>
      </Table>
    </UserSelection>
  );
}
