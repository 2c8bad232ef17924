"use client";
import { useActionState } from "react";
import { toast } from "sonner";
import { ActionForm, type FormAction } from "@/components/forms";
import { Button } from "@/components/ui/button";
import { FormMessage, Select } from "@/components/ui/field";

export type ProfileChoice = { id: string; name: string; active: boolean; broken: string | null };

/**
 * Chooses a user's active CC profile among the ones they may use, or none. `action` takes
 * `{ profileId }` (empty: none), with `userId` added when an admin chooses for someone
 * (the hidden fields).
 */
export function ActiveProfileForm({
  action,
  profiles,
  activeId,
  hidden,
  done,
}: {
  action: FormAction<unknown>;
  profiles: ProfileChoice[];
  activeId: string | null;
  hidden?: Record<string, string>;
  /** The toast after a save. */
  done: string;
}) {
  const [state, submit, pending] = useActionState(action, undefined);
  const errors = state?.ok ? undefined : state?.fieldErrors;
  return (
    <ActionForm
      action={submit}
      state={state}
      onSuccess={() => {
        toast.success(done);
      }}
      className="flex flex-col gap-3"
    >
      {Object.entries(hidden ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-0 flex-1 sm:max-w-sm">
          <Select label="Active CC profile" name="profileId" defaultValue={activeId ?? ""} errors={errors?.profileId}>
            <option value="">None</option>
            {profiles.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
                {p.active ? "" : " (disabled)"}
                {p.broken ? " (broken)" : ""}
              </option>
            ))}
          </Select>
        </div>
        <Button type="submit" variant="secondary" pending={pending} className="mb-1">
          {pending ? "Saving…" : "Save"}
        </Button>
      </div>
      <FormMessage state={state?.ok ? undefined : state} />
    </ActionForm>
  );
}
