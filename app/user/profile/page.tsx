import { notFound } from "next/navigation";
import { myBudget } from "@/components/portal/data";
import { PageHeading } from "@/components/ui/page-heading";
import { userPage } from "@/lib/auth/dal";
import { mailEnabled } from "@/lib/mail";
import { ProfileForms } from "./_components/profile-forms";

// The signed-in user's own account: name, e-mail, timezone and password, each saved on its own.
export default async function UserProfilePage() {
  const me = await userPage("/user/profile");
  const mine = await myBudget(me.id);
  if (!mine) notFound();
  const { user, status } = mine;
  return (
    <div className="flex flex-col gap-6">
      <PageHeading title="Profile">Your account&apos;s name, e-mail address, timezone and password.</PageHeading>
      <ProfileForms
        profile={{ username: user.username, email: user.email, displayName: user.displayName }}
        timezone={status.timezone}
        mailEnabled={mailEnabled()}
        impersonating={Boolean(me.impersonator)}
      />
    </div>
  );
}
