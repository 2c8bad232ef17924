import Link from "next/link";
import { redirect } from "next/navigation";
import { getSession } from "@/lib/auth/dal";
import { sameSitePath } from "@/lib/auth/redirects";
import { config } from "@/lib/config";
import { LoginForm } from "./login-form";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  // Only this site: an open redirect through ?next= would be a phishing aid.
  const target = sameSitePath(next, config().appUrl) ?? "/";
  if (await getSession()) redirect(target);
  return (
    <main className="flex min-h-screen items-center justify-center p-4 sm:p-6">
      <div className="w-full max-w-sm rounded-lg border border-line bg-surface p-6 shadow-sm sm:p-8">
        <h1 className="mb-1 text-2xl font-semibold">Tollgate</h1>
        <p className="mb-6 text-sm text-muted">Sign in to continue</p>
        <LoginForm next={target} />
        <p className="mt-4 text-sm">
          <Link href="/user/forgot-password" className="text-link underline">
            Forgot password?
          </Link>
        </p>
      </div>
    </main>
  );
}
