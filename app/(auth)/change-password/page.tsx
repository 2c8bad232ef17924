import Link from "next/link";
import { AppHeader } from "@/components/app-header";
import { homeOf, navFor } from "@/components/nav";
import { userPage } from "@/lib/auth/dal";
import { ChangePasswordForm } from "./change-password-form";

export default async function ChangePasswordPage() {
  const user = await userPage("/change-password", { allowPasswordChange: true });
  // A forced change comes before anything else: the header offers only signing out, and no way back.
  const forced = user.mustChangePassword;
  return (
    <>
      <AppHeader user={user} links={forced ? [] : navFor(user.role)} />
      <main className="flex justify-center px-4 py-8 sm:p-10">
        <div className="w-full max-w-sm rounded-lg border border-line bg-surface p-6 shadow-sm sm:p-8">
          <h1 className="mb-1 text-2xl font-semibold">Choose a new password</h1>
          <p className="mb-6 text-sm text-muted">
            {forced ? `Welcome, ${user.username}. Before you continue, replace the password you were given.` : "Enter your current password and a new one."}
          </p>
          <ChangePasswordForm />
          {!forced && (
            <p className="mt-4 text-sm">
              <Link href={homeOf(user.role)} className="text-link underline">
                Back
              </Link>
            </p>
          )}
        </div>
      </main>
    </>
  );
}
