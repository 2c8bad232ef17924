// Value lists shared by the schema, the zod schemas and client components (no database code here).
export const ROLES = ["user", "subscriber", "expert", "admin"] as const;
export type Role = (typeof ROLES)[number];
export const BUDGET_TYPES = ["subscription", "one_time"] as const;
export type BudgetType = (typeof BUDGET_TYPES)[number];
export const RESOURCE_TYPES = ["expert_template", "cc_profile", "model_endpoint", "skill", "mcp_tool", "moe_mode"] as const;
export const API_STYLES = ["openai", "anthropic", "openai-responses"] as const;
/**
 * The wire formats the gateway speaks and forwards to: OpenAI Chat Completions, Anthropic Messages,
 * and OpenAI's Responses API (an endpoint of that style serves Responses clients only, natively).
 */
export type ApiStyle = (typeof API_STYLES)[number];
export const KEY_STATUSES = ["active", "suspended"] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];
/** Who suspended a key: an admin's suspension is lifted only by an admin. */
export const KEY_SUSPENDERS = ["admin", "owner"] as const;
export type KeySuspender = (typeof KEY_SUSPENDERS)[number];
/** The output cap field an OpenAI-style endpoint takes (Anthropic's is always max_tokens). */
export const OUTPUT_CAP_FIELDS = ["max_tokens", "max_completion_tokens"] as const;
export type OutputCapField = (typeof OUTPUT_CAP_FIELDS)[number];
