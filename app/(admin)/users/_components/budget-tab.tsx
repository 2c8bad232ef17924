"use client";
import { useActionState, useState, useTransition } from "react";
import { toast } from "sonner";
import { ActionForm } from "@/components/forms";
import { Button } from "@/components/ui/button";
import { DialogFooter } from "@/components/ui/dialog";
import { Field, FormMessage, Select } from "@/components/ui/field";
import { StatusBadge } from "@/components/users/role-badge";
import { BudgetMeters } from "@/components/users/budget-meters";
import { ROLES, type Role } from "@/db/enums";
import type { BudgetStatus } from "@/lib/budgets/status";
import { formatAtOffset, offsetLabel, TIMEZONE_OFFSETS } from "@/lib/timezone";
import type { UserDetail } from "@/lib/users";
import { AlertsForm } from "@/components/alerts/alerts-form";
import { resetPasswordAction, setActiveAction, setAlertsAction, setRoleAction, setTimezoneAction, updateUserAction } from "../actions";

const asField = (n: number | null) => (n === null ? "" : String(n));

/** The offsets to choose from, with the stored one among them even if it lies between quarter hours (set before they were the rule). */
const offsetChoices = (current: number) => (TIMEZONE_OFFSETS.includes(current) ? TIMEZONE_OFFSETS : [...TIMEZONE_OFFSETS, current].sort((a, b) => a - b));

/** When a timezone change takes over, in UTC, as the tab and its toast say it. */
const appliesFrom = (switchAt: string) => `Applies from ${formatAtOffset(switchAt, 0)} UTC, the start of the user's next day.`;
const timezoneSaved = (data: { switchAt: string | null } | undefined) => `Timezone saved.${data?.switchAt ? ` ${appliesFrom(data.switchAt)}` : ""}`;

// Inside the dialog the rest of the page is hidden from screen readers, so each outcome is also said
// in the dialog's own status line; the toast is the visual confirmation.
export function BudgetTab({ user, status, isSelf, mailEnabled }: { user: UserDetail; status: BudgetStatus; isSelf: boolean; mailEnabled: boolean }) {
  const [role, setRole] = useState<Role>(user.role);
  const [quick, setQuick] = useState<{ ok: boolean; message?: string }>();
  const [pendingQuick, startQuick] = useTransition();
  const [state, save, saving] = useActionState(updateUserAction, undefined);
  const [pwState, reset, resetting] = useActionState(resetPasswordAction, undefined);
  const [tzState, saveTimezone, savingTimezone] = useActionState(setTimezoneAction, undefined);
  const pendingSwitch = status.timezone.switchAt;
  const errors = state?.ok ? undefined : state?.fieldErrors;
  const active = user.isActive === 1;

  const quickly = (run: () => Promise<{ ok: boolean; message?: string }>, done: string, undo?: () => void) =>
    startQuick(async () => {
      const result = await run();
      if (!result.ok) undo?.();
      setQuick(result.ok ? { ok: true, message: done } : result);
      if (result.ok) toast.success(done);
    });

  // The role is saved the moment it changes (seed: "A role change is saved immediately").
  const changeRole = (next: Role) => {
    const previous = role;
    setRole(next);
    quickly(() => setRoleAction(undefined, { id: user.id, role: next }), `Role saved: ${next}`, () => setRole(previous));
  };

  const toggleActive = () =>
    quickly(() => setActiveAction(undefined, { id: user.id, active: !active }), active ? "User suspended; their sessions have ended." : "User activated.");

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div className="w-full sm:w-48">
          <Select label="Role" name="role" value={role} disabled={pendingQuick || isSelf} onChange={(e) => changeRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </Select>
        </div>
        <div className="flex items-center gap-3">
          <StatusBadge active={active} />
          <Button variant="secondary" onClick={toggleActive} pending={pendingQuick} disabled={isSelf}>
            {active ? "Suspend" : "Activate"}
          </Button>
        </div>
      </div>
      {isSelf && <p className="text-xs text-muted">You cannot change the role of, suspend or delete your own account.</p>}
      <FormMessage state={quick} />

      <ActionForm action={save} state={state} onSuccess={() => toast.success(`${user.username}: changes saved.`)} className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <input type="hidden" name="id" value={user.id} />
        <Field label="Display name" name="displayName" defaultValue={user.displayName ?? ""} errors={errors?.displayName} />
        <Field label="Email" name="email" type="email" defaultValue={user.email ?? ""} errors={errors?.email} />
        <Field label="Daily limit (tokens)" name="dailyLimit" inputMode="numeric" placeholder="Unlimited" defaultValue={asField(user.dailyLimit)} errors={errors?.dailyLimit} />
        <Field label="Monthly limit (tokens)" name="monthlyLimit" inputMode="numeric" placeholder="Unlimited" defaultValue={asField(user.monthlyLimit)} errors={errors?.monthlyLimit} />
        <Field label="Total limit (tokens)" name="totalLimit" inputMode="numeric" placeholder="Unlimited" defaultValue={asField(user.totalLimit)} errors={errors?.totalLimit} />
        <Select label="Budget type" name="budgetType" defaultValue={user.budgetType} errors={errors?.budgetType}>
          <option value="subscription">Subscription (monthly reset)</option>
          <option value="one_time">One-time (no reset)</option>
        </Select>
        <DialogFooter className="justify-between sm:col-span-2">
          <FormMessage state={state?.ok ? { ok: true, message: "Saved." } : state} />
          <Button type="submit" pending={saving} className="ml-auto">
            {saving ? "Saving…" : "Save"}
          </Button>
        </DialogFooter>
      </ActionForm>

      <section aria-labelledby="budget-usage-heading" className="flex flex-col gap-3">
        <h3 id="budget-usage-heading" className="text-sm font-medium">
          Current usage
        </h3>
        {/*
          Saved on its own (button and toast) rather than on every change like the role: a select of 105
          offsets changes with each arrow key, and each save would be an audit row; nor with the form
          above, so that a change here never waits on, or is refused for, an unrelated field there.
        */}
        <ActionForm
          action={saveTimezone}
          state={tzState}
          onSuccess={(s) => toast.success(`${user.username}: ${timezoneSaved(s.data)}`)}
          className="flex flex-wrap items-end gap-3"
        >
          <input type="hidden" name="id" value={user.id} />
          <div className="w-full sm:w-56">
            <Select label="Timezone (UTC offset)" name="timezoneOffsetHours" defaultValue={String(user.timezoneOffsetHours)} errors={tzState?.ok ? undefined : tzState?.fieldErrors?.timezoneOffsetHours}>
              {offsetChoices(user.timezoneOffsetHours).map((o) => (
                <option key={o} value={String(o)}>
                  {offsetLabel(o)}
                </option>
              ))}
            </Select>
          </div>
          {/* mb-1: level with the select, above its (empty) error line */}
          <Button type="submit" variant="secondary" pending={savingTimezone} className="mb-1">
            {savingTimezone ? "Saving…" : "Save timezone"}
          </Button>
        </ActionForm>
        <p className="text-xs text-muted" data-testid="timezone-note">
          {pendingSwitch
            ? `${offsetLabel(status.timezone.offsetHours)}: ${appliesFrom(pendingSwitch)} Until then the budget days follow ${offsetLabel(status.timezone.inForceHours)}.`
            : `The budget's days and months begin at midnight ${offsetLabel(status.timezone.offsetHours)}. A change applies from the user's next day.`}
        </p>
        <FormMessage state={tzState?.ok ? { ok: true, message: timezoneSaved(tzState.data) } : tzState} />
        <BudgetMeters status={status} oneTime={user.budgetType === "one_time"} />
      </section>

      <AlertsForm
        user={user}
        mailEnabled={mailEnabled}
        viewer="admin"
        // The user's id goes in last, so that nothing the form sends can name another user.
        action={(prev, payload) => setAlertsAction(prev, { ...(payload as Record<string, unknown>), id: user.id })}
      />

      <section className="border-t border-line pt-4">
        <h3 className="mb-2 text-sm font-medium">Reset password</h3>
        <ActionForm
          action={reset}
          state={pwState}
          resetOnSuccess
          onSuccess={() => toast.success(`${user.username}: password reset.`)}
          className="flex flex-wrap items-end gap-4"
        >
          <input type="hidden" name="id" value={user.id} />
          <Field label="New password" name="password" type="password" autoComplete="new-password" errors={pwState?.ok ? undefined : pwState?.fieldErrors?.password} className="w-full sm:w-64" />
          <label className="flex items-center gap-2 py-2 text-sm">
            <input type="checkbox" name="mustChange" defaultChecked /> Must change at next login
          </label>
          <Button type="submit" variant="secondary" pending={resetting}>
            {resetting ? "Resetting…" : "Reset password"}
          </Button>
        </ActionForm>
        <FormMessage state={pwState?.ok ? { ok: true, message: "Password reset; the user's sessions have ended." } : pwState} />
      </section>
    </div>
  );
}
