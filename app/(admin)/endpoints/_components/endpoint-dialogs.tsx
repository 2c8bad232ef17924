"use client";
import { useActionState, useState } from "react";
import { toast } from "sonner";
import { ActionForm } from "@/components/forms";
import { CreateDialog } from "@/components/ui/create-dialog";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field, FieldError, FormMessage, Select } from "@/components/ui/field";
import { TextArea } from "@/components/ui/textarea";
import { API_STYLES, OUTPUT_CAP_FIELDS, type ApiStyle } from "@/db/enums";
import type { EndpointRow } from "@/lib/endpoints";
import { DEFAULT_MAX_OUTPUT_TOKENS } from "@/lib/endpoints/limits";
import { plural } from "@/lib/format";
import { createEndpointAction, updateEndpointAction } from "../actions";
import type { EndpointWithGrants } from "./endpoints-table";

type Errors = Record<string, string[] | undefined> | undefined;

const DEFAULT_MAX = DEFAULT_MAX_OUTPUT_TOKENS.toLocaleString("en-US");
const price = (n: number | null | undefined) => (n === null || n === undefined ? "" : String(n));
/** The stored maxima as the form writes them: one `model = tokens` per line. */
const maxLines = (max: Record<string, number> | undefined) => Object.entries(max ?? {}).map(([model, n]) => `${model} = ${n}`).join("\n");

/**
 * The fields of the add and edit forms; the stored key is never sent here, only whether there is one.
 * `note` (the edit form's word on grants) comes right under the name.
 */
const STYLE_LABELS: Record<ApiStyle, string> = {
  openai: "OpenAI Chat (/chat/completions)",
  anthropic: "Anthropic (/messages)",
  "openai-responses": "OpenAI Responses (/responses)",
};

function EndpointFields({ endpoint, errors, note }: { endpoint?: EndpointRow; errors: Errors; note?: React.ReactNode }) {
  // The output cap field is a choice for OpenAI-style upstreams only (Anthropic's is max_tokens).
  const [style, setStyle] = useState<ApiStyle>(endpoint?.apiStyle ?? "openai");
  return (
    <>
      <Field label="Name" name="name" required autoComplete="off" defaultValue={endpoint?.name} hint="Letters, digits, spaces, . _ - (clients call model@name)" errors={errors?.name} />
      <Select label="API style" name="apiStyle" defaultValue={endpoint?.apiStyle ?? "openai"} onChange={(e) => setStyle(e.target.value as ApiStyle)} errors={errors?.apiStyle}>
        {API_STYLES.map((s) => (
          <option key={s} value={s}>
            {STYLE_LABELS[s]}
          </option>
        ))}
      </Select>
      {note}
      <Field
        label="Base URL"
        name="baseUrl"
        required
        autoComplete="off"
        className="sm:col-span-2"
        defaultValue={endpoint?.baseUrl}
        placeholder="https://api.openai.com/v1"
        hint="The API root including the version path; the gateway appends /chat/completions, /messages, /responses or /models"
        errors={errors?.baseUrl}
      />
      <div className="flex flex-col gap-1 sm:col-span-2">
        <Field
          label="Upstream API key"
          name="apiKey"
          type="password"
          autoComplete="new-password"
          placeholder={endpoint?.hasApiKey ? "•••• stored — leave empty to keep" : "Optional"}
          hint="Write-only: it is never shown again after saving"
          errors={errors?.apiKey}
        />
        {endpoint?.hasApiKey && (
          <label className="flex items-center gap-2 text-sm text-fg">
            <input type="checkbox" name="removeApiKey" /> Remove the stored key
          </label>
        )}
        <FieldError errors={errors?.removeApiKey} />
      </div>
      <TextArea
        label="Models"
        name="models"
        rows={4}
        className="sm:col-span-2"
        defaultValue={endpoint?.models.join("\n")}
        placeholder={"gpt-4o\ngpt-4o-mini"}
        hint="The model names this endpoint serves, one per line or comma-separated"
        errors={errors?.models}
      />
      <Field label="EUR per 1M input tokens" name="eurPerMInput" inputMode="decimal" placeholder="0" defaultValue={endpoint ? String(endpoint.eurPerMInput) : ""} errors={errors?.eurPerMInput} />
      <Field label="EUR per 1M output tokens" name="eurPerMOutput" inputMode="decimal" placeholder="0" defaultValue={endpoint ? String(endpoint.eurPerMOutput) : ""} errors={errors?.eurPerMOutput} />
      <Field
        label="EUR per 1M cache-read tokens"
        name="eurPerMCacheRead"
        inputMode="decimal"
        placeholder="0.1 × input"
        defaultValue={price(endpoint?.eurPerMCacheRead)}
        hint="Empty = 0.1 × the input price"
        errors={errors?.eurPerMCacheRead}
      />
      <Field
        label="EUR per 1M cache-write tokens"
        name="eurPerMCacheWrite"
        inputMode="decimal"
        placeholder="1.25 × input"
        defaultValue={price(endpoint?.eurPerMCacheWrite)}
        hint="Empty = 1.25 × the input price"
        errors={errors?.eurPerMCacheWrite}
      />
      <TextArea
        label="Max output tokens per model"
        name="maxOutputTokens"
        rows={3}
        className="sm:col-span-2"
        defaultValue={maxLines(endpoint?.maxOutputTokens)}
        placeholder={"gpt-4o = 16384\no3 = 100000"}
        hint={`One model = tokens per line (or a JSON object); a model not listed may ask for up to ${DEFAULT_MAX}. Empty = ${DEFAULT_MAX} for every model.`}
        errors={errors?.maxOutputTokens}
      />
      {style === "openai" && (
        <Select
          label="Output cap field"
          name="outputCapField"
          defaultValue={endpoint?.outputCapField ?? "max_tokens"}
          hint="The field the upstream takes for the output cap when the client sent none"
          errors={errors?.outputCapField}
        >
          {OUTPUT_CAP_FIELDS.map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
        </Select>
      )}
    </>
  );
}


const FORM_GRID = "grid grid-cols-1 gap-4 sm:grid-cols-2";

/** What a rename or a dropped model does to the permission grants on the endpoint. */
function GrantsNote({ endpoint }: { endpoint: EndpointWithGrants }) {
  return (
    <p className="rounded-md bg-surface-2 px-3 py-2 text-sm text-fg sm:col-span-2" data-testid="grants-note">
      {endpoint.grants > 0 ? (
        <>
          Renaming carries its <strong>{plural(endpoint.grants, "permission grant")}</strong> along: their users keep them under the new name.
        </>
      ) : (
        <>Renaming carries any permission grants along; no user holds one on this endpoint now.</>
      )}{" "}
      Clients calling <code>model@{endpoint.name}</code> must then use the new name. Removing a model removes the grants on it.
    </p>
  );
}

export function CreateEndpointDialog() {
  return (
    <CreateDialog buttonLabel="+ Add endpoint" title="Add endpoint" description="An upstream LLM server the gateway forwards calls to." wide>
      {({ done, close }) => <CreateEndpointForm done={done} close={close} />}
    </CreateDialog>
  );
}

function CreateEndpointForm({ done, close }: { done: (message: string) => void; close: () => void }) {
  const [state, action, pending] = useActionState(createEndpointAction, undefined);
  const errors = state?.ok ? undefined : state?.fieldErrors;
  return (
    <ActionForm action={action} state={state} onSuccess={({ data }) => data && done(`Endpoint ${data.name} added.`)} className={FORM_GRID}>
      <EndpointFields errors={errors} />
      <div className="sm:col-span-2">
        <FormMessage state={state?.ok ? undefined : state} />
      </div>
      <DialogActions className="sm:col-span-2" onCancel={close} pending={pending} label="Add endpoint" />
    </ActionForm>
  );
}

/** Mounted while open, so each opening starts from the stored values and no old errors. */
export function EditEndpointDialog({ endpoint, onClose }: { endpoint: EndpointWithGrants; onClose: () => void }) {
  const [state, action, pending] = useActionState(updateEndpointAction, undefined);
  const errors = state?.ok ? undefined : state?.fieldErrors;
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()} title={`Edit ${endpoint.name}`} wide>
      <ActionForm
        action={action}
        state={state}
        onSuccess={() => {
          toast.success(`Endpoint ${endpoint.name} saved.`);
          onClose();
        }}
        className={FORM_GRID}
      >
        <input type="hidden" name="id" value={endpoint.id} />
        <EndpointFields endpoint={endpoint} errors={errors} note={<GrantsNote endpoint={endpoint} />} />
        <div className="sm:col-span-2">
          <FormMessage state={state?.ok ? undefined : state} />
        </div>
        <DialogActions className="sm:col-span-2" onCancel={onClose} pending={pending} label="Save" />
      </ActionForm>
    </Dialog>
  );
}
