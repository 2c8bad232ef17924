"use client";
import { useActionState } from "react";
import { ActionForm } from "@/components/forms";
import { Button } from "@/components/ui/button";
import { CreateDialog } from "@/components/ui/create-dialog";
import { DialogFooter } from "@/components/ui/dialog";
import { Field, FormMessage, Select } from "@/components/ui/field";
import { ROLES } from "@/db/enums";
import { createUserAction } from "../actions";

const mailNote = { sent: "welcome e-mail sent", failed: "the welcome e-mail could not be sent", disabled: "e-mail is not configured", "not-requested": "" };

export function CreateUserDialog({ mailEnabled }: { mailEnabled: boolean }) {
  return (
    <CreateDialog
      buttonLabel="+ Create User"
      title="Create user"
      description="The user signs in with this username and password and is asked to choose their own at first login."
      wide
    >
      {({ done, close }) => <CreateUserForm mailEnabled={mailEnabled} done={done} close={close} />}
    </CreateDialog>
  );
}

function CreateUserForm({ mailEnabled, done, close }: { mailEnabled: boolean; done: (message: string) => void; close: () => void }) {
  const [state, action, pending] = useActionState(createUserAction, undefined);
  const errors = state?.ok ? undefined : state?.fieldErrors;
  return (
    <ActionForm
      action={action}
      state={state}
      onSuccess={({ data }) => data && done(`User created${mailNote[data.mail] ? ` — ${mailNote[data.mail]}` : ""}.`)}
      className="grid grid-cols-1 gap-4 sm:grid-cols-2"
    >
      <Field label="Username" name="username" required autoComplete="off" hint="a-z, 0-9, - and _; 3–32 characters" errors={errors?.username} />
      <Field label="Email" name="email" type="email" required autoComplete="off" errors={errors?.email} />
      <Field label="Display name" name="displayName" autoComplete="off" errors={errors?.displayName} />
      <Field label="Password" name="password" type="password" required autoComplete="new-password" hint="At least 8 characters" errors={errors?.password} />
      <Select label="Role" name="role" defaultValue="user" errors={errors?.role}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </Select>
      <div className="hidden sm:block" />
      <Field label="Daily limit (tokens)" name="dailyLimit" inputMode="numeric" placeholder="Unlimited" errors={errors?.dailyLimit} />
      <Field label="Monthly limit (tokens)" name="monthlyLimit" inputMode="numeric" placeholder="Unlimited" errors={errors?.monthlyLimit} />
      <Field label="Total limit (tokens)" name="totalLimit" inputMode="numeric" placeholder="Unlimited" errors={errors?.totalLimit} />
      <div className="hidden sm:block" />
      <fieldset className="flex flex-col gap-1 text-sm sm:col-span-2" disabled={!mailEnabled}>
        <label className="flex items-center gap-2">
          <input type="checkbox" name="sendWelcome" defaultChecked={mailEnabled} /> Send welcome e-mail
        </label>
        <label className="flex items-center gap-2 pl-6 text-muted">
          <input type="checkbox" name="includePassword" /> Include the password in the e-mail
        </label>
        {!mailEnabled && <p className="text-xs text-muted">E-mail is off: set SMTP_HOST and SMTP_FROM to send welcome e-mails.</p>}
      </fieldset>
      <div className="sm:col-span-2">
        <FormMessage state={state?.ok ? undefined : state} />
      </div>
      <DialogFooter className="sm:col-span-2">
        <Button variant="secondary" onClick={close}>
          Cancel
        </Button>
        <Button type="submit" pending={pending}>
          {pending ? "Creating…" : "Create user"}
        </Button>
      </DialogFooter>
    </ActionForm>
  );
}
