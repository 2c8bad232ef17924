import { z } from "zod";
import { MAX_OUTPUT_TOKENS_LIMIT } from "@/lib/endpoints/limits";
import { EndpointName } from "@/lib/endpoints/schemas";

// The rules of expert templates and CC profiles (shared/SPEC.md §2; issue 16): their names and their
// JSON configs, validated by zod before anything is stored or applied. Groundwork: the pages, the
// stores and the gateway's resolve step come with the rest of issue 16.

/** The modes a template or profile runs in; every one but `native` needs the caller's grant on it. */
export const MODES = ["native", "moe_reasoning", "moe_orchestrated"] as const;
export type Mode = (typeof MODES)[number];

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
const Prompt = (what: string) => z.string({ error: `${what} must be text` }).max(100_000, `${what} must be at most 100,000 characters`);
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
