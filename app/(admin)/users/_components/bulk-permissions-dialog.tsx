"use client";
import { useActionState, useId, useRef, useState } from "react";
import { toast } from "sonner";
import { ActionForm } from "@/components/forms";
import { Button } from "@/components/ui/button";
import { Dialog, DialogFooter } from "@/components/ui/dialog";
import { controlClass, FieldError, FormMessage, Select } from "@/components/ui/field";
import { plural } from "@/lib/format";
import type { GrantOption, GrantOptions } from "@/lib/permissions";
import { RESOURCE_LABELS, type ResourceType } from "@/lib/permissions/rules";
import { bulkPermissionsAction } from "../actions";
import type { SelectableUser } from "./user-selection";

// Grant or revoke the same permissions for the users selected on /users: what to do, a resource type,
// the resources (a list of checkboxes, grouped by endpoint for model endpoints), and a last line that
// says what will happen to how many users before the button that does it.

const TYPES = Object.keys(RESOURCE_LABELS) as ResourceType[];
/** Above this many choices the list gets a filter box. */
const FILTER_FROM = 8;

/** "a", "a and b", "a, b and c", "a, b, c and 4 more". */
function listOf(items: string[], max = 3): string {
  if (items.length <= 1) return items[0] ?? "";
  const shown = items.length > max ? [...items.slice(0, max), `${items.length - max} more`] : items;
  return `${shown.slice(0, -1).join(", ")} and ${shown.at(-1)}`;
}

/** Consecutive options of one group together (the options come grouped: `*` first, then per endpoint). */
function grouped(options: GrantOption[]): { group?: string; options: GrantOption[] }[] {
  const out: { group?: string; options: GrantOption[] }[] = [];
  for (const o of options) {
    const last = out.at(-1);
    if (last && last.group === o.group) last.options.push(o);
    else out.push({ group: o.group, options: [o] });
  }
  return out;
}

export function BulkPermissionsDialog({
  users,
  options,
  onClose,
  onDone,
  focusAfterDone,
}: {
  users: SelectableUser[];
  options: GrantOptions;
  onClose: () => void;
  /** After a success (the toast is shown here): close and clear the selection. */
  onDone: () => void;
  /** Where focus goes after a success, the button that opened the dialog being gone with the selection. */
  focusAfterDone: () => HTMLElement | null;
}) {
  const [state, action, pending] = useActionState(bulkPermissionsAction, undefined);
  const [op, setOp] = useState<"grant" | "revoke">("grant");
  const [type, setType] = useState<ResourceType>("model_endpoint");
  const [chosen, setChosen] = useState<string[]>([]);
  const [filter, setFilter] = useState("");
  const succeeded = useRef(false);
  const errorId = useId();
  const errors = state?.ok ? undefined : state?.fieldErrors;
  const idsInvalid = Boolean(errors?.ids?.length);

  const all = options[type];
  const needle = filter.trim().toLowerCase();
  const shown = needle ? all.filter((o) => o.label.toLowerCase().includes(needle) || o.id.toLowerCase().includes(needle)) : all;
  const labels = all.filter((o) => chosen.includes(o.id)).map((o) => o.label);
  const admins = users.filter((u) => u.role === "admin");
  // "model endpoint", but "MCP tool" and "CC profile" keep their capitals.
  const what = RESOURCE_LABELS[type].replace(/^[A-Z][a-z]/, (m) => m.toLowerCase());
  const names = listOf(
    users.map((u) => u.username),
    5,
  );
  const toOrFrom = op === "grant" ? "to" : "from";
  const verb = op === "grant" ? "Grant" : "Revoke";

  const choose = (id: string, on: boolean) => setChosen((c) => (on ? [...c, id] : c.filter((x) => x !== id)));

  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={`Permissions for ${plural(users.length, "user")}`}
      description="Grant or revoke the same permissions for every selected user."
      wide
      focusAfterClose={() => (succeeded.current ? focusAfterDone() : undefined)}
    >
      <ActionForm
        action={action}
        state={state}
        collect={() => ({ userIds: users.map((u) => u.id), op, type, ids: chosen })}
        onSuccess={({ data }) => {
          const changed = data?.changed ?? 0;
          const n = plural(users.length, "user");
          const done =
            op === "grant"
              ? `Granted ${listOf(labels)} to ${n}: ${changed === 0 ? "they held it already" : `${plural(changed, "new grant")}`}.`
              : `Revoked ${listOf(labels)} from ${n}: ${changed === 0 ? "none of them held it" : `${plural(changed, "grant")} removed`}.`;
          succeeded.current = true;
          toast.success(done);
          onDone();
        }}
        className="flex flex-col gap-4"
      >
        <fieldset className="flex flex-col gap-1">
          <legend className="mb-1 text-sm font-medium text-fg">Action</legend>
          <div className="flex flex-wrap gap-x-6 gap-y-1 text-sm text-fg">
            {(["grant", "revoke"] as const).map((o) => (
              <label key={o} className="flex min-h-6 items-center gap-2">
                <input type="radio" name="op" value={o} checked={op === o} onChange={() => setOp(o)} className="h-4 w-4 accent-primary" />
                {o === "grant" ? "Grant" : "Revoke"}
              </label>
            ))}
          </div>
          <FieldError errors={errors?.op} />
        </fieldset>

        <Select
          label="Resource type"
          name="type"
          value={type}
          onChange={(e) => {
            setType(e.target.value as ResourceType);
            setChosen([]);
            setFilter("");
          }}
          errors={errors?.type}
        >
          {TYPES.map((t) => (
            <option key={t} value={t}>
              {RESOURCE_LABELS[t]}
            </option>
          ))}
        </Select>

        <fieldset className="flex min-w-0 flex-col gap-2" aria-describedby={idsInvalid ? errorId : undefined}>
          <legend className="mb-1 text-sm font-medium text-fg">
            {RESOURCE_LABELS[type]}s to {op}
            {chosen.length > 0 && <span className="font-normal text-muted"> · {chosen.length} chosen</span>}
          </legend>
          {all.length > FILTER_FROM && (
            <input
              type="search"
              aria-label={`Filter the ${what}s`}
              placeholder="Filter…"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              className={controlClass(false)}
            />
          )}
          <div className="max-h-64 overflow-y-auto rounded-md border border-line-strong p-2" data-testid="bulk-resources">
            {all.length === 0 && <p className="p-2 text-sm text-muted">No {what}s exist yet.</p>}
            {all.length > 0 && shown.length === 0 && <p className="p-2 text-sm text-muted">None matches “{filter}”.</p>}
            {grouped(shown).map((g, i) => {
              const boxes = g.options.map((o) => (
                <label key={o.id} className="flex min-h-8 items-start gap-2 rounded px-1 py-1 text-sm text-fg hover:bg-surface-2 md:min-h-6">
                  <input
                    type="checkbox"
                    name="ids"
                    value={o.id}
                    checked={chosen.includes(o.id)}
                    onChange={(e) => choose(o.id, e.target.checked)}
                    aria-invalid={idsInvalid || undefined}
                    aria-describedby={idsInvalid ? errorId : undefined}
                    className="mt-0.5 h-4 w-4 shrink-0 accent-primary"
                  />
                  <span className="min-w-0 break-words">
                    {o.label}
                    {o.id === "*" || o.id.startsWith("*@") ? <span className="text-muted"> ({o.id})</span> : null}
                  </span>
                </label>
              ));
              return g.group ? (
                <fieldset key={`${g.group}-${i}`} className="mt-2 min-w-0 first:mt-0">
                  <legend className="px-1 text-xs font-semibold text-muted">{g.group}</legend>
                  {boxes}
                </fieldset>
              ) : (
                <div key={`none-${i}`}>{boxes}</div>
              );
            })}
          </div>
          <FieldError id={errorId} errors={errors?.ids} />
          {op === "revoke" && (
            <p className="text-xs text-muted">Revoking removes exactly these grants: a user who also holds a broader one (e.g. every model on every endpoint) keeps what it allows.</p>
          )}
        </fieldset>

        <p className="text-sm text-muted" data-testid="admins-note">
          Admins may use everything without any grant.
          {admins.length > 0 &&
            ` ${admins.length === users.length ? (admins.length === 1 ? "The selected user is an admin" : "All the selected users are admins") : `${plural(admins.length, "selected user is an admin", "selected users are admins")} (${listOf(admins.map((a) => a.username))})`}: they need none, and a grant changes nothing for them.`}
        </p>

        <p className="rounded-md bg-surface-2 px-3 py-2 text-sm text-fg" data-testid="bulk-summary">
          {labels.length > 0 ? (
            <>
              {verb} <strong>{listOf(labels)}</strong> {toOrFrom} <strong>{plural(users.length, "user")}</strong>: {names}.
            </>
          ) : (
            <>
              Choose what to {op}; it applies {toOrFrom} all <strong>{plural(users.length, "selected user")}</strong>: {names}.
            </>
          )}
        </p>
        <FieldError errors={errors?.userIds} />
        <FormMessage state={state?.ok ? undefined : state} />

        <DialogFooter>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant={op === "revoke" ? "danger" : "primary"} pending={pending}>
            {pending ? (op === "grant" ? "Granting…" : "Revoking…") : `${verb} ${toOrFrom} ${plural(users.length, "user")}`}
          </Button>
        </DialogFooter>
      </ActionForm>
    </Dialog>
  );
}
