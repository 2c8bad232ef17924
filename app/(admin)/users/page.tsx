import { ListView } from "@/components/ui/list-view";
import { PageHeading } from "@/components/ui/page-heading";
import { Pagination } from "@/components/users/pagination";
import { UsersFilters } from "@/components/users/users-filters";
import { adminPage } from "@/lib/auth/dal";
import { plural } from "@/lib/format";
import { mailEnabled } from "@/lib/mail";
import { listKeys } from "@/lib/keys";
import { grantOptions, listGrants } from "@/lib/permissions";
import { getUserDetail, keyCountsOf, listUsers } from "@/lib/users";
import { ListQuery, UserId } from "@/lib/users/schemas";
import { usersUrl } from "@/lib/users/list-url";
import { budgetStatus } from "@/lib/budgets/status";
import { latestCalls } from "@/lib/usage/history";
import { dailySeries } from "@/lib/usage/rollups";
import { UsageTab } from "@/components/users/usage-tab";
import { activeProfileOf, usableProfiles } from "@/lib/templates";
import { ownedCountsOf } from "@/lib/templates/pages";
import { mayOwn } from "@/lib/templates/rules";
import { CreateUserDialog } from "./_components/create-user-dialog";
import { EditUserDialog } from "./_components/edit-user-dialog";
import { UsersTable } from "./_components/users-table";

/** Days the Usage tab charts (and offers to download). */
const USAGE_DAYS = 30;

/** ?calls=<n>: the page of the Usage tab's latest calls (from 1; anything else is the first). */
const callsPageOf = (v: unknown) => (typeof v === "string" && /^[1-9]\d{0,5}$/.test(v) ? Number(v) : 1);

async function loadEditing(id: string, callsPage: number) {
  const user = await getUserDetail(id);
  if (!user) return undefined;
  const now = new Date();
  const owner = mayOwn(user.role);
  const [status, keys, days, calls, grants, usable, active] = await Promise.all([
    budgetStatus(user, now),
    listKeys(id),
    dailySeries(user, USAGE_DAYS, now),
    latestCalls(id, callsPage),
    listGrants(id),
    owner ? usableProfiles(user) : [],
    owner ? activeProfileOf(id) : null,
  ]);
  // The Permissions tab shows neither who granted nor anything else of the row.
  const permissions = grants.map(({ id, type, resourceId, name, known, createdAt }) => ({ id, type, resourceId, name, known, createdAt }));
  // Experts and admins have an active CC profile, chosen on the same tab among the ones they may use.
  const profiles = owner ? { choices: usable.map(({ id, name, active, broken }) => ({ id, name, active, broken })), activeId: active?.id ?? null } : undefined;
  return { user, status, keys, days, calls, grants: permissions, profiles };
}

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const admin = await adminPage("/users");
  const params = await searchParams;
  const query = ListQuery.parse(params);
  const editId = UserId.safeParse(params.edit);
  const [list, editing, options] = await Promise.all([listUsers(query), editId.success ? loadEditing(editId.data, callsPageOf(params.calls)) : undefined, grantOptions()]);
  const ids = list.rows.map((r) => r.id);
  const [keyCounts, ownedCounts] = await Promise.all([keyCountsOf(ids), ownedCountsOf(ids)]);

  return (
    <div className="flex flex-col gap-2">
      <PageHeading title="Users" actions={<CreateUserDialog mailEnabled={mailEnabled()} />}>
        {plural(list.total, "user")}
      </PageHeading>
      <ListView label="Users">
        <UsersFilters query={query} />
        <UsersTable rows={list.rows} query={query} currentAdminId={admin.id} keyCounts={keyCounts} ownedCounts={ownedCounts} grantOptions={options} />
        <Pagination query={query} page={list.page} pages={list.pages} total={list.total} />
      </ListView>
      {editing && (
        <EditUserDialog
          key={editing.user.id}
          user={editing.user}
          status={editing.status}
          keys={editing.keys}
          grants={editing.grants}
          grantOptions={options}
          profiles={editing.profiles}
          isSelf={editing.user.id === admin.id}
          mailEnabled={mailEnabled()}
          closeHref={usersUrl(query)}
          initialTab={params.tab === "usage" ? "usage" : undefined}
          usage={
            <UsageTab
              userId={editing.user.id}
              status={editing.status}
              oneTime={editing.user.budgetType === "one_time"}
              days={editing.days}
              calls={editing.calls}
              pageHref={(n) => `${usersUrl(query, { edit: editing.user.id })}&tab=usage&calls=${n}`}
            />
          }
        />
      )}
    </div>
  );
}
