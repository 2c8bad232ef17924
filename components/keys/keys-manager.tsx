"use client";
import { useActionState, useRef, useState, useTransition } from "react";
import { toast } from "sonner";
import { ActionForm, type FormAction } from "@/components/forms";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Field, FormMessage } from "@/components/ui/field";
import type { KeyRow } from "@/lib/keys";
import { CopyButton } from "./copy-button";

/** The fields of a key the list shows; never the key itself, which only `create`'s answer carries. */
export type KeyListItem = Pick<KeyRow, "id" | "prefix" | "label" | "status" | "lastUsedAt" | "createdAt" | "suspendedBy">;

/** Who looks at the keys: an admin may lift any suspension, an owner not an admin's. */
export type KeyViewer = "admin" | "owner";

/**
 * What the keys UI does, handed in by the page that knows whose keys these are: the admin's edit
 * dialog binds actions that name the user; a portal page binds ones scoped to the signed-in user.
 * Server actions can be passed as they are when their payload matches.
 */
export type KeyActions = {
  /** Payload `{ label }`; answers the full key, shown here once. */
  create: FormAction<{ key: string; prefix: string }>;
  /** Payload `{ keyId, status: "active" | "suspended" }`. */
  setStatus: FormAction<unknown>;
  /** Payload `{ keyId }`; asked for after a confirmation. */
  delete: FormAction<unknown>;
  /** Payload `{ keyId, label }`; without it the labels are read-only. */
  rename?: FormAction<unknown>;
};

const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace("T", " ") + " UTC" : "Never");

/**
 * A user's API keys: prefix, label, created, last used, status, rename / suspend / reactivate / delete,
 * and create. `onCreated` hears the new key (the portal shows how to connect with it).
 */
export function KeysManager({
  keys,
  actions,
  viewer = "admin",
  onCreated,
  createRefused,
}: {
  keys: KeyListItem[];
  actions: KeyActions;
  viewer?: KeyViewer;
  onCreated?: (key: string) => void;
  /** Why no key may be created here (an admin impersonating the owner): said instead of the form. */
  createRefused?: string;
}) {
  const [created, create, creating] = useActionState(actions.create, undefined);
  const [rowState, setRowState] = useState<{ ok: boolean; message?: string }>();
  const [pending, start] = useTransition();
  const [confirming, setConfirming] = useState<string>();
  const [renaming, setRenaming] = useState<string>();
  const [renameErrors, setRenameErrors] = useState<string[]>();
  const labelField = useRef<HTMLInputElement>(null);

  // Each outcome is said in the tab's own status line (the page behind the dialog is hidden from
  // screen readers) and shown as a toast.
  const act = (fn: () => Promise<{ ok: boolean; message?: string }>, done: string, after?: () => void) =>
    start(async () => {
      const r = await fn();
      setRowState(r.ok ? { ok: true, message: done } : r);
      setConfirming(undefined);
      if (r.ok) setRenaming(undefined);
      if (!r.ok) return;
      toast.success(done);
      after?.();
    });

  return (
    <div className="flex flex-col gap-4">
      {created?.ok && created.data && (
        <div className="rounded-md border border-amber-300 bg-amber-50 p-4 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100" data-testid="new-key">
          <p className="mb-2 text-sm font-medium">Copy the key now: it is shown this once and cannot be retrieved later.</p>
          <div className="flex flex-wrap items-center gap-2">
            <code className="min-w-0 flex-1 break-all rounded bg-surface px-2 py-1 font-mono text-sm text-fg" aria-label="New API key">
              {created.data.key}
            </code>
            {/* Named "Copy" only: tests and screen readers find the key itself by its label, "New API key". */}
            <CopyButton text={created.data.key} />
          </div>
        </div>
      )}

      {/* Six columns do not fit a phone: the table scrolls inside its own box, which a keyboard can
          focus to scroll. No keys: a sentence, not a header row in a scroll box that cuts it off. */}
      {keys.length === 0 ? (
        <p className="rounded-md border border-dashed border-line py-6 text-center text-sm text-muted" data-testid="keys-empty">
          No API keys yet.
        </p>
      ) : (
        <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="API keys">
          <table className="min-w-[44rem] w-full text-sm" data-testid="keys-table">
            <thead className="text-left text-muted">
              <tr>
                <th className="py-1 font-medium">Prefix</th>
                <th className="py-1 font-medium">Label</th>
                <th className="py-1 font-medium">Created</th>
                <th className="py-1 font-medium">Last used</th>
                <th className="py-1 font-medium">Status</th>
                <th className="py-1 text-right font-medium">Actions</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => {
                // An owner cannot lift an admin's suspension (the server refuses too): no button, the reason instead.
                const locked = viewer === "owner" && k.status === "suspended" && k.suspendedBy === "admin";
                return (
                  <tr key={k.id} className="border-t border-line" data-key-prefix={k.prefix}>
                    <td className="py-2 font-mono text-xs">{k.prefix}…</td>
                    <td className="py-2">
                      {renaming === k.id && actions.rename ? (
                        <form
                          method="post"
                          className="flex flex-wrap items-start gap-1"
                          onSubmit={(e) => {
                            e.preventDefault();
                            const label = String(new FormData(e.currentTarget).get("label") ?? "");
                            act(async () => {
                              const r = await actions.rename!(undefined, { keyId: k.id, label });
                              setRenameErrors(r.ok ? undefined : r.fieldErrors?.label);
                              return r;
                            }, `Key ${k.prefix}… renamed.`);
                          }}
                        >
                          <input
                            name="label"
                            defaultValue={k.label}
                            maxLength={100}
                            autoFocus
                            aria-label={`New label for key ${k.prefix}`}
                            aria-invalid={renameErrors ? true : undefined}
                            aria-describedby={renameErrors ? `rename-${k.id}-error` : undefined}
                            className="w-36 rounded-md border border-line-strong bg-surface px-2 py-1 text-sm"
                          />
                          <Button type="submit" size="sm" variant="secondary" disabled={pending}>
                            Save
                          </Button>
                          <Button
                            size="sm"
                            variant="quiet"
                            onClick={() => {
                              setRenaming(undefined);
                              setRenameErrors(undefined);
                            }}
                          >
                            Cancel
                          </Button>
                          {renameErrors && (
                            <p id={`rename-${k.id}-error`} className="w-full text-xs text-danger" aria-live="polite">
                              {renameErrors.join(" ")}
                            </p>
                          )}
                        </form>
                      ) : (
                        k.label || <span className="text-muted">—</span>
                      )}
                    </td>
                    <td className="py-2 text-muted">{when(k.createdAt)}</td>
                    <td className="py-2 text-muted">{when(k.lastUsedAt)}</td>
                    <td className="py-2">
                      {k.status === "active" ? <Badge tone="green">Active</Badge> : <Badge tone="amber">Suspended</Badge>}
                      {locked && <p className="mt-1 max-w-[14rem] text-xs text-muted">Suspended by an administrator — ask them to reactivate it.</p>}
                      {viewer === "admin" && k.status === "suspended" && k.suspendedBy === "owner" && <p className="mt-1 text-xs text-muted">By its owner</p>}
                    </td>
                    <td className="py-2">
                      <div className="flex justify-end gap-1">
                        {actions.rename && renaming !== k.id && (
                          <Button
                            size="sm"
                            variant="quiet"
                            disabled={pending}
                            onClick={() => {
                              setRenaming(k.id);
                              setRenameErrors(undefined);
                            }}
                            aria-label={`Rename key ${k.prefix}`}
                          >
                            Rename
                          </Button>
                        )}
                        {!locked && (
                          <Button
                            size="sm"
                            variant="quiet"
                            disabled={pending}
                            onClick={() =>
                              act(
                                () => actions.setStatus(undefined, { keyId: k.id, status: k.status === "active" ? "suspended" : "active" }),
                                k.status === "active" ? `Key ${k.prefix}… suspended.` : `Key ${k.prefix}… reactivated.`,
                              )
                            }
                            aria-label={`${k.status === "active" ? "Suspend" : "Reactivate"} key ${k.prefix}`}
                          >
                            {k.status === "active" ? "Suspend" : "Reactivate"}
                          </Button>
                        )}
                        {confirming === k.id ? (
                          <>
                            <Button
                              size="sm"
                              variant="danger"
                              disabled={pending}
                              // Focus follows the Delete button it replaces; once the row goes, on to the new-key field.
                              autoFocus
                              onClick={() => act(() => actions.delete(undefined, { keyId: k.id }), `Key ${k.prefix}… deleted.`, () => labelField.current?.focus())}
                            >
                              Confirm delete
                            </Button>
                            <Button size="sm" variant="quiet" onClick={() => setConfirming(undefined)}>
                              Cancel
                            </Button>
                          </>
                        ) : (
                          <Button size="sm" variant="quiet-danger" onClick={() => setConfirming(k.id)} aria-label={`Delete key ${k.prefix}`}>
                            Delete
                          </Button>
                        )}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <FormMessage state={rowState} />

      {createRefused ? (
        <p className="border-t border-line pt-4 text-sm text-muted" data-testid="create-refused">
          {createRefused}
        </p>
      ) : (
        <ActionForm
          action={create}
          state={created}
          resetOnSuccess
          onSuccess={(state) => {
            toast.success("API key created: copy it now.");
            if (state.data) onCreated?.(state.data.key);
          }}
          className="flex flex-wrap items-end gap-3 border-t border-line pt-4"
        >
          <Field
            ref={labelField}
            label="New key label"
            name="label"
            placeholder="e.g. laptop, CI, Claude Code"
            maxLength={100}
            errors={created?.ok ? undefined : created?.fieldErrors?.label}
            className="w-full sm:w-72"
          />
          <Button type="submit" pending={creating}>
            {creating ? "Creating…" : "Create key"}
          </Button>
        </ActionForm>
      )}
      {created && !created.ok && <FormMessage state={created} />}
    </div>
  );
}
