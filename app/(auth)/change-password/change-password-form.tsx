"use client";
import { useRouter } from "next/navigation";
import { useActionState } from "react";
import { toast } from "sonner";
import { ActionForm } from "@/components/forms";
import { Button } from "@/components/ui/button";
import { Field, FormMessage } from "@/components/ui/field";
import { changePasswordAction } from "./actions";

export function ChangePasswordForm() {
  const [state, action, pending] = useActionState(changePasswordAction, undefined);
  const router = useRouter();
  return (
    <ActionForm
      action={action}
      state={state}
      onSuccess={() => {
        toast.success("Password changed.");
        // "/" sends each role on to its home page, read with the session cookie the action just renewed.
        router.replace("/");
      }}
      className="flex flex-col gap-4"
    >
      <Field label="Current password" name="current" type="password" autoComplete="current-password" errors={state?.fieldErrors?.current} />
      <Field label="New password" name="password" type="password" autoComplete="new-password" hint="At least 8 characters" errors={state?.fieldErrors?.password} />
      <Field label="Repeat new password" name="confirm" type="password" autoComplete="new-password" errors={state?.fieldErrors?.confirm} />
      <FormMessage state={state?.ok ? { ok: true, message: "Password changed." } : state} />
      <Button type="submit" pending={pending}>
        {pending ? "Saving…" : "Change password"}
      </Button>
    </ActionForm>
  );
}
