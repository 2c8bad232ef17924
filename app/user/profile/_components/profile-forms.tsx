"use client";
import { useActionState } from "react";
import { toast } from "sonner";
import { ActionForm } from "@/components/forms";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, Select } from "@/components/ui/field";
import { formatAtOffset, offsetLabel, TIMEZONE_OFFSETS } from "@/lib/timezone";
import { changeOwnEmailAction, changeOwnPasswordAction, setOwnTimezoneAction, updateOwnProfileAction } from "../actions";

type Profile = { username: string; email: string | null; displayName: string | null };
type Timezone = { offsetHours: number; inForceHours: number; switchAt: string | null };

/** The offsets to choose from, with the stored one among them even if it lies between quarter hours. */
const offsetChoices = (current: number) => (TIMEZONE_OFFSETS.includes(current) ? TIMEZONE_OFFSETS : [...TIMEZONE_OFFSETS, current].sort((a, b) => a - b));
const appliesFrom = (switchAt: string, offset: number) => `It applies from ${formatAtOffset(switchAt, offset)} (${offsetLabel(offset)}), the start of your next day.`;

function Card({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={id} className="flex flex-col gap-4 rounded-lg border border-line bg-surface p-4 sm:p-6">
      <h2 id={id} className="text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** In place of a form an impersonating admin may not use. */
function Locked({ what, value }: { what: string; value?: string | null }) {
  return (
    <p className="text-sm text-muted" data-testid="impersonation-locked">
      {value !== undefined && (
        <>
          <span className="font-medium text-fg">{value ?? "None"}</span>
          <br />
        </>
      )}
      {`While impersonating, you cannot change the user's ${what}.`}
    </p>
  );
}

// Four forms, each saved on its own, so that one never waits on, or is refused for, a field of another.
// Each says its outcome twice: a toast, and a status line inside the form (where the focus is).
export function ProfileForms({
  profile,
  timezone,
  mailEnabled,
  impersonating = false,
}: {
  profile: Profile;
  timezone: Timezone;
  mailEnabled: boolean;
  /** An admin impersonating: the e-mail and password are the user's alone (the actions refuse too). */
  impersonating?: boolean;
}) {
  const [nameState, saveName, savingName] = useActionState(updateOwnProfileAction, undefined);
  const [emailState, saveEmail, savingEmail] = useActionState(changeOwnEmailAction, undefined);
  const [tzState, saveTz, savingTz] = useActionState(setOwnTimezoneAction, undefined);
  const [pwState, savePw, savingPw] = useActionState(changeOwnPasswordAction, undefined);
  const errorsOf = (s: { ok: boolean; fieldErrors?: Record<string, string[] | undefined> } | undefined) => (s?.ok ? undefined : s?.fieldErrors);

  const emailSaved = (notified: boolean | undefined) => (notified ? "E-mail address changed. A notice went to your previous address." : "E-mail address changed.");
  const tzSaved = (switchAt: string | null | undefined, offset: number) => `Timezone saved.${switchAt ? ` ${appliesFrom(switchAt, offset)}` : ""}`;

  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
      <Card id="profile-account" title="Account">
        <ActionForm action={saveName} state={nameState} onSuccess={() => toast.success("Display name saved.")} className="flex flex-col gap-4">
          <Field label="Username" name="username" value={profile.username} readOnly aria-readonly="true" hint="Your sign-in name; only an administrator can change it." />
          <Field
            label="Display name"
            name="displayName"
            defaultValue={profile.displayName ?? ""}
            autoComplete="name"
            hint="Shown in the header instead of your username. Leave empty for none."
            errors={errorsOf(nameState)?.displayName}
          />
          <FormMessage state={nameState?.ok ? { ok: true, message: "Display name saved." } : nameState} />
          <Button type="submit" pending={savingName} className="self-start">
            {savingName ? "Saving…" : "Save name"}
          </Button>
        </ActionForm>
      </Card>

      <Card id="profile-email" title="E-mail address">
        {impersonating ? (
          <Locked what="e-mail address" value={profile.email} />
        ) : (
          <ActionForm
            action={saveEmail}
            state={emailState}
            onSuccess={(s) => toast.success(emailSaved(s.data?.notified))}
            className="flex flex-col gap-4"
          >
            <Field label="E-mail address" name="email" type="email" autoComplete="email" defaultValue={profile.email ?? ""} errors={errorsOf(emailState)?.email} />
            <Field
              label="Current password"
              name="current"
              type="password"
              autoComplete="current-password"
              hint={mailEnabled ? "Needed to change the address. Your previous address is told of the change." : "Needed to change the address."}
              errors={errorsOf(emailState)?.current}
            />
            <FormMessage state={emailState?.ok ? { ok: true, message: emailSaved(emailState.data?.notified) } : emailState} />
            <Button type="submit" pending={savingEmail} className="self-start">
              {savingEmail ? "Saving…" : "Change e-mail"}
            </Button>
          </ActionForm>
        )}
      </Card>

      <Card id="profile-timezone" title="Timezone">
        <p className="text-sm text-muted" data-testid="timezone-note">
          Your daily and monthly budgets start at midnight in this timezone. A change does not cut today short or add a day: it applies from the start of your
          next day in the current timezone.
          {timezone.switchAt
            ? ` ${offsetLabel(timezone.offsetHours)} is saved; ${appliesFrom(timezone.switchAt, timezone.inForceHours)} Until then your days follow ${offsetLabel(timezone.inForceHours)}.`
            : ` Your days now follow ${offsetLabel(timezone.offsetHours)}.`}
        </p>
        <ActionForm
          action={saveTz}
          state={tzState}
          onSuccess={(s) => toast.success(tzSaved(s.data?.switchAt, timezone.inForceHours))}
          className="flex flex-col gap-4"
        >
          <Select label="Timezone (UTC offset)" name="timezoneOffsetHours" defaultValue={String(timezone.offsetHours)} errors={errorsOf(tzState)?.timezoneOffsetHours}>
            {offsetChoices(timezone.offsetHours).map((o) => (
              <option key={o} value={String(o)}>
                {offsetLabel(o)}
              </option>
            ))}
          </Select>
          <FormMessage state={tzState?.ok ? { ok: true, message: tzSaved(tzState.data?.switchAt, timezone.inForceHours) } : tzState} />
          <Button type="submit" pending={savingTz} className="self-start">
            {savingTz ? "Saving…" : "Save timezone"}
          </Button>
        </ActionForm>
      </Card>

      <Card id="profile-password" title="Password">
        {impersonating ? (
          <Locked what="password" />
        ) : (
          <ActionForm
            action={savePw}
            state={pwState}
            resetOnSuccess
            onSuccess={() => toast.success("Password changed. Your other sessions have been signed out.")}
            className="flex flex-col gap-4"
          >
            <Field label="Current password" name="current" type="password" autoComplete="current-password" errors={errorsOf(pwState)?.current} />
            <Field label="New password" name="password" type="password" autoComplete="new-password" hint="At least 8 characters" errors={errorsOf(pwState)?.password} />
            <Field label="Repeat new password" name="confirm" type="password" autoComplete="new-password" errors={errorsOf(pwState)?.confirm} />
            <FormMessage state={pwState?.ok ? { ok: true, message: "Password changed. Your other sessions have been signed out." } : pwState} />
            <Button type="submit" pending={savingPw} className="self-start">
              {savingPw ? "Saving…" : "Change password"}
            </Button>
          </ActionForm>
        )}
      </Card>
    </div>
  );
}
