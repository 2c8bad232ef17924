"use client";
import { useActionState, useCallback, useState } from "react";
import { toast } from "sonner";
import { ActionForm, type FormAction } from "@/components/forms";
import { Badge } from "@/components/ui/badge";
import { Button, buttonClass } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog, DialogActions, DialogFooter } from "@/components/ui/dialog";
import { FieldFrame, FormMessage, controlClass } from "@/components/ui/field";
import { Cell, EmptyRow, Row, Table, TableBody, TableHead, Th } from "@/components/ui/table";
import { plural } from "@/lib/format";
import type { ImportResult, ProfileView, TemplateView } from "@/lib/templates";
import { IMPORT_MAX_CHARS, IMPORT_TOO_LARGE } from "@/lib/templates/limits";
import { MODE_LABELS } from "./mode-labels";
import { ProfileFields, TemplateFields, type Errors } from "./record-fields";

// Expert templates and CC profiles, one manager for both kinds and for the admin pages and the portal
// alike: the page hands in the actions scoped to who acts (the admin's, or the signed-in owner's "My"
// ones) and the `model@endpoint` pairs the forms suggest. A table of the records, Create, Edit, Delete
// (confirmed, counting the grants that go), Export (a download) and Import (all or nothing).

export type RecordKind = "template" | "profile";
type Item = TemplateView | ProfileView;

export type RecordActions = {
  create: FormAction<{ id: string }>;
  /** Payload `{ id, ...fields }`. */
  update: FormAction<unknown>;
  /** Payload `{ id }`; answers how many grants went. */
  delete: FormAction<{ grants: number }>;
  /** Payload `{ json, mode }`. */
  import: FormAction<ImportResult>;
};

const WORDS: Record<RecordKind, { one: string; One: string; many: string }> = {
  template: { one: "template", One: "Template", many: "templates" },
  profile: { one: "CC profile", One: "CC profile", many: "CC profiles" },
};

const targetOf = (item: Item) => (item.config ? ("target" in item.config ? item.config.target : item.config.toolModel) : null);
const grantsOf = (n: number) => plural(n, "permission grant");
const FORM_GRID = "grid grid-cols-1 gap-4 sm:grid-cols-2";

/** The page heading's buttons: create, import, export. */
export function RecordsToolbar({ kind, actions, targets, exportHref, importNote }: { kind: RecordKind; actions: RecordActions; targets: string[]; exportHref: string; importNote: string }) {
  return (
    <>
      <a href={exportHref} download className={buttonClass("secondary")}>
        Export
      </a>
      <ImportDialog kind={kind} action={actions.import} note={importNote} />
      <CreateRecordDialog kind={kind} action={actions.create} targets={targets} />
    </>
  );
}

export function RecordsTable({
  kind,
  items,
  actions,
  targets,
  showOwner,
  empty,
}: {
  kind: RecordKind;
  items: Item[];
  actions: RecordActions;
  targets: string[];
  showOwner: boolean;
  empty: string;
}) {
  const w = WORDS[kind];
  const columns = 5 + (showOwner ? 1 : 0) + (kind === "template" ? 1 : 0) + 1;
  return (
    <Table data-testid={`${kind}s-table`}>
      <caption className="sr-only">{w.many}</caption>
      <TableHead>
        <Th>Name</Th>
        <Th>Description</Th>
        {showOwner && <Th>Owner</Th>}
        <Th>{kind === "template" ? "Target" : "Tool model"}</Th>
        <Th>Mode</Th>
        {kind === "template" && <Th>Cost</Th>}
        <Th>Status</Th>
        <Th>
          Grants <span className="sr-only">(users granted it)</span>
        </Th>
        <Th className="text-right">Actions</Th>
      </TableHead>
      <TableBody>
        {items.length === 0 && <EmptyRow colSpan={columns}>{empty}</EmptyRow>}
        {items.map((item) => (
          <Row key={item.id} className="md:align-top" data-record={item.name}>
            <Cell className="items-start">
              <div className="min-w-0">
                <span className="block font-mono font-medium break-all text-fg">{item.name}</span>
                {item.broken && (
                  <Badge tone="rose" className="mt-1">
                    Broken: {item.broken}
                  </Badge>
                )}
              </div>
            </Cell>
            <Cell label="Description" className="break-words text-fg">
              {item.description || <span className="text-muted">—</span>}
            </Cell>
            {showOwner && (
              <Cell label="Owner" data-testid="owner">
                {item.ownerName === null ? <Badge tone="violet">Admin</Badge> : <span className="break-all text-fg">{item.ownerName}</span>}
              </Cell>
            )}
            <Cell label={kind === "template" ? "Target" : "Tool model"} className="text-fg">
              {targetOf(item) ? <span className="min-w-0 font-mono text-xs break-all">{targetOf(item)}</span> : <span className="text-muted">—</span>}
            </Cell>
            <Cell label="Mode" className="text-fg md:whitespace-nowrap">
              {item.config ? MODE_LABELS[item.config.mode] : "—"}
            </Cell>
            {kind === "template" && (
              <Cell label="Cost" className="text-fg md:whitespace-nowrap" title="The endpoint's prices × this factor">
                × {(item as TemplateView).costFactor.toLocaleString("en-US")}
              </Cell>
            )}
            <Cell label="Status" data-testid="status">
              {item.active ? <Badge tone="green">{kind === "template" ? "Active" : "Enabled"}</Badge> : <Badge>{kind === "template" ? "Inactive" : "Disabled"}</Badge>}
            </Cell>
            <Cell label="Grants" className="text-fg" data-testid="grants">
              {item.grants.toLocaleString("en-US")}
            </Cell>
            <Cell className="pt-2 md:pt-2">
              <RecordRowActions kind={kind} item={item} actions={actions} targets={targets} />
            </Cell>
          </Row>
        ))}
      </TableBody>
    </Table>
  );
}

/** A row's Edit and Delete, each opening its dialog (mounted only while open). */
function RecordRowActions({ kind, item, actions, targets }: { kind: RecordKind; item: Item; actions: RecordActions; targets: string[] }) {
  const [open, setOpen] = useState<"edit" | "delete">();
  const close = useCallback(() => setOpen(undefined), []);
  const w = WORDS[kind];
  return (
    <div className="flex w-full flex-wrap items-center gap-1 md:justify-end">
      <Button size="sm" variant="link" onClick={() => setOpen("edit")} aria-label={`Edit ${item.name}`}>
        Edit
      </Button>
      <Button size="sm" variant="quiet-danger" onClick={() => setOpen("delete")} aria-label={`Delete ${item.name}`}>
        Delete
      </Button>
      {open === "edit" && <EditRecordDialog kind={kind} item={item} action={actions.update} targets={targets} onClose={close} />}
      {open === "delete" && (
        <ConfirmDialog
          open
          onOpenChange={(o) => !o && close()}
          title={`Delete ${item.name}?`}
          confirmLabel={`Delete ${w.one}`}
          pendingLabel="Deleting…"
          removesOpener
          done={`${w.One} ${item.name} deleted.`}
          confirm={() => actions.delete(undefined, { id: item.id })}
        >
          <p>
            This removes the {w.one} <strong>{item.name}</strong>
            {kind === "template" ? ": calls naming it as their model are refused from then on." : ": users with it active go back to no active profile."}
          </p>
          <p data-testid="grants-note">
            {item.grants > 0 ? (
              <>
                <strong>{grantsOf(item.grants)}</strong> naming it {item.grants === 1 ? "is" : "are"} removed too (each user&apos;s in the audit log).
              </>
            ) : (
              <>No user is granted it, so no grant is removed.</>
            )}{" "}
            This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function Fields({ kind, item, targets, errors }: { kind: RecordKind; item?: Item; targets: string[]; errors: Errors }) {
  return kind === "template" ? (
    <TemplateFields item={item as TemplateView | undefined} targets={targets} errors={errors} />
  ) : (
    <ProfileFields item={item as ProfileView | undefined} targets={targets} errors={errors} />
  );
}


/** The action, answering with the name it was sent (the toast names the record; the action answers its id). */
const named = <T,>(action: FormAction<T>): FormAction<T & { name: string }> =>
  async (prev, payload) => {
    const r = await action(prev, payload);
    const name = String((payload as { name?: unknown }).name ?? "").trim();
    return r.ok ? { ...r, data: { ...(r.data as T), name } } : (r as never);
  };

function CreateRecordDialog({ kind, action, targets }: { kind: RecordKind; action: RecordActions["create"]; targets: string[] }) {
  const [open, setOpen] = useState(false);
  const w = WORDS[kind];
  return (
    <>
      <Button onClick={() => setOpen(true)}>+ Create {w.one}</Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title={`Create ${w.one}`}
        description={kind === "template" ? "A named model: calls naming it go to its target with its settings." : "Where Claude Code's claude-* calls go while the profile is active."}
        wide
      >
        {open && <CreateRecordForm kind={kind} action={action} targets={targets} close={() => setOpen(false)} />}
      </Dialog>
    </>
  );
}

function CreateRecordForm({ kind, action, targets, close }: { kind: RecordKind; action: RecordActions["create"]; targets: string[]; close: () => void }) {
  const [state, submit, pending] = useActionState(named(action), undefined);
  const errors = state?.ok ? undefined : state?.fieldErrors;
  const w = WORDS[kind];
  return (
    <ActionForm
      action={submit}
      state={state}
      onSuccess={({ data }) => {
        close();
        toast.success(`${w.One} ${data?.name} created.`);
      }}
      className={FORM_GRID}
    >
      <Fields kind={kind} targets={targets} errors={errors} />
      <div className="sm:col-span-2">
        <FormMessage state={state?.ok ? undefined : state} />
      </div>
      <DialogActions className="sm:col-span-2" onCancel={close} pending={pending} label={`Create ${w.one}`} />
    </ActionForm>
  );
}

/** Mounted while open, so each opening starts from the stored values and no old errors. */
function EditRecordDialog({ kind, item, action, targets, onClose }: { kind: RecordKind; item: Item; action: RecordActions["update"]; targets: string[]; onClose: () => void }) {
  const [state, submit, pending] = useActionState(named(action), undefined);
  const errors = state?.ok ? undefined : state?.fieldErrors;
  const w = WORDS[kind];
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={`Edit ${item.name}`} wide>
      <ActionForm
        action={submit}
        state={state}
        onSuccess={({ data }) => {
          toast.success(`${w.One} ${data?.name ?? item.name} saved.`);
          onClose();
        }}
        className={FORM_GRID}
      >
        <input type="hidden" name="id" value={item.id} />
        {item.broken && (
          <p className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger sm:col-span-2" role="note">
            Broken: {item.broken}
          </p>
        )}
        <Fields kind={kind} item={item} targets={targets} errors={errors} />
        <div className="sm:col-span-2">
          <FormMessage state={state?.ok ? undefined : state} />
        </div>
        <DialogActions className="sm:col-span-2" onCancel={onClose} pending={pending} label="Save" />
      </ActionForm>
    </Dialog>
  );
}

function ImportDialog({ kind, action, note }: { kind: RecordKind; action: RecordActions["import"]; note: string }) {
  const [open, setOpen] = useState(false);
  const w = WORDS[kind];
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Import
      </Button>
      <Dialog open={open} onOpenChange={setOpen} title={`Import ${w.many}`} description="From a JSON file exported here. All or nothing: one bad item and nothing is imported.">
        {open && <ImportForm kind={kind} action={action} note={note} close={() => setOpen(false)} />}
      </Dialog>
    </>
  );
}

const importSummary = (r: ImportResult) =>
  [
    `${r.added.toLocaleString("en-US")} added`,
    `${r.skipped.length.toLocaleString("en-US")} skipped${r.skipped.length ? ` (${r.skipped.slice(0, 5).join(", ")}${r.skipped.length > 5 ? ", …" : ""})` : ""}`,
    `${r.replaced.toLocaleString("en-US")} replaced`,
    ...(r.grantsRemoved ? [`${grantsOf(r.grantsRemoved)} removed`] : []),
  ].join(", ");

function ImportForm({ kind, action, note, close }: { kind: RecordKind; action: RecordActions["import"]; note: string; close: () => void }) {
  const [state, submit, pending] = useActionState(action, undefined);
  const [json, setJson] = useState("");
  // A file too large for one form post is refused here, before it is sent (the server checks again).
  const [tooLarge, setTooLarge] = useState(false);
  const errors = tooLarge ? { json: [IMPORT_TOO_LARGE] } : state?.ok ? undefined : state?.fieldErrors;
  const w = WORDS[kind];
  return (
    <ActionForm
      action={submit}
      state={state}
      collect={(form) => ({ json, mode: new FormData(form).get("mode") })}
      onSuccess={({ data }) => {
        close();
        if (data) toast.success(`${w.One} import done: ${importSummary(data)}.`);
      }}
      className="flex flex-col gap-4"
    >
      <FieldFrame label="JSON file" errors={errors?.json} hint={`A file from Export (${w.many}), at most ${IMPORT_MAX_CHARS / 1000} KB`}>
        {({ invalid, ...control }) => (
          <input
            {...control}
            type="file"
            accept=".json,application/json"
            className={controlClass(invalid, "file:mr-3 file:rounded file:border-0 file:bg-surface-2 file:px-2 file:py-1 file:text-fg")}
            onChange={async (e) => {
              const file = e.target.files?.[0];
              setTooLarge(!!file && file.size > IMPORT_MAX_CHARS);
              setJson(file && file.size <= IMPORT_MAX_CHARS ? await file.text() : "");
            }}
          />
        )}
      </FieldFrame>
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-sm font-medium text-fg">Names that exist</legend>
        <label className="flex items-start gap-2 text-sm text-fg">
          <input type="radio" name="mode" value="merge" defaultChecked className="mt-1" />
          <span>
            <strong>Merge</strong>: add the new names, skip the ones that exist
          </span>
        </label>
        <label className="flex items-start gap-2 text-sm text-fg">
          <input type="radio" name="mode" value="replace" className="mt-1" />
          <span>
            <strong>Replace</strong>: {note}
          </span>
        </label>
      </fieldset>
      <FormMessage state={state?.ok ? undefined : state} />
      <DialogFooter>
        <Button variant="secondary" onClick={close}>
          Cancel
        </Button>
        <Button type="submit" pending={pending}>
          {pending ? "Importing…" : "Import"}
        </Button>
      </DialogFooter>
    </ActionForm>
  );
}
