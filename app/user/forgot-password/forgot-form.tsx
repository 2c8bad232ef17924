"use client";
import { useActionState } from "react";
import { ActionForm } from "@/components/forms";
import { Button } from "@/components/ui/button";
import { Field, FormMessage } from "@/components/ui/field";
import { forgotPasswordAction } from "./actions";

/**
 * `initial`: the outcome of a post made without JavaScript (./submit/route.ts redirects back with it
 * in the address), shown until the form is used again.
 */
export function ForgotForm({ initial }: { initial?: { ok: boolean; message: string; fieldErrors?: Record<string, string[]> } }) {
  const [state, action, pending] = useActionState(forgotPasswordAction, undefined);
  const shown = state ? { ok: state.ok, message: state.ok ? state.data?.message : state.message, fieldErrors: state.fieldErrors } : initial;
  return (
    <ActionForm action={action} state={state} fallback="/user/forgot-password/submit" className="flex flex-col gap-4">
      <Field label="E-mail address" name="email" type="email" autoComplete="email" autoFocus errors={shown?.ok ? undefined : shown?.fieldErrors?.email ?? undefined} />
      <FormMessage state={shown} />
      <Button type="submit" pending={pending}>
        {pending ? "Sending…" : "Send reset link"}
      </Button>
    </ActionForm>
  );
}
