import { ActiveProfileForm } from "@/components/templates/active-profile-form";
import { RecordsTable, RecordsToolbar } from "@/components/templates/records-manager";
import { PageHeading } from "@/components/ui/page-heading";
import { rolePage } from "@/lib/auth/dal";
import { plural } from "@/lib/format";
import { activeProfileOf, listProfiles, scopeOf, usableProfiles } from "@/lib/templates";
import { targetChoices } from "@/lib/templates/pages";
import { PROFILE_ROLES } from "@/lib/templates/rules";
import { createMyProfileAction, deleteMyProfileAction, importMyProfilesAction, setMyActiveProfileAction, updateMyProfileAction } from "./actions";

const ACTIONS = { create: createMyProfileAction, update: updateMyProfileAction, delete: deleteMyProfileAction, import: importMyProfilesAction };

// An expert's (or admin's) CC profiles, and which one is active for their Claude Code.
export default async function UserCcProfilesPage() {
  const me = await rolePage("/user/cc-profiles", PROFILE_ROLES);
  const admin = me.role === "admin";
  const [mine, usable, active, targets] = await Promise.all([listProfiles(scopeOf(me)), usableProfiles(me), activeProfileOf(me.id), targetChoices(me)]);
  return (
    <div className="flex flex-col gap-6">
      <PageHeading title="CC profiles">
        While a profile is active, Claude Code&apos;s <code className="font-mono">claude-*</code> model calls on <code className="font-mono">/v1/messages</code> go to the
        profile&apos;s tool model, with its caps and prompt prefix.
      </PageHeading>
      <section aria-labelledby="active-heading" className="flex flex-col gap-3 rounded-lg border border-line bg-surface p-4">
        <h2 id="active-heading" className="text-lg font-semibold">
          Your active profile
        </h2>
        <p className="text-sm text-muted">
          Choose among your own profiles and those granted to you. None: Claude Code&apos;s calls go to the model they name. A disabled profile takes over no call.
        </p>
        <ActiveProfileForm
          action={setMyActiveProfileAction}
          profiles={usable.map(({ id, name, active, broken }) => ({ id, name, active, broken }))}
          activeId={active?.id ?? null}
          done="Your active CC profile is saved."
        />
      </section>
      <section aria-labelledby="own-heading" className="flex flex-col gap-3">
        <div className="flex flex-wrap items-end justify-between gap-4">
          <div className="min-w-0">
            <h2 id="own-heading" className="text-lg font-semibold">
              {admin ? "Every CC profile" : "My CC profiles"}
            </h2>
            <p className="text-sm text-muted">{plural(mine.length, "CC profile")}{admin ? " · as an admin you manage every profile here" : ""}</p>
          </div>
          <div className="flex flex-wrap items-center gap-3">
            <RecordsToolbar
              kind="profile"
              actions={ACTIONS}
              targets={targets}
              exportHref="/user/cc-profiles/export"
              importNote={admin ? "delete the admin-made profiles first (with their grants), then add the file's" : "delete your own profiles first (with their grants), then add the file's"}
            />
          </div>
        </div>
        <RecordsTable kind="profile" items={mine} actions={ACTIONS} targets={targets} showOwner={admin} empty="No CC profiles of your own yet. Create one aimed at a model you may call, or import a file." />
      </section>
    </div>
  );
}
