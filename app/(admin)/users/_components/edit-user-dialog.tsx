"use client";
import { useRouter } from "next/navigation";
import { Dialog } from "@/components/ui/dialog";
import { Tabs } from "@/components/ui/tabs";
import type { KeyRow } from "@/lib/keys";
import type { BudgetStatus } from "@/lib/budgets/status";
import type { GrantOptions } from "@/lib/permissions";
import type { UserDetail } from "@/lib/users";
import { BudgetTab } from "./budget-tab";
import { KeysTab } from "./keys-tab";
import { PermissionsTab, type PermissionItem, type ProfileSetting } from "./permissions-tab";

/** The edit dialog: open while the URL carries ?edit=<id>; closing returns to the same table view. */
export function EditUserDialog({
  user,
  status,
  keys,
  grants,
  grantOptions,
  profiles,
  isSelf,
  mailEnabled,
  closeHref,
  usage,
  initialTab,
}: {
  user: UserDetail;
  status: BudgetStatus;
  keys: KeyRow[];
  grants: PermissionItem[];
  /** What exists to be granted, per resource type. */
  grantOptions: GrantOptions;
  /** The active CC profile and the ones to choose from (experts and admins only). */
  profiles?: ProfileSetting;
  isSelf: boolean;
  mailEnabled: boolean;
  closeHref: string;
  /** The Usage tab, rendered on the server by the page (its chart is SVG made there). */
  usage: React.ReactNode;
  /** The tab to open on (the Usage tab's paging links come back to it). */
  initialTab?: "usage";
}) {
  const router = useRouter();
  return (
    <Dialog open onOpenChange={(open) => !open && router.push(closeHref, { scroll: false })} title={`Edit ${user.username}`} description={user.displayName ?? undefined} wide>
      {/* Focus starts on the tabs, not on the role select, whose every change is saved at once. */}
      <Tabs
        autoFocus
        defaultValue={initialTab}
        tabs={[
          { value: "budget", label: "Budget", content: <BudgetTab user={user} status={status} isSelf={isSelf} mailEnabled={mailEnabled} /> },
          {
            value: "permissions",
            label: "Permissions",
            content: <PermissionsTab userId={user.id} username={user.username} isAdmin={user.role === "admin"} grants={grants} options={grantOptions} profiles={profiles} />,
          },
          { value: "keys", label: "API Keys", content: <KeysTab userId={user.id} keys={keys} /> },
          { value: "usage", label: "Usage", content: usage },
        ]}
      />
    </Dialog>
  );
}
