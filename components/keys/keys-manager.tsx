"use client";
import { useActionState, useState, useTransition } from "react";
import { submitObject, type FormAction } from "@/components/forms";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Field, FormMessage } from "@/components/ui/field";
import type { KeyRow } from "@/lib/keys";

/** The fields of a key the list shows; never the key itself, which only `create`'s answer carries. */
export type KeyListItem = Pick<KeyRow, "id" | "prefix" | "label" | "status" | "lastUsedAt">;

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
};

const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace("T", " ") + " UTC" : "Never");

/** A user's API keys: prefix, label, last used, status, suspend / reactivate / delete, and create. */
export function KeysManager({ keys, actions }: { keys: KeyListItem[]; actions: KeyActions }) {
  const [created, create, creating] = useActionState(actions.create, undefined);
  const [rowState, setRowState] = useState<{ ok: boolean; message?: string }>();
  const [pending, start] = useTransition();
  const [confirming, setConfirming] = useState<string>();
  const [copied, setCopied] = useState(false);

  const act = (fn: () => Promise<{ ok: boolean; message?: string }>, done: string) =>
    start(async () => {
      const r = await fn();
      setRowState(r.ok ? { ok: true, message: done } : r);
      setConfirming(undefined);
    });

  return (
    <div className="flex flex-col gap-4">
      {created?.ok && created.data && (
        <div className="rounded-md border border-amber-300 bg-amber-50 p-4" data-testid="new-key">
          <p className="mb-2 text-sm font-medium text-amber-900">Copy the key now: it is shown this once and cannot be retrieved later.</p>
          <div className="flex items-center gap-2">
            <code className="flex-1 break-all rounded bg-white px-2 py-1 font-mono text-sm" aria-label="New API key">
              {created.data.key}
            </code>
            <Button
              variant="secondary"
              size="sm"
              onClick={() => navigator.clipboard?.writeText(created.data!.key).then(() => setCopied(true), () => setCopied(false))}
            >
              {copied ? "Copied" : "Copy"}
            </Button>
          </div>
        </div>
      )}

      <table className="min-w-full text-sm" data-testid="keys-table">
        <thead className="text-left text-slate-600">
          <tr>
            <th className="py-1 font-medium">Prefix</th>
            <th className="py-1 font-medium">Label</th>
            <th className="py-1 font-medium">Last used</th>
            <th className="py-1 font-medium">Status</th>
            <th className="py-1 text-right font-medium">Actions</th>
          </tr>
        </thead>
        <tbody>
          {keys.length === 0 && (
            <tr>
              <td colSpan={5} className="py-4 text-center text-slate-500">
                No API keys yet.
              </td>
            </tr>
          )}
          {keys.map((k) => (
            <tr key={k.id} className="border-t border-slate-100" data-key-prefix={k.prefix}>
              <td className="py-2 font-mono text-xs">{k.prefix}…</td>
              <td className="py-2">{k.label || <span className="text-slate-400">—</span>}</td>
              <td className="py-2 text-slate-600">{when(k.lastUsedAt)}</td>
              <td className="py-2">
                {k.status === "active" ? <Badge className="bg-green-100 text-green-800">Active</Badge> : <Badge className="bg-amber-100 text-amber-800">Suspended</Badge>}
              </td>
              <td className="py-2">
                <div className="flex justify-end gap-1">
                  <Button
                    size="sm"
                    variant={k.status === "active" ? "warning" : "secondary"}
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
                  {confirming === k.id ? (
                    <>
                      <Button size="sm" variant="danger" disabled={pending} onClick={() => act(() => actions.delete(undefined, { keyId: k.id }), `Key ${k.prefix}… deleted.`)}>
                        Confirm delete
                      </Button>
                      <Button size="sm" variant="ghost" onClick={() => setConfirming(undefined)}>
                        Cancel
                      </Button>
                    </>
                  ) : (
                    <Button size="sm" variant="danger" onClick={() => setConfirming(k.id)} aria-label={`Delete key ${k.prefix}`}>
                      Delete
                    </Button>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <FormMessage state={rowState} />

      <form onSubmit={submitObject(create)} className="flex items-start gap-3 border-t border-slate-200 pt-4" noValidate>
        <Field label="New key label" name="label" placeholder="e.g. laptop, CI, Claude Code" maxLength={100} errors={created?.ok ? undefined : created?.fieldErrors?.label} className="w-72" />
        <Button type="submit" disabled={creating} className="mt-6">
          {creating ? "Creating…" : "Create key"}
        </Button>
      </form>
      {created && !created.ok && <FormMessage state={created} />}
    </div>
  );
}
