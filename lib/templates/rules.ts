import type { Role } from "@/db/enums";
import { grantsAllow, type CallGrants } from "@/lib/permissions/rules";
import type { CcProfileConfig, Mode, TemplateConfig } from "./schemas";

// Who may use a template or a CC profile, and where it sends a call (issue 16). Pure: the gateway's
// resolve step, the pages and the forms share these rules.

/** Templates are for subscribers, experts and admins; a `user` is refused even if granted (the grant is kept for a role change). */
export const TEMPLATE_ROLES: readonly Role[] = ["subscriber", "expert", "admin"];
/** CC profiles (and owning templates) are for experts and admins. */
export const PROFILE_ROLES: readonly Role[] = ["expert", "admin"];

export const mayUseTemplates = (role: Role) => TEMPLATE_ROLES.includes(role);
export const mayOwn = (role: Role) => PROFILE_ROLES.includes(role);

/** The owner as a call sees it: null for an admin-made record; `missing` when the owner's row is gone (never admin-made). */
export type Owner = null | "missing" | { id: string; username: string; role: Role; grants: string[] };

/** A template or profile as the gateway routes by it: the stored config, or null when it no longer parses (broken). */
export type Routed<C> = { id: string; name: string; ownerId: string | null; owner: Owner; active: boolean; config: C | null };
export type RoutedTemplate = Routed<TemplateConfig> & { costFactor: number };
export type RoutedProfile = Routed<CcProfileConfig>;

/** What the gateway reads to route templates and profiles: templates by name, profiles by id. */
export type OverlayTable = { templates: Map<string, RoutedTemplate>; profiles: Map<string, RoutedProfile> };
export const NO_OVERLAYS: OverlayTable = { templates: new Map(), profiles: new Map() };

/** `model@endpoint` split at the last `@`. */
export function splitTarget(target: string): { model: string; endpoint: string } {
  const at = target.lastIndexOf("@");
  return { model: target.slice(0, at), endpoint: target.slice(at + 1) };
}

/** The target of a template or profile. */
export const targetOf = (config: TemplateConfig | CcProfileConfig) => ("target" in config ? config.target : config.toolModel);

/** Whether the target still exists: an endpoint of that name serving that model. */
export function targetExists(endpoints: readonly { name: string; models: string[] }[], target: string): boolean {
  const { model, endpoint } = splitTarget(target);
  return endpoints.some((e) => e.name === endpoint && e.models.includes(model));
}

/** What a caller is, for these rules. */
export type Caller = { userId: string; role: Role; grants: CallGrants };

const holds = (grants: readonly string[], id: string) => grants.includes("*") || grants.includes(id);

/** Whether the caller may call this template (its grant, or ownership; admins all), role aside. */
export const holdsTemplate = (c: Caller, t: { id: string; ownerId: string | null }) => c.role === "admin" || t.ownerId === c.userId || holds(c.grants.expert_template, t.id);
export const holdsProfile = (c: Caller, p: { id: string; ownerId: string | null }) => c.role === "admin" || p.ownerId === c.userId || holds(c.grants.cc_profile, p.id);

/** Whether the caller may run in a mode: native needs no grant. */
export const mayUseMode = (c: Caller, mode: Mode) => mode === "native" || c.role === "admin" || holds(c.grants.moe_mode, mode);

/** Whether the owner may (still) use the target: admin-made needs no grant, a missing owner never passes. */
export function ownerMayUse(owner: Owner, target: string): boolean {
  if (owner === null) return true;
  if (owner === "missing") return false;
  if (owner.role === "admin") return true;
  const { model, endpoint } = splitTarget(target);
  return grantsAllow(owner.grants, endpoint, model);
}

/** Why a template or profile cannot be used right now (for the pages), or null when it can. */
export function brokenReason(r: { config: TemplateConfig | CcProfileConfig | null; owner: Owner }, endpoints: readonly { name: string; models: string[] }[]): string | null {
  if (!r.config) return "Its stored configuration is no longer valid";
  const target = targetOf(r.config);
  if (!targetExists(endpoints, target)) return `Its target ${target} no longer exists`;
  if (!ownerMayUse(r.owner, target)) return r.owner === "missing" ? "Its owner no longer exists" : `Its owner may no longer use ${target}`;
  return null;
}

/** Claude Code names its models `claude-…`: with an active profile, those are the calls it takes over. */
export const PROFILE_MODELS = /^claude-/;
