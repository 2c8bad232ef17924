"use client";
import { useActionState } from "react";
import { ActionForm } from "@/components/forms";
import { Button } from "@/components/ui/button";
import { Field, FormMessage } from "@/components/ui/field";
import { forgotPasswordAction } from "./actions";

export function ForgotForm() {
  const [state, action, pending] = useActionState(forgotPasswordAction, undefined);
  const sent = state?.ok ? (state.data as { message: string } | undefined)?.message : undefined;
  return (
    <ActionForm action={action} state={state} className="flex flex-col gap-4">
      <Field label="E-mail address" name="email" type="email" autoComplete="email" autoFocus errors={state?.ok ? undefined : state?.fieldErrors?.email} />
      <FormMessage state={sent ? { ok: true, message: sent } : state} />
      <Button type="submit" pending={pending}>
        {pending ? "Sending…" : "Send reset link"}
      </Button>
    </ActionForm>
  );
}
