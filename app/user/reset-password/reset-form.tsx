"use client";
import Link from "next/link";
import { useActionState } from "react";
import { ActionForm } from "@/components/forms";
import { Button } from "@/components/ui/button";
import { Field, FormMessage } from "@/components/ui/field";
import { resetPasswordWithLinkAction } from "./actions";

/** The outcome of a post without JavaScript (./submit/route.ts redirects back with it), until the form is used again. */
type Initial = { fieldErrors?: Record<string, string[]> };

export function ResetDone() {
  return (
    <div className="flex flex-col gap-4">
      <p role="status" className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-800 dark:bg-green-950 dark:text-green-200">
        Your password has been changed, and every session of your account has been signed out.
      </p>
      <Link href="/login" className="text-sm text-link underline">
        Sign in with your new password
      </Link>
    </div>
  );
}

export function ResetForm({ token, initial }: { token: string; initial?: Initial }) {
  const [state, action, pending] = useActionState(resetPasswordWithLinkAction, undefined);
  if (state?.ok) return <ResetDone />;
  const errors = state ? state.fieldErrors : initial?.fieldErrors;
  return (
    <ActionForm action={action} state={state} fallback="/user/reset-password/submit" className="flex flex-col gap-4">
      <input type="hidden" name="token" value={token} />
      <Field label="New password" name="password" type="password" autoComplete="new-password" autoFocus hint="At least 8 characters" errors={errors?.password} />
      <Field label="Repeat new password" name="confirm" type="password" autoComplete="new-password" errors={errors?.confirm} />
      <FormMessage state={state ?? (errors ? { ok: false, message: "Please correct the highlighted fields." } : undefined)} />
      {state && !state.ok && !errors && (
        <Link href="/user/forgot-password" className="text-sm text-link underline">
          Ask for a new link
        </Link>
      )}
      <Button type="submit" pending={pending}>
        {pending ? "Saving…" : "Set new password"}
      </Button>
    </ActionForm>
  );
}
