import { RESOURCE_TYPES } from "@/db/enums";

// The permission model (SPEC §2): a whitelist of grants per user, each a resource type and an id, `*`
// meaning every resource of that type. Admins may do everything without grants. Pure: the gateway, the
// forms and lib/permissions share these rules.

export type ResourceType = (typeof RESOURCE_TYPES)[number];
export { RESOURCE_TYPES };

/** How a call is run. A plain call is `native` and needs no grant; the others come with templates and profiles. */
export const MODES = ["native", "moe_reasoning", "moe_orchestrated"] as const;
export type Mode = (typeof MODES)[number];

/** The types in the order the Permissions tab shows them, with their names. */
export const RESOURCE_LABELS: Record<ResourceType, string> = {
  model_endpoint: "Model endpoint",
  skill: "Skill",
  mcp_tool: "MCP tool",
  moe_mode: "Mode",
  expert_template: "Expert template",
  cc_profile: "CC profile",
};

/** Types whose grants the gateway checks on a call; they travel in the key's cached record. */
export const CALL_TYPES = ["model_endpoint", "moe_mode", "expert_template", "cc_profile"] as const satisfies readonly ResourceType[];
export type CallGrants = Record<(typeof CALL_TYPES)[number], string[]>;
/** No grants of any type: a fresh object each time, so that filling one never fills another. */
export const noGrants = (): CallGrants => ({ model_endpoint: [], moe_mode: [], expert_template: [], cc_profile: [] });

/**
 * A model endpoint grant's id: `*` (every model of every endpoint), `*@endpoint` (every model of one
 * endpoint) or `model@endpoint`, split at the last `@` as the gateway splits a requested name (endpoint
 * names never hold one). Anything else is not such an id.
 */
export type EndpointGrant = { kind: "all" } | { kind: "endpoint"; endpoint: string } | { kind: "model"; model: string; endpoint: string };

export function parseEndpointGrant(id: string): EndpointGrant | null {
  if (id === "*") return { kind: "all" };
  const at = id.lastIndexOf("@");
  if (at <= 0 || at === id.length - 1) return null;
  const [model, endpoint] = [id.slice(0, at), id.slice(at + 1)];
  return model === "*" ? { kind: "endpoint", endpoint } : { kind: "model", model, endpoint };
}

/** The ids that would let a caller use `model` on `endpoint`, broadest first. */
export const endpointGrantIds = (endpoint: string, model: string) => ["*", `*@${endpoint}`, `${model}@${endpoint}`];

/** Whether model endpoint grants let a caller use `model` on `endpoint`. */
export function grantsAllow(grants: readonly string[], endpoint: string, model: string): boolean {
  return grants.includes("*") || grants.includes(`*@${endpoint}`) || grants.includes(`${model}@${endpoint}`);
}

/** What a caller may use: everything for an admin, else what their grants name. */
export type Permit = { admin: true } | { admin: false; grants: CallGrants };

export const permitOf = (caller: { role: string; grants: CallGrants }): Permit => (caller.role === "admin" ? { admin: true } : { admin: false, grants: caller.grants });

export function mayUseModel(permit: Permit, endpoint: string, model: string): boolean {
  return permit.admin || grantsAllow(permit.grants.model_endpoint, endpoint, model);
}
