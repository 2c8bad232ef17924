import { userPage } from "@/lib/auth/dal";
import { ChangePasswordForm } from "./change-password-form";

export default async function ChangePasswordPage() {
  const user = await userPage("/change-password", { allowPasswordChange: true });
  return (
    <main className="flex min-h-full items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-lg bg-white p-8 shadow">
        <h1 className="mb-1 text-2xl font-semibold">Choose a new password</h1>
        <p className="mb-6 text-sm text-slate-500">
          {user.mustChangePassword
            ? `Welcome, ${user.username}. Before you continue, replace the password you were given.`
            : "Enter your current password and a new one."}
        </p>
        <ChangePasswordForm />
      </div>
    </main>
  );
}
