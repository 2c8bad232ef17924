"use client";
import { useEffect, useId, useRef, useState, useTransition } from "react";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { FieldError, FormMessage } from "@/components/ui/field";
import { MultiSelect, type MultiSelectOption } from "@/components/ui/multi-select";
import { Cell, EmptyRow, Row, Table, TableBody, TableHead, Th } from "@/components/ui/table";
import { GrantTypeBadge } from "@/components/users/grant-type-badge";
import type { ActionState } from "@/lib/auth/action";
import { plural } from "@/lib/format";
import type { GrantOption, GrantOptions, GrantRow } from "@/lib/permissions";
import { RESOURCE_LABELS, type ResourceType } from "@/lib/permissions/rules";
import { ActiveProfileForm, type ProfileChoice } from "@/components/templates/active-profile-form";
import { setUserActiveProfileAction } from "../../cc-profiles/actions";
import { grantAction, revokeAction } from "../actions";

/** An expert's or admin's active CC profile and the ones they may use. */
export type ProfileSetting = { choices: ProfileChoice[]; activeId: string | null };

/** What the tab shows of a grant (not who granted it). */
export type PermissionItem = Pick<GrantRow, "id" | "type" | "resourceId" | "name" | "known" | "createdAt">;

const TYPES = Object.keys(RESOURCE_LABELS) as ResourceType[];

/** Each type's name in a sentence, one and many. */
const NOUNS: Record<ResourceType, { one: string; many: string }> = {
  model_endpoint: { one: "model endpoint", many: "model endpoints" },
  skill: { one: "skill", many: "skills" },
  mcp_tool: { one: "MCP tool", many: "MCP tools" },
  moe_mode: { one: "mode", many: "modes" },
  expert_template: { one: "expert template", many: "expert templates" },
  cc_profile: { one: "CC profile", many: "CC profiles" },
};

const HINTS: Partial<Record<ResourceType, string>> = {
  model_endpoint: "Every model everywhere, every model of one endpoint, or one model on one endpoint.",
  skill: "Agents ask the gateway which skills they may use.",
  mcp_tool: "Agents ask the gateway which MCP tools they may use.",
  moe_mode: "A plain call is native and needs no grant.",
};

const capital = (s: string) => s[0].toUpperCase() + s.slice(1);
/** A grant named as the confirmations and labels say it: "Model endpoint gpt-4o@openai". */
const grantName = (g: Pick<PermissionItem, "type" | "resourceId">) => `${RESOURCE_LABELS[g.type]} ${g.resourceId}`;

const HEADING_ID = "permissions-heading";

type Confirming = { ids: number[]; single?: PermissionItem };

/**
 * The edit dialog's Permissions tab: the user's grants (revoked one at a time or selected together,
 * each after a confirmation) and one card per resource type to add more. Each outcome is said in the
 * tab's own status line (the page behind the dialog is hidden from screen readers) and as a toast.
 */
export function PermissionsTab({
  userId,
  username,
  isAdmin,
  grants,
  options,
  profiles,
}: {
  userId: string;
  username: string;
  isAdmin: boolean;
  grants: PermissionItem[];
  options: GrantOptions;
  /** Experts and admins only: their active CC profile. */
  profiles?: ProfileSetting;
}) {
  const [picked, setPicked] = useState<number[]>([]);
  const [confirming, setConfirming] = useState<Confirming>();
  const [confirmOpen, setConfirmOpen] = useState(false);
  const [said, setSaid] = useState<{ ok: boolean; message?: string }>();
  const selectAll = useRef<HTMLInputElement>(null);

  // Grants revoked meanwhile (here or elsewhere) drop out of the selection when the page's data comes back.
  const selected = picked.filter((id) => grants.some((g) => g.id === id));
  const all = grants.length > 0 && selected.length === grants.length;
  useEffect(() => {
    if (selectAll.current) selectAll.current.indeterminate = selected.length > 0 && !all;
  }, [selected.length, all]);

  const toggle = (id: number, on: boolean) => setPicked(on ? [...selected, id] : selected.filter((s) => s !== id));
  const ask = (c: Confirming) => {
    setConfirming(c);
    setConfirmOpen(true);
  };
  const revokedText = (c: Confirming) => (c.single ? `${grantName(c.single)} revoked from ${username}.` : `${plural(c.ids.length, "permission")} revoked from ${username}.`);
  const heldOf = (type: ResourceType) => new Set(grants.filter((g) => g.type === type).map((g) => g.resourceId));
  const noModel = !isAdmin && grants.length > 0 && !grants.some((g) => g.type === "model_endpoint");

  return (
    <div className="flex flex-col gap-6">
      <section aria-labelledby={HEADING_ID} className="flex flex-col gap-3">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h3 id={HEADING_ID} tabIndex={-1} className="text-sm font-medium">
            Active permissions <span className="font-normal text-muted">({grants.length})</span>
          </h3>
          {isAdmin && <p className="text-xs text-muted">Admins may use everything without permissions.</p>}
        </div>
        {noModel && <p className="text-xs text-muted">No model endpoint granted: this user can call no model.</p>}

        {grants.length > 0 && (
          <div className="flex flex-wrap items-center gap-3">
            <label className="flex items-center gap-2 text-sm">
              <input ref={selectAll} type="checkbox" checked={all} onChange={(e) => setPicked(e.target.checked ? grants.map((g) => g.id) : [])} /> Select all
            </label>
            <Button size="sm" variant="quiet-danger" disabled={selected.length === 0} onClick={() => ask({ ids: selected })}>
              Revoke selected{selected.length > 0 ? ` (${selected.length})` : ""}
            </Button>
          </div>
        )}

        <Table data-testid="permissions-table">
          <caption className="sr-only">Permissions of {username}</caption>
          <TableHead>
            <Th className="w-10">
              <span className="sr-only">Selected</span>
            </Th>
            <Th>Type</Th>
            <Th>Resource</Th>
            <Th>Granted</Th>
            <Th className="text-right">
              <span className="sr-only">Actions</span>
            </Th>
          </TableHead>
          <TableBody>
            {grants.length === 0 && (
              <EmptyRow colSpan={5}>{isAdmin ? "No permissions: admins need none, they may use everything." : "No permissions: this user can call no model."}</EmptyRow>
            )}
            {grants.map((g) => (
              <Row key={g.id} data-grant={`${g.type}:${g.resourceId}`}>
                <Cell label="Select">
                  <input type="checkbox" checked={selected.includes(g.id)} onChange={(e) => toggle(g.id, e.target.checked)} aria-label={`Select ${grantName(g)}`} />
                </Cell>
                <Cell label="Type">
                  <GrantTypeBadge type={g.type} />
                </Cell>
                <Cell label="Resource">
                  <div className="min-w-0">
                    <code className="block break-all font-mono text-xs">{g.resourceId}</code>
                    {g.known ? (
                      <span className="block break-words text-muted">{g.name}</span>
                    ) : (
                      <Badge tone="rose" className="mt-0.5">
                        No longer exists
                      </Badge>
                    )}
                  </div>
                </Cell>
                <Cell label="Granted" className="text-muted">
                  {g.createdAt.slice(0, 10)}
                </Cell>
                <Cell className="md:text-right">
                  <Button size="sm" variant="quiet-danger" onClick={() => ask({ ids: [g.id], single: g })} aria-label={`Revoke ${grantName(g)}`}>
                    Revoke
                  </Button>
                </Cell>
              </Row>
            ))}
          </TableBody>
        </Table>
        <FormMessage state={said} />
      </section>

      {profiles && (
        <section aria-labelledby="active-profile-heading" className="flex flex-col gap-2 border-t border-line pt-4" data-testid="active-profile">
          <h3 id="active-profile-heading" className="text-sm font-medium">
            Claude Code
          </h3>
          <p className="text-xs text-muted">
            While a profile is active, {username}&apos;s Claude Code calls (claude-* models on /v1/messages) go to its tool model. The choice: their own profiles,
            those granted to them{isAdmin ? ", and as an admin every profile" : ""}.
          </p>
          <ActiveProfileForm action={setUserActiveProfileAction} profiles={profiles.choices} activeId={profiles.activeId} hidden={{ userId }} done={`Active CC profile of ${username} saved.`} />
        </section>
      )}

      <section aria-labelledby="grant-heading" className="flex flex-col gap-3 border-t border-line pt-4">
        <h3 id="grant-heading" className="text-sm font-medium">
          Grant permissions
        </h3>
        {/* items-start: an open dropdown lengthens its own card, not its neighbour. */}
        <div className="grid grid-cols-1 items-start gap-3 md:grid-cols-2">
          {TYPES.map((type) => (
            <GrantCard key={type} userId={userId} username={username} type={type} options={options[type]} held={heldOf(type)} onDone={setSaid} />
          ))}
        </div>
      </section>

      {confirming && (
        <ConfirmDialog
          open={confirmOpen}
          onOpenChange={setConfirmOpen}
          title={confirming.single ? "Revoke permission?" : `Revoke ${plural(confirming.ids.length, "permission")}?`}
          confirmLabel={confirming.single ? "Revoke permission" : `Revoke ${plural(confirming.ids.length, "permission")}`}
          pendingLabel="Revoking…"
          done={revokedText(confirming)}
          confirm={() => revokeAction(undefined, { userId, grantIds: confirming.ids })}
          onDone={() => {
            setSaid({ ok: true, message: revokedText(confirming) });
            setPicked(selected.filter((id) => !confirming.ids.includes(id)));
          }}
          // The revoked rows are going: focus moves to the table's heading.
          focusAfterDone={() => document.getElementById(HEADING_ID)}
        >
          {confirming.single ? (
            <p>
              <strong>{username}</strong> loses <strong className="break-all">{grantName(confirming.single)}</strong>
              {confirming.single.known ? ` (${confirming.single.name})` : ""}. Their API keys lose it at their next call.
            </p>
          ) : (
            <>
              <p>
                <strong>{username}</strong> loses these {plural(confirming.ids.length, "permission")}; their API keys lose them at their next call:
              </p>
              <ul className="max-h-48 list-disc overflow-y-auto break-all pl-5" tabIndex={0} aria-label="Permissions to revoke">
                {grants
                  .filter((g) => confirming.ids.includes(g.id))
                  .map((g) => (
                    <li key={g.id}>{grantName(g)}</li>
                  ))}
              </ul>
            </>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}

const toChoices = (options: GrantOption[], held: Set<string>): MultiSelectOption[] =>
  options.map((o) => ({
    id: o.id,
    label: o.label,
    group: o.group,
    hint: o.label === o.id ? undefined : o.id,
    disabled: held.has(o.id),
    note: held.has(o.id) ? "Granted" : undefined,
  }));

/** One resource type's card: choose among what exists, then Add. A refusal is said at the card. */
function GrantCard({
  userId,
  username,
  type,
  options,
  held,
  onDone,
}: {
  userId: string;
  username: string;
  type: ResourceType;
  options: GrantOption[];
  held: Set<string>;
  onDone: (said: { ok: boolean; message?: string }) => void;
}) {
  const noun = NOUNS[type];
  const headingId = useId();
  const errorId = useId();
  const [chosen, setChosen] = useState<string[]>([]);
  const [open, setOpen] = useState(false);
  const [state, setState] = useState<ActionState<{ added: number }>>();
  const [pending, start] = useTransition();
  const button = useRef<HTMLButtonElement>(null);
  // What was chosen and has been granted since (the page's data came back) is no longer a choice.
  const choice = chosen.filter((id) => !held.has(id));
  const refused = state && !state.ok ? state : undefined;
  const idsError = refused?.fieldErrors?.ids;

  const add = () =>
    start(async () => {
      const result = await grantAction(undefined, { userId, type, ids: choice });
      setState(result);
      if (!result.ok) {
        // The error is tied to the dropdown's button: focus goes there so that it is read out.
        button.current?.focus();
        return;
      }
      const added = result.data?.added ?? 0;
      const message =
        added === 0
          ? `Nothing new: ${username} holds ${choice.length === 1 ? `that ${noun.one}` : `those ${noun.many}`} already.`
          : `${plural(added, noun.one, noun.many)} granted to ${username}.`;
      toast.success(message);
      onDone({ ok: true, message });
      setChosen([]);
      setOpen(false);
      button.current?.focus();
    });

  return (
    <section aria-labelledby={headingId} className="flex min-w-0 flex-col gap-2 rounded-lg border border-line p-3" data-testid={`grant-${type}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h4 id={headingId} className="text-sm font-medium">
          {capital(noun.many)}
        </h4>
        {held.size > 0 && <span className="text-xs text-muted">{held.size} granted</span>}
      </div>
      {options.length === 0 ? (
        <p className="text-sm text-muted">No {noun.many} exist yet.</p>
      ) : (
        <>
          {HINTS[type] && <p className="text-xs text-muted">{HINTS[type]}</p>}
          <div className="flex flex-col gap-2 sm:flex-row sm:items-start">
            <div className="min-w-0 flex-1">
              <MultiSelect
                noun={noun.many}
                options={toChoices(options, held)}
                value={choice}
                onChange={setChosen}
                open={open}
                onOpenChange={setOpen}
                buttonRef={button}
                invalid={Boolean(idsError?.length)}
                describedBy={idsError?.length ? errorId : undefined}
              />
            </div>
            <Button variant="secondary" onClick={add} pending={pending} className="shrink-0">
              {pending ? "Adding…" : "Add"}
              <span className="sr-only"> {noun.many}</span>
            </Button>
          </div>
          <FieldError id={errorId} errors={idsError} />
          {refused && !idsError?.length && <FormMessage state={refused} />}
        </>
      )}
    </section>
  );
}
