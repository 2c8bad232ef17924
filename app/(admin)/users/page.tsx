import { ListView } from "@/components/ui/list-view";
import { PageHeading } from "@/components/ui/page-heading";
import { Pagination } from "@/components/users/pagination";
import { UsersFilters } from "@/components/users/users-filters";
import { adminPage } from "@/lib/auth/dal";
import { plural } from "@/lib/format";
import { mailEnabled } from "@/lib/mail";
import { listKeys } from "@/lib/keys";
import { getUserDetail, keyCountsOf, listUsers } from "@/lib/users";
import { ListQuery, UserId } from "@/lib/users/schemas";
import { usersUrl } from "@/lib/users/list-url";
import { budgetStatus } from "@/lib/budgets/status";
import { CreateUserDialog } from "./_components/create-user-dialog";
import { EditUserDialog } from "./_components/edit-user-dialog";
import { UsersTable } from "./_components/users-table";

async function loadEditing(id: string) {
  const user = await getUserDetail(id);
  if (!user) return undefined;
  const [status, keys] = await Promise.all([budgetStatus(user), listKeys(id)]);
  return { user, status, keys };
}

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const admin = await adminPage("/users");
  const params = await searchParams;
  const query = ListQuery.parse(params);
  const editId = UserId.safeParse(params.edit);
  const [list, editing] = await Promise.all([listUsers(query), editId.success ? loadEditing(editId.data) : undefined]);
  const keyCounts = await keyCountsOf(list.rows.map((r) => r.id));

  return (
    <div className="flex flex-col gap-2">
      <PageHeading title="Users" actions={<CreateUserDialog mailEnabled={mailEnabled()} />}>
        {plural(list.total, "user")}
      </PageHeading>
      <ListView label="Users">
        <UsersFilters query={query} />
        <UsersTable rows={list.rows} query={query} currentAdminId={admin.id} keyCounts={keyCounts} />
        <Pagination query={query} page={list.page} pages={list.pages} total={list.total} />
      </ListView>
      {editing && (
        <EditUserDialog
          key={editing.user.id}
          user={editing.user}
          status={editing.status}
          keys={editing.keys}
          isSelf={editing.user.id === admin.id}
          mailEnabled={mailEnabled()}
          closeHref={usersUrl(query)}
        />
      )}
    </div>
  );
}
