import { z } from "zod";
import { MAX_OUTPUT_TOKENS_LIMIT } from "@/lib/endpoints/limits";
import { EndpointName } from "@/lib/endpoints/schemas";
import { idOf } from "@/lib/ids";
import { MODES, type Mode } from "@/lib/permissions/rules";
import { Flag } from "@/lib/users/schemas";
import { IMPORT_MAX_CHARS, IMPORT_TOO_LARGE } from "./limits";

// The rules of expert templates and CC profiles (shared/SPEC.md §2; issue 16): their names, their
// JSON configs, the forms that edit them and the files that carry them, validated by zod before
// anything is stored or applied.

export { MODES, type Mode };

/** Called like a model, so no `@` (it would read as model@endpoint), unique across all owners. */
export const TemplateName = z
  .string({ error: "Name must be text" })
  .trim()
  .min(1, { error: "Name is required", abort: true })
  .max(100, { error: "Name must be at most 100 characters", abort: true })
  .regex(/^[A-Za-z0-9._-]+$/, "Use only letters, digits, . _ and - (no @ or spaces: the name is called like a model)");

const MODEL_AT_ENDPOINT = "Enter the target as model@endpoint, e.g. qwen3-coder@vllm";

/** `model@endpoint`: a model name (no spaces or @) and an endpoint's name, split at the last @. */
export const ModelAtEndpoint = z
  .string({ error: MODEL_AT_ENDPOINT })
  .trim()
  .superRefine((v, ctx) => {
    const at = v.lastIndexOf("@");
    const model = v.slice(0, at);
    if (at <= 0 || model.length > 200 || /[\s@]/.test(model) || !EndpointName.safeParse(v.slice(at + 1)).success) ctx.addIssue({ code: "custom", message: MODEL_AT_ENDPOINT });
  });

const Tokens = (what: string, min = 1) =>
  z.int({ error: `${what} must be a whole number of tokens` }).min(min, `${what} must be at least ${min}`).max(MAX_OUTPUT_TOKENS_LIMIT, `${what} must be at most ${MAX_OUTPUT_TOKENS_LIMIT.toLocaleString("en-US")}`);
// Within what one form post carries (ACTION_BODY_LIMIT_BYTES, 100 KiB).
const Prompt = (what: string) => z.string({ error: `${what} must be text` }).max(20_000, `${what} must be at most 20,000 characters`);
const Mode = z.enum(MODES, { error: `Mode must be one of ${MODES.join(", ")}` });

/** A template's config: what a call naming the template is sent as. Unknown keys are refused (a typo would otherwise be ignored). */
export const TemplateConfig = z.strictObject({
  target: ModelAtEndpoint,
  systemPrompt: Prompt("The system prompt").optional(),
  maxTokens: Tokens("The max tokens cap").optional(),
  temperature: z.number({ error: "Temperature must be a number" }).min(0, "Temperature must be at least 0").max(2, "Temperature must be at most 2").optional(),
  mode: Mode.default("native"),
});
export type TemplateConfig = z.infer<typeof TemplateConfig>;

/** What a template's cost is multiplied by (> 0; 1 = the endpoint's prices). */
export const CostFactor = z.number({ error: "The cost factor must be a number" }).gt(0, "The cost factor must be above 0").max(1000, "The cost factor must be at most 1000").default(1);

/** A CC profile's config: where Claude Code's `claude-*` calls of its user go, and with what. (Enabled is the row's is_active.) */
export const CcProfileConfig = z.strictObject({
  mode: Mode.default("native"),
  toolModel: ModelAtEndpoint,
  toolMaxTokens: Tokens("The tool max tokens").optional(),
  // Anthropic's thinking budget has a floor of 1024.
  reasoningMaxTokens: Tokens("The reasoning max tokens", 1024).optional(),
  systemPromptPrefix: Prompt("The system prompt prefix").optional(),
  streamThinking: z.boolean({ error: "Stream thinking must be true or false" }).default(true),
});
export type CcProfileConfig = z.infer<typeof CcProfileConfig>;

export const TemplateId = idOf("expert template");
export const ProfileId = idOf("CC profile");

const Description = z.string({ error: "Description must be text" }).trim().max(500, "Description must be at most 500 characters").default("");

/** A form's number field: empty means not set; digits as text are a number (JSON numbers pass as they are). */
const fromForm = <T extends z.ZodType>(inner: T) =>
  z.preprocess((v) => (v === "" || v === null ? undefined : typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v), inner.optional());
/** A form's text field: empty (or only spaces) means not set. */
const optionalText = <T extends z.ZodType>(inner: T) => z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), inner.optional());

/** The template form: flat fields (each with its own error), made into a row by templateRecord(). */
export const TemplateFields = z.object({
  name: TemplateName,
  description: Description,
  costFactor: z.preprocess((v) => (v === "" || v === null || v === undefined ? 1 : typeof v === "string" && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v), CostFactor),
  active: Flag.default(true),
  target: ModelAtEndpoint,
  systemPrompt: optionalText(Prompt("The system prompt")),
  maxTokens: fromForm(Tokens("The max tokens cap")),
  temperature: fromForm(TemplateConfig.shape.temperature.unwrap()),
  mode: Mode.default("native"),
});
export type TemplateFields = z.infer<typeof TemplateFields>;

/** The CC profile form, flat. `active` is its enabled flag. */
export const ProfileFields = z.object({
  name: TemplateName,
  description: Description,
  active: Flag.default(true),
  mode: Mode.default("native"),
  toolModel: ModelAtEndpoint,
  toolMaxTokens: fromForm(Tokens("The tool max tokens")),
  reasoningMaxTokens: fromForm(Tokens("The reasoning max tokens", 1024)),
  systemPromptPrefix: optionalText(Prompt("The system prompt prefix")),
  streamThinking: Flag.default(true),
});
export type ProfileFields = z.infer<typeof ProfileFields>;

/** A template as stored (and as exported): its row's fields and its config. */
export type TemplateRecord = { name: string; description: string; costFactor: number; active: boolean; config: TemplateConfig };
export type ProfileRecord = { name: string; description: string; active: boolean; config: CcProfileConfig };

const defined = <T extends Record<string, unknown>>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export function templateRecord(f: TemplateFields): TemplateRecord {
  const { name, description, costFactor, active, ...config } = f;
  return { name, description, costFactor, active, config: defined(config) };
}

export function profileRecord(f: ProfileFields): ProfileRecord {
  const { name, description, active, ...config } = f;
  return { name, description, active, config: defined(config) };
}

// ---------------------------------------------------------------- export and import

export const TEMPLATE_EXPORT_KIND = "tollgate.expert-templates";
export const PROFILE_EXPORT_KIND = "tollgate.cc-profiles";
export const MAX_IMPORT_ITEMS = 500;

const exportFile = <T extends z.ZodType>(kind: string, item: T) =>
  z.strictObject({
    kind: z.literal(kind, { error: `This is not a file of ${kind === TEMPLATE_EXPORT_KIND ? "expert templates" : "CC profiles"} (its "kind" must be "${kind}")` }),
    version: z.literal(1, { error: "Unknown version: this Tollgate reads version 1" }),
    items: z.array(item, { error: '"items" must be a list' }).max(MAX_IMPORT_ITEMS, `At most ${MAX_IMPORT_ITEMS} items at once`),
  });

export const TemplateFile = exportFile(
  TEMPLATE_EXPORT_KIND,
  z.strictObject({ name: TemplateName, description: Description, costFactor: CostFactor, active: z.boolean({ error: "active must be true or false" }).default(true), config: TemplateConfig }),
);
export const ProfileFile = exportFile(
  PROFILE_EXPORT_KIND,
  z.strictObject({ name: TemplateName, description: Description, active: z.boolean({ error: "active must be true or false" }).default(true), config: CcProfileConfig }),
);

/** The import form: the file's text and what to do with names that exist. */
export const ImportFields = z.object({
  // A form post carries at most 100 KiB (ACTION_BODY_LIMIT_BYTES); larger sets go in several files.
  json: z.string({ error: "Choose a JSON file" }).min(1, "Choose a JSON file").max(IMPORT_MAX_CHARS, IMPORT_TOO_LARGE),
  mode: z.enum(["merge", "replace"], { error: "Choose merge or replace" }).default("merge"),
});
