"use client";
import { useActionState } from "react";
import { toast } from "sonner";
import { ActionForm, type FormAction } from "@/components/forms";
import { Button } from "@/components/ui/button";
import { Field, FormMessage } from "@/components/ui/field";
import { formatAtOffset } from "@/lib/timezone";
import type { UserDetail } from "@/lib/users";

type AlertSettings = Pick<UserDetail, "username" | "email" | "alertEnabled" | "alertThresholdPct" | "alertEmail" | "lastAlertSentAt">;

/**
 * Budget alerts (SPEC §3): one e-mail per window when usage of any limit reaches the threshold. Saved
 * on its own, like the timezone, so that it never waits on, or is refused for, a field of another form.
 * One form for both sides: the admin's Budget tab hands in an action bound to the user it edits, the
 * portal's billing page one that acts for the signed-in user (payload `{ alertEnabled,
 * alertThresholdPct, alertEmail }` either way).
 */
export function AlertsForm({
  user,
  mailEnabled,
  action,
  viewer,
}: {
  user: AlertSettings;
  mailEnabled: boolean;
  action: FormAction<unknown>;
  /** Who edits: the wording says "the user's" to an admin and "your" to the owner. */
  viewer: "admin" | "owner";
}) {
  const [state, save, saving] = useActionState(action, undefined);
  const errors = state?.ok ? undefined : state?.fieldErrors;
  const owner = viewer === "owner";
  const Heading = owner ? "h2" : "h3";
  return (
    <section aria-labelledby="budget-alerts-heading" className={owner ? "flex flex-col gap-3" : "flex flex-col gap-3 border-t border-line pt-4"}>
      <Heading id="budget-alerts-heading" className={owner ? "text-lg font-medium" : "text-sm font-medium"}>
        Budget alerts
      </Heading>
      <ActionForm
        action={save}
        state={state}
        onSuccess={() => toast.success(owner ? "Alerts saved." : `${user.username}: alerts saved.`)}
        className="grid grid-cols-1 gap-4 sm:grid-cols-[auto_8rem_1fr]"
      >
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
          hint={owner ? "Empty: your account's e-mail." : "Empty: the user's own e-mail."}
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
