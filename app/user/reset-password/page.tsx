import Link from "next/link";
import { resetTokenUsable } from "@/lib/users/password-reset";
import { ResetToken } from "@/lib/users/schemas";
import { AuthCard } from "../_components/auth-card";
import { ResetDone, ResetForm } from "./reset-form";

type Query = { token?: string | string[]; done?: string; error?: string };

/** A field refused in a post without JavaScript (./submit/route.ts redirects back with it). */
const FIELD_ERRORS: Record<string, Record<string, string[]>> = {
  password: { password: ["Use at least 8 characters (at most 72 bytes)"] },
  confirm: { confirm: ["The passwords do not match"] },
};

// Public: the link from the reset mail. The token is checked here only to say at once when the link
// no longer works; the action checks it again, and uses it up.
export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Query> }) {
  const { token, done, error } = await searchParams;
  if (done) {
    return (
      <AuthCard title="Password changed">
        <ResetDone />
      </AuthCard>
    );
  }
  const parsed = ResetToken.safeParse(token);
  if (!parsed.success || !(await resetTokenUsable(parsed.data))) {
    return (
      <AuthCard title="This link does not work">
        <p className="mb-6 text-sm" data-testid="invalid-link">
          The reset link was already used, has expired (links last an hour), or a newer one was sent. You can ask for a new one.
        </p>
        <Link href="/user/forgot-password" className="text-sm text-link underline">
          Ask for a new link
        </Link>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Choose a new password" lead="Setting it signs your account out everywhere.">
      <ResetForm token={parsed.data} initial={error && FIELD_ERRORS[error] ? { fieldErrors: FIELD_ERRORS[error] } : undefined} />
    </AuthCard>
  );
}
