import { UntranslatableField } from "@/lib/translate/errors";

// Small readers for untrusted JSON bodies, shared by the decoders and encoders.

export type Json = Record<string, unknown>;

export const obj = (v: unknown): Json | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);
export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** Clients (OpenAI's SDKs above all) send `null` for "not set": treat it as absent. */
export const isSet = (v: unknown) => v !== undefined && v !== null;

export const refuse = (field: string, why: string): never => {
  throw new UntranslatableField(field, `cannot be translated: ${why}`);
};

/** A field the client must send as a JSON object (or not at all). */
export const object = (v: unknown, field: string): Json => obj(v) ?? refuse(field, "expected an object");

/**
 * Refuses every top-level field not in `known`, so that no field is ever dropped silently: a field
 * Tollgate does not know may change the answer.
 */
export function refuseUnknown(body: Json, known: ReadonlySet<string>): void {
  for (const key of Object.keys(body)) {
    if (!known.has(key)) throw new UntranslatableField(key, "is not known to Tollgate's translation, so it cannot be passed on or dropped safely");
  }
}

/** Tool call arguments as an object (Anthropic's tool_use `input`); "" (no arguments) is `{}`. */
export function parseArguments(text: string, field: string): Json {
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return refuse(field, "the tool call's arguments are not valid JSON, and Anthropic takes them as an object");
  }
  return obj(parsed) ?? refuse(field, "the tool call's arguments are not a JSON object, and Anthropic takes them as an object");
}

/** A data URL (`data:image/png;base64,…`) split into its media type and base64 data. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return m ? { mediaType: m[1], data: m[2] } : undefined;
}
