// The two admin-kept lists and their words. Pure and without zod, so that client components may take
// them (zod in a browser bundle probes for eval, which the CSP refuses).

export const CATALOG_KINDS = ["skill", "mcp_tool"] as const;
export type CatalogKind = (typeof CATALOG_KINDS)[number];

/** The words for each list (pages, dialogs, errors). */
export const CATALOG_LABELS: Record<CatalogKind, { one: string; many: string }> = {
  skill: { one: "skill", many: "skills" },
  mcp_tool: { one: "MCP tool", many: "MCP tools" },
};
