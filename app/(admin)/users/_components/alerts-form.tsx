"use client";
import { useActionState } from "react";
import { toast } from "sonner";
import { ActionForm } from "@/components/forms";
import { Button } from "@/components/ui/button";
import { Field, FormMessage } from "@/components/ui/field";
import { formatAtOffset } from "@/lib/timezone";
import type { UserDetail } from "@/lib/users";
import { setAlertsAction } from "../actions";

/**
 * Budget alerts (SPEC §3): one e-mail per window when usage of any limit reaches the threshold. Saved
 * on its own, like the timezone, so that it never waits on, or is refused for, a field of the budget form.
 */
export function AlertsForm({ user, mailEnabled }: { user: UserDetail; mailEnabled: boolean }) {
  const [state, save, saving] = useActionState(setAlertsAction, undefined);
  const errors = state?.ok ? undefined : state?.fieldErrors;
  return (
    <section aria-labelledby="budget-alerts-heading" className="flex flex-col gap-3 border-t border-line pt-4">
      <h3 id="budget-alerts-heading" className="text-sm font-medium">
        Budget alerts
      </h3>
      <ActionForm action={save} state={state} onSuccess={() => toast.success(`${user.username}: alerts saved.`)} className="grid grid-cols-1 gap-4 sm:grid-cols-[auto_8rem_1fr]">
        <input type="hidden" name="id" value={user.id} />
        <label className="flex items-center gap-2 self-start py-2 text-sm sm:mt-6">
          <input type="checkbox" name="alertEnabled" defaultChecked={user.alertEnabled === 1} /> Alert by e-mail
        </label>
        <Field
          label="Threshold (%)"
          name="alertThresholdPct"
          inputMode="numeric"
          defaultValue={String(user.alertThresholdPct)}
          placeholder="80"
          errors={errors?.alertThresholdPct}
        />
        <Field
          label="Alert e-mail"
          name="alertEmail"
          type="email"
          autoComplete="off"
          defaultValue={user.alertEmail ?? ""}
          placeholder={user.email ?? undefined}
          hint="Empty: the user's own e-mail."
          errors={errors?.alertEmail}
        />
        <div className="flex flex-wrap items-center justify-between gap-3 sm:col-span-3">
          <p className="text-xs text-muted" data-testid="alerts-note">
            {mailEnabled ? "One e-mail per budget window (day, month or total) when its usage reaches the threshold." : "E-mail is not configured (SMTP): no alert is sent."}
            {user.lastAlertSentAt ? ` Last sent ${formatAtOffset(user.lastAlertSentAt, 0)} UTC.` : ""}
          </p>
          <Button type="submit" variant="secondary" pending={saving}>
            {saving ? "Saving…" : "Save alerts"}
          </Button>
        </div>
      </ActionForm>
      <FormMessage state={state?.ok ? { ok: true, message: "Alerts saved." } : state} />
    </section>
  );
}
