// The output bound of a model on an endpoint (no database code here: client components read the default).

/** The most output tokens a call may ask of a model its endpoint names no maximum for. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 32_768;

/** The largest maximum an admin can set for one model. */
export const MAX_OUTPUT_TOKENS_LIMIT = 10_000_000;

/** The most output tokens a call may ask of `model` on this endpoint: its own maximum, else the default. */
export function maxOutputOf(endpoint: { maxOutputTokens: Record<string, number> }, model: string): number {
  const max = Object.hasOwn(endpoint.maxOutputTokens, model) ? endpoint.maxOutputTokens[model] : undefined;
  return typeof max === "number" && Number.isInteger(max) && max > 0 ? max : DEFAULT_MAX_OUTPUT_TOKENS;
}
