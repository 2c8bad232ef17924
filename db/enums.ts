// Value lists shared by the schema, the zod schemas and client components (no database code here).
export const ROLES = ["user", "subscriber", "expert", "admin"] as const;
export type Role = (typeof ROLES)[number];
export const BUDGET_TYPES = ["subscription", "one_time"] as const;
export type BudgetType = (typeof BUDGET_TYPES)[number];
export const RESOURCE_TYPES = ["expert_template", "cc_profile", "model_endpoint", "skill", "mcp_tool", "moe_mode"] as const;
