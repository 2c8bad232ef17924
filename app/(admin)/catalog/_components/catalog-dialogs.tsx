"use client";
import { useActionState } from "react";
import { toast } from "sonner";
import { ActionForm } from "@/components/forms";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { CreateDialog } from "@/components/ui/create-dialog";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field, FormMessage } from "@/components/ui/field";
import { TextArea } from "@/components/ui/textarea";
import type { CatalogRow } from "@/lib/catalog";
import { CATALOG_LABELS, type CatalogKind } from "@/lib/catalog/kinds";
import { capitalize, plural } from "@/lib/format";
import { createCatalogEntryAction, deleteCatalogEntryAction, updateCatalogEntryAction } from "../actions";

// The add, edit and delete dialogs of the skills and MCP tools pages: one shape for both lists, the
// kind travelling in the payload.

type Errors = Record<string, string[] | undefined> | undefined;

const label = (kind: CatalogKind) => CATALOG_LABELS[kind].one;
const Label = (kind: CatalogKind) => capitalize(label(kind));
const grantsOf = (n: number) => plural(n, "permission grant");

function EntryFields({ kind, entry, errors }: { kind: CatalogKind; entry?: CatalogRow; errors: Errors }) {
  return (
    <>
      <input type="hidden" name="kind" value={kind} />
      <Field
        label="Name"
        name="name"
        required
        autoComplete="off"
        spellCheck={false}
        defaultValue={entry?.name}
        hint="As agents use it: a letter or digit first, then letters, digits and . _ : / - (no spaces)"
        errors={errors?.name}
      />
      <TextArea label="Description" name="description" rows={3} mono={false} defaultValue={entry?.description} hint="Optional, at most 500 characters" errors={errors?.description} />
    </>
  );
}


export function CreateCatalogDialog({ kind }: { kind: CatalogKind }) {
  return (
    <CreateDialog buttonLabel={`+ Add ${label(kind)}`} title={`Add ${label(kind)}`} description={`A ${label(kind)} name agents may use once a user is granted it.`}>
      {({ done, close }) => <CreateCatalogForm kind={kind} done={done} close={close} />}
    </CreateDialog>
  );
}

function CreateCatalogForm({ kind, done, close }: { kind: CatalogKind; done: (message: string) => void; close: () => void }) {
  const [state, action, pending] = useActionState(createCatalogEntryAction, undefined);
  const errors = state?.ok ? undefined : state?.fieldErrors;
  return (
    <ActionForm action={action} state={state} onSuccess={({ data }) => data && done(`${Label(kind)} ${data.name} added.`)} className="flex flex-col gap-4">
      <EntryFields kind={kind} errors={errors} />
      <FormMessage state={state?.ok ? undefined : state} />
      <DialogActions onCancel={close} pending={pending} label={`Add ${label(kind)}`} />
    </ActionForm>
  );
}

/** Mounted while open, so each opening starts from the stored values and no old errors. */
export function EditCatalogDialog({ kind, entry, onClose }: { kind: CatalogKind; entry: CatalogRow; onClose: () => void }) {
  const [state, action, pending] = useActionState(updateCatalogEntryAction, undefined);
  const errors = state?.ok ? undefined : state?.fieldErrors;
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()} title={`Edit ${entry.name}`}>
      <ActionForm
        action={action}
        state={state}
        onSuccess={({ data }) => {
          toast.success(`${Label(kind)} ${data?.name ?? entry.name} saved.`);
          onClose();
        }}
        className="flex flex-col gap-4"
      >
        <input type="hidden" name="id" value={entry.id} />
        <EntryFields kind={kind} entry={entry} errors={errors} />
        <p className="rounded-md bg-surface-2 px-3 py-2 text-sm text-fg" data-testid="grants-note">
          {entry.grants > 0 ? (
            <>
              Renaming carries its <strong>{grantsOf(entry.grants)}</strong> along: the users granted {entry.name} are granted the new name instead.
            </>
          ) : (
            <>Renaming carries any grants along: users granted {entry.name} would be granted the new name instead.</>
          )}{" "}
          Agents that ask for the old name must switch to the new one.
        </p>
        <FormMessage state={state?.ok ? undefined : state} />
        <DialogActions onCancel={onClose} pending={pending} label="Save" />
      </ActionForm>
    </Dialog>
  );
}

export function DeleteCatalogDialog({ kind, entry, onClose }: { kind: CatalogKind; entry: CatalogRow; onClose: () => void }) {
  return (
    <ConfirmDialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={`Delete ${entry.name}?`}
      confirmLabel={`Delete ${label(kind)}`}
      pendingLabel="Deleting…"
      removesOpener
      done={`${Label(kind)} ${entry.name} deleted.`}
      confirm={() => deleteCatalogEntryAction(undefined, { kind, id: entry.id })}
    >
      <p>
        This removes the {label(kind)} <strong>{entry.name}</strong>: agents no longer see it.
      </p>
      <p data-testid="grants-note">
        {entry.grants > 0 ? (
          <>
            <strong>{grantsOf(entry.grants)}</strong> naming it {entry.grants === 1 ? "is" : "are"} removed too (each user&apos;s in the audit log).
          </>
        ) : (
          <>No user is granted it by name, so no grant is removed.</>
        )}{" "}
        Grants of every {label(kind)} (*) stay. This cannot be undone.
      </p>
    </ConfirmDialog>
  );
}
