import { PageHeading } from "@/components/ui/page-heading";
import { RecordsTable, RecordsToolbar } from "@/components/templates/records-manager";
import { adminPage } from "@/lib/auth/dal";
import { plural } from "@/lib/format";
import { listProfiles } from "@/lib/templates";
import { targetChoices } from "@/lib/templates/pages";
import { createProfileAction, deleteProfileAction, importProfilesAction, updateProfileAction } from "./actions";

const ACTIONS = { create: createProfileAction, update: updateProfileAction, delete: deleteProfileAction, import: importProfilesAction };

export default async function CcProfilesPage() {
  const admin = await adminPage("/cc-profiles");
  const [items, targets] = await Promise.all([listProfiles({ admin: true }), targetChoices(admin)]);
  return (
    <div className="flex flex-col gap-4">
      <PageHeading
        title="CC profiles"
        actions={<RecordsToolbar kind="profile" actions={ACTIONS} targets={targets} exportHref="/cc-profiles/export" importNote="delete the admin-made profiles first (with their grants), then add the file's" />}
      >
        {plural(items.length, "CC profile")} · while one is a user&apos;s active profile, Claude Code&apos;s claude-* calls on /v1/messages go to its tool model
      </PageHeading>
      <RecordsTable kind="profile" items={items} actions={ACTIONS} targets={targets} showOwner empty="No CC profiles yet. Create one, or import a file." />
    </div>
  );
}
