"use client";
import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormMessage } from "@/components/ui/field";
import { submitObject } from "@/components/forms";
import { changePasswordAction } from "./actions";

export function ChangePasswordForm() {
  const [state, action, pending] = useActionState(changePasswordAction, undefined);
  const router = useRouter();
  useEffect(() => {
    // "/" sends each role on to its home page, read with the session cookie the action just renewed.
    if (state?.ok) router.replace("/");
  }, [state, router]);
  return (
    <form onSubmit={submitObject(action)} className="flex flex-col gap-4" noValidate>
      <Field label="Current password" name="current" type="password" autoComplete="current-password" errors={state?.fieldErrors?.current} />
      <Field label="New password" name="password" type="password" autoComplete="new-password" hint="At least 8 characters" errors={state?.fieldErrors?.password} />
      <Field label="Repeat new password" name="confirm" type="password" autoComplete="new-password" errors={state?.fieldErrors?.confirm} />
      <FormMessage state={state?.ok ? { ok: true, message: "Password changed." } : state} />
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Change password"}
      </Button>
    </form>
  );
}
