import type { ApiStyle, OutputCapField, Role } from "@/db/enums";
import { applyOutputCap } from "@/lib/budgets/bounds";
import type { RoutingEndpoint } from "@/lib/endpoints";
import { permitOf, type CallGrants, type Mode } from "@/lib/permissions/rules";
import {
  holdsProfile,
  holdsTemplate,
  mayOwn,
  mayUseMode,
  mayUseTemplates,
  ownerMayUse,
  PROFILE_MODELS,
  splitTarget,
  type Caller,
  type OverlayTable,
  type RoutedProfile,
  type RoutedTemplate,
} from "@/lib/templates/rules";
import { GatewayError } from "./errors";
import type { Json } from "./request";
import { modelIds, type Target } from "./routing";

// Expert templates and CC profiles in a call (issue 16). The resolve step asks routeOverlay() whether
// the requested name is a template the caller may use (or, on /v1/messages, a `claude-*` model taken
// over by the caller's active CC profile), and where that sends the call; the transform step applies
// the overlay to the body in the client's own style before it is translated: the target model, an
// instruction put first where that style keeps instructions, the output cap lowered (never raised), a
// temperature, a ceiling on Anthropic's thinking budget. Pure.

export type Overlay = {
  /** `model@endpoint` the call goes to instead of the name it asked for. */
  model: string;
  /** Put before the client's own instructions. */
  systemPrompt?: string;
  maxTokens?: number;
  temperature?: number;
  /** A ceiling on an Anthropic thinking budget (a CC profile's reasoning max tokens). */
  thinkingMax?: number;
  /** No extended thinking (a CC profile whose stream-thinking flag is off): the request's `thinking` is taken out. */
  noThinking?: boolean;
};

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The body with the overlay applied; `capField` is the endpoint's (an OpenAI Chat upstream may take max_completion_tokens). */
export function applyOverlay(style: ApiStyle, body: Json, o: Overlay, capField: OutputCapField = "max_tokens"): Json {
  let out: Json = { ...body, model: o.model };
  if (o.systemPrompt) out = withInstruction(style, out, o.systemPrompt);
  // The same lowering the budget applies (every cap field sent, or the style's own added; thinking kept below it).
  if (o.maxTokens !== undefined) out = applyOutputCap(style, out, o.maxTokens, capField).body;
  if (o.temperature !== undefined) out.temperature = o.temperature;
  if (o.noThinking) delete out.thinking;
  if (o.thinkingMax !== undefined && isObject(out.thinking) && typeof out.thinking.budget_tokens === "number" && out.thinking.budget_tokens > o.thinkingMax)
    out.thinking = { ...out.thinking, budget_tokens: o.thinkingMax };
  return out;
}

/** `prompt` first among the body's instructions: a leading system message, Anthropic's system, Responses' instructions. */
function withInstruction(style: ApiStyle, body: Json, prompt: string): Json {
  if (style === "openai") return { ...body, messages: [{ role: "system", content: prompt }, ...(Array.isArray(body.messages) ? body.messages : [])] };
  if (style === "openai-responses") return { ...body, instructions: typeof body.instructions === "string" && body.instructions ? `${prompt}\n\n${body.instructions}` : prompt };
  const system = body.system;
  if (Array.isArray(system)) return { ...body, system: [{ type: "text", text: prompt }, ...system] };
  return { ...body, system: typeof system === "string" && system ? `${prompt}\n\n${system}` : prompt };
}

/** A call run through a template or profile: where it goes, what is applied, and what its cost is multiplied by. */
export type Routed = { target: Target; overlay: Overlay; costFactor: number; via: { type: "expert_template" | "cc_profile"; id: string; name: string } };

type CallerOf = { userId: string; role: Role; grants: CallGrants; activeProfileId?: string | null };

const refuse = (message: string) => new GatewayError("permission", message);

/**
 * The template or profile a call runs through, or undefined for a plain model call. A template wins
 * over a model of the same name for callers who may use it; for everyone else the name means the
 * model. A refusal (403) or a broken target (503) is thrown with a reason the user can act on.
 */
export function routeOverlay(table: OverlayTable, endpoints: readonly RoutingEndpoint[], c: CallerOf, style: ApiStyle, requested: string): Routed | undefined {
  const caller: Caller = { userId: c.userId, role: c.role, grants: c.grants };
  if (style === "anthropic" && c.activeProfileId && PROFILE_MODELS.test(requested)) {
    const profile = table.profiles.get(c.activeProfileId);
    if (profile) return viaProfile(profile, endpoints, caller);
  }
  const template = table.templates.get(requested);
  if (template && mayUseTemplates(caller.role) && holdsTemplate(caller, template)) return viaTemplate(template, endpoints, caller);
  return undefined;
}

/** Why a template of this name cannot be called by this caller: for a call whose name is no model either (else the name means the model). */
export function templateRefusal(table: OverlayTable, c: CallerOf, requested: string): GatewayError | undefined {
  const t = table.templates.get(requested);
  if (!t) return undefined;
  const caller: Caller = { userId: c.userId, role: c.role, grants: c.grants };
  if (!mayUseTemplates(caller.role)) return refuse(`'${requested}' is an expert template, and templates are for subscribers, experts and admins: this key's user has the role '${caller.role}'. An admin can change the role.`);
  return refuse(`Not permitted: the user of this API key has no grant on the expert template '${requested}'. An admin can grant it in the user's Permissions tab.`);
}

function viaTemplate(t: RoutedTemplate, endpoints: readonly RoutingEndpoint[], caller: Caller): Routed {
  const what = `The expert template '${t.name}'`;
  if (!t.active) throw refuse(`${what} is disabled. Its owner or an admin can enable it.`);
  const config = t.config;
  const target = config ? targetEndpoint(endpoints, config.target) : undefined;
  check(what, t, config?.target, target, caller, config?.mode ?? "native");
  return {
    target: target!,
    overlay: { model: config!.target, systemPrompt: config!.systemPrompt, maxTokens: config!.maxTokens, temperature: config!.temperature },
    costFactor: t.costFactor,
    via: { type: "expert_template", id: t.id, name: t.name },
  };
}

function viaProfile(p: RoutedProfile, endpoints: readonly RoutingEndpoint[], caller: Caller): Routed {
  const what = `The active CC profile '${p.name}'`;
  if (!mayOwn(caller.role)) throw refuse(`${what} applies to experts and admins only: this key's user has the role '${caller.role}'. Choose no profile, or ask an admin for the role.`);
  if (!holdsProfile(caller, p)) throw refuse(`Not permitted: the user of this API key has no grant on the CC profile '${p.name}'. An admin can grant it in the user's Permissions tab.`);
  if (!p.active) throw refuse(`${what} is disabled. Enable it, or choose another profile under CC Profiles.`);
  const config = p.config;
  const target = config ? targetEndpoint(endpoints, config.toolModel) : undefined;
  check(what, p, config?.toolModel, target, caller, config?.mode ?? "native");
  return {
    target: target!,
    overlay: {
      model: config!.toolModel,
      systemPrompt: config!.systemPromptPrefix,
      maxTokens: config!.toolMaxTokens,
      thinkingMax: config!.reasoningMaxTokens,
      noThinking: !config!.streamThinking,
    },
    costFactor: 1,
    via: { type: "cc_profile", id: p.id, name: p.name },
  };
}

/** The endpoint and model a `model@endpoint` names, when it still exists. */
function targetEndpoint(endpoints: readonly RoutingEndpoint[], target: string): Target | undefined {
  const { model, endpoint } = splitTarget(target);
  const e = endpoints.find((x) => x.name === endpoint && x.models.includes(model));
  return e && { endpoint: e, model };
}

/** The checks templates and profiles share: a target that exists, its owner's grant on it, the caller's grant on the mode. */
function check(what: string, r: RoutedTemplate | RoutedProfile, targetName: string | undefined, target: Target | undefined, caller: Caller, mode: Mode) {
  if (!targetName) throw new GatewayError("unavailable", `${what} has a configuration this gateway can no longer read. Its owner or an admin can save it again.`, "broken_template");
  if (!target) throw new GatewayError("unavailable", `${what} targets '${targetName}', which no longer exists on this gateway. Its owner or an admin can point it at another model.`, "broken_template");
  if (!ownerMayUse(r.owner, targetName))
    throw refuse(r.owner === "missing" ? `${what} has no owner any more and cannot be used.` : `${what} cannot be used: its owner may no longer use its target '${targetName}'.`);
  if (!mayUseMode(caller, mode)) throw refuse(`Not permitted: ${what.replace(/^The /, "the ")} runs in the mode '${mode}', and the user of this API key has no grant on it. An admin can grant the mode in the user's Permissions tab.`);
}

/** `owned_by` of a template in /v1/models. */
export const TEMPLATE_OWNER = "tollgate-template";

/** The names of the templates a caller can call now (enabled, working, granted), for /v1/models. */
export function callableTemplates(table: OverlayTable, endpoints: readonly RoutingEndpoint[], c: CallerOf): string[] {
  const names: string[] = [];
  for (const t of table.templates.values()) {
    try {
      if (routeOverlay(table, endpoints, c, "openai", t.name)) names.push(t.name);
    } catch {
      // Refused or broken: not listed.
    }
  }
  return names.sort();
}

/**
 * Everything a caller can name as `model` (GET /v1/models and the portal's list): the models its grants
 * allow, then the templates it can call, whose names replace a model's of the same name.
 */
export function callableIds(table: OverlayTable, endpoints: readonly RoutingEndpoint[], c: CallerOf): { id: string; owner: string }[] {
  const templates = callableTemplates(table, endpoints, c);
  const names = new Set(templates);
  return [...modelIds(endpoints, permitOf(c)).filter((m) => !names.has(m.id)), ...templates.map((id) => ({ id, owner: TEMPLATE_OWNER }))];
}
