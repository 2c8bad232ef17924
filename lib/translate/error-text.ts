import type { ErrorKind } from "@/lib/translate/ir";
import { type Json, obj } from "@/lib/translate/json";

// What the two error decoders share: an upstream's error body may be JSON of any shape, or text
// (an HTML page from a proxy, a plain message): the status then picks the kind.

const MAX_MESSAGE = 500;

export function kindOfStatus(status: number): ErrorKind {
  if (status === 401) return "authentication";
  if (status === 403) return "permission";
  if (status === 404) return "not_found";
  if (status === 429) return "rate_limit";
  if (status === 503 || status === 529) return "overloaded";
  if (status >= 400 && status < 500) return "invalid_request";
  return "api_error";
}

/** The body as JSON, when it is a JSON object. */
export function parseBody(text: string): Json | undefined {
  try {
    return obj(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** A message fit to pass on: trimmed, shortened, never empty. */
export function messageOf(text: string | undefined, status: number): string {
  const trimmed = (text ?? "").trim().replace(/\s+/g, " ");
  if (trimmed === "") return `The upstream answered with status ${status}.`;
  return trimmed.length > MAX_MESSAGE ? `${trimmed.slice(0, MAX_MESSAGE)}…` : trimmed;
}
