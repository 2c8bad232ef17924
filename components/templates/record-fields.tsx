"use client";
import { useId } from "react";
import { Field, FieldError, Select } from "@/components/ui/field";
import { TextArea } from "@/components/ui/textarea";
import type { ProfileView, TemplateView } from "@/lib/templates";
import { MODES, type Mode } from "@/lib/permissions/rules";
import { MODE_LABELS } from "./mode-labels";

// The fields of the template and CC profile forms, named as lib/templates/schemas.ts reads them
// (TemplateFields, ProfileFields): one flat field per rule, so each error lands beside its field.

export type Errors = Record<string, string[] | undefined> | undefined;


const text = (n: number | undefined) => (n === undefined ? "" : String(n));

/**
 * A checkbox that always says its value: the schemas default an absent flag to on, so an unchecked
 * box must send "false" (the hidden input; a checked box's "on" comes after it and wins).
 */
function Check({ name, label, defaultChecked, hint, errors }: { name: string; label: string; defaultChecked: boolean; hint?: string; errors?: string[] }) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1">
      <input type="hidden" name={name} value="false" />
      <label className="flex items-center gap-2 text-sm font-medium text-fg">
        <input type="checkbox" name={name} defaultChecked={defaultChecked} aria-describedby={hint || errors?.length ? `${id}-hint` : undefined} aria-invalid={errors?.length ? true : undefined} />
        {label}
      </label>
      {hint && !errors?.length && (
        <p id={`${id}-hint`} className="text-xs text-muted">
          {hint}
        </p>
      )}
      <FieldError id={errors?.length ? `${id}-hint` : undefined} errors={errors} />
    </div>
  );
}

function ModeSelect({ value, errors, hint }: { value: Mode | undefined; errors?: string[]; hint: string }) {
  return (
    <Select label="Mode" name="mode" defaultValue={value ?? "native"} hint={hint} errors={errors}>
      {MODES.map((m) => (
        <option key={m} value={m}>
          {MODE_LABELS[m]}
        </option>
      ))}
    </Select>
  );
}

/** A `model@endpoint` field suggesting the pairs that exist for this user (free text: the server decides). */
function TargetField({ label, name, value, targets, errors, hint }: { label: string; name: string; value?: string; targets: string[]; errors?: string[]; hint: string }) {
  const listId = useId();
  return (
    <>
      <Field label={label} name={name} required autoComplete="off" spellCheck={false} list={listId} defaultValue={value} placeholder="model@endpoint" hint={hint} errors={errors} className="sm:col-span-2" />
      <datalist id={listId}>
        {targets.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
    </>
  );
}

const NAME_HINT = "Letters, digits, . _ - (no spaces or @): clients call it like a model. Unique across all owners.";

/** What templates and profiles share: the name they are called by, the mode, the description. */
function CommonFields({ item, mode, errors }: { item?: { name: string; description: string }; mode?: Mode; errors: Errors }) {
  return (
    <>
      <Field label="Name" name="name" required autoComplete="off" spellCheck={false} defaultValue={item?.name} hint={NAME_HINT} errors={errors?.name} />
      <ModeSelect value={mode} errors={errors?.mode} hint="Native needs no mode grant" />
      <TextArea label="Description" name="description" rows={2} mono={false} className="sm:col-span-2" defaultValue={item?.description} hint="Optional, at most 500 characters" errors={errors?.description} />
    </>
  );
}

export function TemplateFields({ item, targets, errors }: { item?: TemplateView; targets: string[]; errors: Errors }) {
  const c = item?.config ?? undefined;
  return (
    <>
      <CommonFields item={item} mode={c?.mode} errors={errors} />
      <TargetField
        label="Target"
        name="target"
        value={c?.target}
        targets={targets}
        hint={targets.length ? "model@endpoint: the model a call naming this template is sent to" : "model@endpoint; no model is available to you yet"}
        errors={errors?.target}
      />
      <Field label="Cost factor" name="costFactor" inputMode="decimal" defaultValue={item ? String(item.costFactor) : "1"} hint="Above 0; the endpoint's prices × this" errors={errors?.costFactor} />
      <Field label="Max tokens" name="maxTokens" inputMode="numeric" defaultValue={text(c?.maxTokens)} hint="Optional output cap" errors={errors?.maxTokens} />
      <Field label="Temperature" name="temperature" inputMode="decimal" defaultValue={text(c?.temperature)} hint="Optional, 0 to 2" errors={errors?.temperature} />
      <div className="flex items-end pb-1">
        <Check name="active" label="Active" defaultChecked={item?.active ?? true} errors={errors?.active} />
      </div>
      <TextArea label="System prompt" name="systemPrompt" rows={4} mono={false} className="sm:col-span-2" defaultValue={c?.systemPrompt} hint="Optional; put before the caller's messages" errors={errors?.systemPrompt} />
    </>
  );
}

export function ProfileFields({ item, targets, errors }: { item?: ProfileView; targets: string[]; errors: Errors }) {
  const c = item?.config ?? undefined;
  return (
    <>
      <CommonFields item={item} mode={c?.mode} errors={errors} />
      <TargetField
        label="Tool model"
        name="toolModel"
        value={c?.toolModel}
        targets={targets}
        hint={targets.length ? "model@endpoint: where Claude Code's claude-* calls go" : "model@endpoint; no model is available to you yet"}
        errors={errors?.toolModel}
      />
      <Field label="Tool max tokens" name="toolMaxTokens" inputMode="numeric" defaultValue={text(c?.toolMaxTokens)} hint="Optional output cap" errors={errors?.toolMaxTokens} />
      <Field label="Reasoning max tokens" name="reasoningMaxTokens" inputMode="numeric" defaultValue={text(c?.reasoningMaxTokens)} hint="Optional, at least 1,024" errors={errors?.reasoningMaxTokens} />
      <TextArea
        label="System prompt prefix"
        name="systemPromptPrefix"
        rows={4}
        mono={false}
        className="sm:col-span-2"
        defaultValue={c?.systemPromptPrefix}
        hint="Optional; put before Claude Code's own system prompt"
        errors={errors?.systemPromptPrefix}
      />
      <Check name="streamThinking" label="Stream thinking" defaultChecked={c?.streamThinking ?? true} hint="Pass the model's reasoning on as it streams" errors={errors?.streamThinking} />
      <Check name="active" label="Enabled" defaultChecked={item?.active ?? true} hint="A disabled profile takes over no call" errors={errors?.active} />
    </>
  );
}
