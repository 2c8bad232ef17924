import { z } from "zod";
import { API_STYLES } from "@/db/enums";
import { idOf } from "@/lib/ids";
import { Flag } from "@/lib/users/schemas";

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

export const ApiStyleField = z.enum(API_STYLES, { error: "API style must be openai or anthropic" });

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

/** EUR per million tokens: a decimal from 0 to 10000; empty = 0. Form strings and JSON numbers alike. */
export const Price = z
  .union([z.number(), z.string(), z.null()], { error: "Enter a price in EUR, e.g. 2.5" })
  .optional()
  .transform((v, ctx) => {
    if (v == null) return 0;
    const raw = typeof v === "string" ? v.trim() : v;
    if (raw === "") return 0;
    if (typeof raw === "string" && raw.includes(",")) {
      ctx.addIssue({ code: "custom", message: "Use a point as the decimal separator, e.g. 2.5" });
      return z.NEVER;
    }
    const n = typeof raw === "number" ? raw : /^(\d+\.?\d*|\.\d+)$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isFinite(n) || n < 0) {
      ctx.addIssue({ code: "custom", message: "Enter a price in EUR of 0 or more, e.g. 2.5 (empty = 0)" });
      return z.NEVER;
    }
    if (n > 10000) {
      ctx.addIssue({ code: "custom", message: "The price must be at most 10000 EUR per million tokens" });
      return z.NEVER;
    }
    return n;
  });

export const CreateEndpoint = z.object({
  name: EndpointName,
  baseUrl: BaseUrl,
  apiStyle: ApiStyleField,
  apiKey: UpstreamApiKey,
  models: Models,
  eurPerMInput: Price,
  eurPerMOutput: Price,
});
export type CreateEndpointInput = z.infer<typeof CreateEndpoint>;

/** On edit an empty key keeps the stored one; `removeApiKey` clears it. */
export const UpdateEndpoint = CreateEndpoint.extend({ removeApiKey: Flag }).refine((v) => !(v.removeApiKey && v.apiKey), {
  path: ["apiKey"],
  message: "Enter a new key or remove the stored one, not both",
});
export type UpdateEndpointInput = z.infer<typeof UpdateEndpoint>;
