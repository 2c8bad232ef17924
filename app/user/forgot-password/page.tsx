import Link from "next/link";
import { mailEnabled } from "@/lib/mail";
import { RESET_REQUESTED, tooManyResetRequests } from "@/lib/users/password-reset";
import { AuthCard } from "../_components/auth-card";
import { ForgotForm } from "./forgot-form";

// Public: anyone may ask for a reset link (middleware lets it through; the action needs no session).
type Query = { sent?: string; error?: string; wait?: string };

/** The outcome a post without JavaScript was redirected back with (./submit/route.ts). */
function outcomeOf(q: Query) {
  if (q.sent) return { ok: true, message: RESET_REQUESTED };
  if (q.error === "email") return { ok: false, message: "Please correct the highlighted fields.", fieldErrors: { email: ["Enter a valid email address"] } };
  if (q.error === "limited") return { ok: false, message: tooManyResetRequests(Math.max(1, Math.min(3600, Number(q.wait) || 60))) };
  return undefined;
}

export default async function ForgotPasswordPage({ searchParams }: { searchParams: Promise<Query> }) {
  const query = await searchParams;
  if (!mailEnabled()) {
    return (
      <AuthCard title="Forgot your password?">
        <p className="mb-6 text-sm" data-testid="ask-admin">
          This Tollgate sends no e-mail, so it cannot send you a reset link. Ask an administrator to set a new password for you; you will choose your own at
          the next sign-in.
        </p>
        <Link href="/login" className="text-sm text-link underline">
          Back to sign-in
        </Link>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Forgot your password?" lead="Enter the e-mail address of your account. We will send you a link to choose a new password.">
      <ForgotForm initial={outcomeOf(query)} />
      <p className="mt-4 text-sm">
        <Link href="/login" className="text-link underline">
          Back to sign-in
        </Link>
      </p>
    </AuthCard>
  );
}
