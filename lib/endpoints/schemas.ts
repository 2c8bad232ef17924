import { z } from "zod";
import { API_STYLES, OUTPUT_CAP_FIELDS } from "@/db/enums";
import { idOf } from "@/lib/ids";
import { Flag } from "@/lib/users/schemas";
import { DEFAULT_MAX_OUTPUT_TOKENS, MAX_OUTPUT_TOKENS_LIMIT } from "./limits";

// The rules of the model endpoint forms. Server actions parse with these; the types the forms and
// lib/endpoints use come from them. Form strings and JSON values are read alike.

const text = (what: string) => z.string({ error: `${what} must be text` });

export const EndpointId = idOf("endpoint");

/** It appears in `model@endpoint` permission ids, so no `@`. */
export const EndpointName = text("Name")
  .trim()
  .min(1, { error: "Name is required", abort: true })
  .max(64, { error: "Name must be at most 64 characters", abort: true })
  .regex(/^[A-Za-z0-9._ -]+$/, "Use only letters, digits, spaces, . _ and -");

function urlProblem(v: string): string | undefined {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return "Enter a URL such as https://api.openai.com/v1";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "The base URL must start with http:// or https://";
  if (/\s/.test(v)) return "The base URL cannot contain spaces";
  if (url.username || url.password) return "Put the key in the API key field, not in the URL";
  if (v.includes("?") || v.includes("#")) return "The base URL cannot have a query (?…) or a fragment (#…)";
}

/** The API root including its version path (…/v1); the gateway appends /chat/completions, /messages, /models. */
export const BaseUrl = text("Base URL")
  .trim()
  .min(1, "Base URL is required")
  .max(500, "Base URL must be at most 500 characters")
  .transform((v, ctx) => {
    const problem = urlProblem(v);
    if (problem) {
      ctx.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    }
    return v.replace(/\/+$/, "");
  });

export const ApiStyleField = z.enum(API_STYLES, { error: "API style must be openai, anthropic or openai-responses" });

/** Optional and write-only: empty = none (on create) or "keep the stored one" (on edit). */
export const UpstreamApiKey = z
  .union([text("API key"), z.null()], { error: "API key must be text" })
  .optional()
  .transform((v, ctx) => {
    const key = v?.trim() ?? "";
    if (key === "") return null;
    // It is sent in an HTTP header: printable ASCII, no spaces or line breaks.
    const problem =
      key.length > 500 ? "API key must be at most 500 characters" : /^[\x21-\x7e]+$/.test(key) ? undefined : "The API key may contain only printable characters without spaces";
    if (problem) {
      ctx.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    }
    return key;
  });

const MODEL_RULE = "Each model name must be 1–200 characters, without spaces or @";

/** One per line or comma-separated in the form, or a JSON array; trimmed, duplicates removed. */
export const Models = z
  .union([z.string(), z.array(z.string())], { error: "Enter the model names, one per line" })
  .transform((v, ctx) => {
    const names = (typeof v === "string" ? v.split(/[\n\r,]+/) : v).map((m) => m.trim()).filter((m) => m !== "");
    const bad = names.find((m) => m.length > 200 || /[\s@]/.test(m));
    if (bad !== undefined) {
      ctx.addIssue({ code: "custom", message: `${MODEL_RULE}: "${bad.length > 40 ? bad.slice(0, 40) + "…" : bad}"` });
      return z.NEVER;
    }
    const unique = [...new Set(names)];
    if (unique.length === 0) ctx.addIssue({ code: "custom", message: "Enter at least one model" });
    else if (unique.length > 1000) ctx.addIssue({ code: "custom", message: "At most 1000 models per endpoint" });
    return unique;
  });

/** A price in EUR per million tokens from a form string or a JSON number; `empty` when none is given. */
function price<E extends number | null>(empty: E, rule: string) {
  return z
    .union([z.number(), z.string(), z.null()], { error: "Enter a price in EUR, e.g. 2.5" })
    .optional()
    .transform((v, ctx): number | E => {
      if (v == null) return empty;
      const raw = typeof v === "string" ? v.trim() : v;
      if (raw === "") return empty;
      if (typeof raw === "string" && raw.includes(",")) {
        ctx.addIssue({ code: "custom", message: "Use a point as the decimal separator, e.g. 2.5" });
        return z.NEVER;
      }
      const n = typeof raw === "number" ? raw : /^(\d+\.?\d*|\.\d+)$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isFinite(n) || n < 0) {
        ctx.addIssue({ code: "custom", message: rule });
        return z.NEVER;
      }
      if (n > 10000) {
        ctx.addIssue({ code: "custom", message: "The price must be at most 10000 EUR per million tokens" });
        return z.NEVER;
      }
      return n;
    });
}

/** EUR per million tokens: a decimal from 0 to 10000; empty = 0. Form strings and JSON numbers alike. */
export const Price = price(0, "Enter a price in EUR of 0 or more, e.g. 2.5 (empty = 0)");

/** EUR per million cached tokens (read or written): a decimal from 0 to 10000; empty = null, the default share of the input price. */
export const CachePrice = price(null, "Enter a price in EUR of 0 or more, e.g. 0.25, or leave it empty for the default");

const MAX_OUTPUT_FORMAT = `Enter one line per model, e.g. gpt-4o = ${DEFAULT_MAX_OUTPUT_TOKENS}, or a JSON object`;
const maxOutputRule = (model: string) => `${quoted(model)}: enter a whole number of tokens from 1 to ${MAX_OUTPUT_TOKENS_LIMIT.toLocaleString("en-US")}`;
const quoted = (model: string) => `"${model.length > 40 ? model.slice(0, 40) + "…" : model}"`;

/** A token count as a form writes it: digits, perhaps grouped by commas or underscores (32,768). */
const tokenCount = (raw: string) => (/^\d+$|^\d{1,3}(?:[,_]\d{3})+$/.test(raw) ? Number(raw.replace(/[,_]/g, "")) : NaN);

/**
 * The most output tokens a call may ask of each model, in the form one `model = tokens` per line (or a
 * JSON object), or a JSON object; empty = {} (DEFAULT_MAX_OUTPUT_TOKENS for every model). Whether the
 * models are the endpoint's own is checked with the models (CreateEndpoint).
 */
export const MaxOutputTokens = z
  .union([z.string(), z.record(z.string(), z.unknown()), z.null()], { error: MAX_OUTPUT_FORMAT })
  .optional()
  .transform((v, ctx) => {
    const fail = (message: string) => {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    };
    let entries: [string, unknown][];
    const text = typeof v === "string" ? v.trim() : undefined;
    if (v == null || text === "") return {};
    if (text === undefined) entries = Object.entries(v as Record<string, unknown>);
    else if (text.startsWith("{")) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return fail(`${MAX_OUTPUT_FORMAT} (this JSON does not parse)`);
      }
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return fail(MAX_OUTPUT_FORMAT);
      entries = Object.entries(parsed);
    } else {
      entries = [];
      const lines = text.split(/\r?\n/);
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i].trim();
        if (line === "") continue;
        // Split at the last "=": model names may hold a ":" (llama3:8b).
        const at = line.lastIndexOf("=");
        if (at <= 0) return fail(`Line ${i + 1}: ${MAX_OUTPUT_FORMAT}`);
        const model = line.slice(0, at).trim();
        if (entries.some(([m]) => m === model)) return fail(`${quoted(model)} is listed twice`);
        entries.push([model, tokenCount(line.slice(at + 1).trim())]);
      }
    }
    if (entries.length > 1000) return fail("At most 1000 models per endpoint");
    const max: Record<string, number> = {};
    for (const [model, n] of entries) {
      if (model === "" || model.length > 200 || /[\s@]/.test(model)) return fail(`${MODEL_RULE}: ${quoted(model)}`);
      if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > MAX_OUTPUT_TOKENS_LIMIT) return fail(maxOutputRule(model));
      max[model] = n;
    }
    return max;
  });

/** The field an OpenAI-style upstream takes for the output cap; empty = max_tokens. */
export const OutputCapFieldInput = z.preprocess(
  (v) => (v === undefined || v === null || v === "" ? "max_tokens" : v),
  z.enum(OUTPUT_CAP_FIELDS, { error: "The output cap field must be max_tokens or max_completion_tokens" }),
);

const EndpointFields = z.object({
  name: EndpointName,
  baseUrl: BaseUrl,
  apiStyle: ApiStyleField,
  apiKey: UpstreamApiKey,
  models: Models,
  eurPerMInput: Price,
  eurPerMOutput: Price,
  eurPerMCacheRead: CachePrice,
  eurPerMCacheWrite: CachePrice,
  maxOutputTokens: MaxOutputTokens,
  outputCapField: OutputCapFieldInput,
});

type Fields = { models: string[]; maxOutputTokens: Record<string, number> };

/** A maximum for a model the endpoint does not serve is refused at the maxima, once the models read well. */
const modelsServed = [
  (v: Fields, ctx: z.RefinementCtx) => {
    const unknown = Object.keys(v.maxOutputTokens).find((m) => !v.models.includes(m));
    if (unknown !== undefined) ctx.addIssue({ code: "custom", path: ["maxOutputTokens"], message: `${quoted(unknown)} is not one of this endpoint's models` });
  },
  {
    // Checked beside other fields' errors, but only when both fields it compares parsed.
    when: (payload: z.core.ParsePayload) =>
      !payload.issues.some((i) => i.path?.[0] === "models" || i.path?.[0] === "maxOutputTokens") &&
      Array.isArray((payload.value as Partial<Fields>)?.models) &&
      typeof (payload.value as Partial<Fields>)?.maxOutputTokens === "object",
  },
] as const;

export const CreateEndpoint = EndpointFields.superRefine(modelsServed[0], modelsServed[1]);
export type CreateEndpointInput = z.infer<typeof CreateEndpoint>;

/** On edit an empty key keeps the stored one; `removeApiKey` clears it. */
export const UpdateEndpoint = EndpointFields.extend({ removeApiKey: Flag })
  .superRefine(modelsServed[0], modelsServed[1])
  .refine((v) => !(v.removeApiKey && v.apiKey), {
    path: ["apiKey"],
    message: "Enter a new key or remove the stored one, not both",
  });
export type UpdateEndpointInput = z.infer<typeof UpdateEndpoint>;
