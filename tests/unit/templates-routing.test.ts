import { describe, expect, it } from "vitest";
import { routingEndpoint } from "../support/routing";
import { GatewayError } from "@/lib/gateway/errors";
import { applyOverlay, callableTemplates, routeOverlay, templateRefusal } from "@/lib/gateway/overlay";
import { noGrants, type CallGrants } from "@/lib/permissions/rules";
import { brokenReason, type OverlayTable, type Owner, type RoutedProfile, type RoutedTemplate } from "@/lib/templates/rules";
import type { Role } from "@/db/enums";

// The resolve step's rules for expert templates and CC profiles (lib/gateway/overlay routeOverlay):
// who may call a template or have a profile applied, where the call goes, and what is refused with
// which reason. Pure: the tables are plain values.

const ep = (name: string, apiStyle: "openai" | "anthropic", models: string[]) => routingEndpoint(name, apiStyle, models);
const endpoints = [ep("vllm", "openai", ["qwen", "reviewer"]), ep("claude", "anthropic", ["claude-sonnet"])];

const expertOwner: Owner = { id: "ex", username: "ex", role: "expert", grants: ["qwen@vllm"] };
const template = (over: Partial<RoutedTemplate> = {}): RoutedTemplate => ({
  id: "t1",
  name: "reviewer",
  ownerId: "ex",
  owner: expertOwner,
  active: true,
  costFactor: 2.5,
  config: { target: "qwen@vllm", mode: "native", systemPrompt: "Review.", maxTokens: 100, temperature: 0.2 },
  ...over,
});
const profile = (over: Partial<RoutedProfile> = {}): RoutedProfile => ({
  id: "p1",
  name: "local-cc",
  ownerId: "ex",
  owner: expertOwner,
  active: true,
  config: { mode: "native", toolModel: "qwen@vllm", toolMaxTokens: 4000, reasoningMaxTokens: 2048, systemPromptPrefix: "Be brief.", streamThinking: true },
  ...over,
});
const tableOf = (t: RoutedTemplate[] = [template()], p: RoutedProfile[] = [profile()]): OverlayTable => ({
  templates: new Map(t.map((x) => [x.name, x])),
  profiles: new Map(p.map((x) => [x.id, x])),
});
const caller = (role: Role, grants: Partial<CallGrants> = {}, activeProfileId: string | null = null) => ({ userId: "me", role, grants: { ...noGrants(), ...grants }, activeProfileId });

function refusal(fn: () => unknown): { status: number; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof GatewayError) return { status: e.status, message: e.message };
    throw e;
  }
  throw new Error("not refused");
}

describe("templates in the resolve step", () => {
  it("sends a granted subscriber's call to the target with the template's settings and cost factor, and needs no model grant", () => {
    const r = routeOverlay(tableOf(), endpoints, caller("subscriber", { expert_template: ["t1"] }), "openai", "reviewer")!;
    expect(r.target.endpoint.name).toBe("vllm");
    expect(r.target.model).toBe("qwen");
    expect(r.overlay).toEqual({ model: "qwen@vllm", systemPrompt: "Review.", maxTokens: 100, temperature: 0.2 });
    expect(r.costFactor).toBe(2.5);
    expect(r.via).toEqual({ type: "expert_template", id: "t1", name: "reviewer" });
  });

  it("wins over a model of the same name for callers who may use it; for everyone else the name is the model", () => {
    // `reviewer` is also a model on vllm.
    expect(routeOverlay(tableOf(), endpoints, caller("subscriber", { expert_template: ["*"] }), "openai", "reviewer")).toBeDefined();
    expect(routeOverlay(tableOf(), endpoints, caller("subscriber", { model_endpoint: ["*"] }), "openai", "reviewer")).toBeUndefined();
    // A `user` is refused even if granted: the name means the model for them.
    expect(routeOverlay(tableOf(), endpoints, caller("user", { expert_template: ["t1"] }), "openai", "reviewer")).toBeUndefined();
    expect(templateRefusal(tableOf(), caller("user", { expert_template: ["t1"] }), "reviewer")?.message).toMatch(/templates are for subscribers, experts and admins.*role 'user'/);
    expect(templateRefusal(tableOf(), caller("subscriber"), "reviewer")?.message).toMatch(/no grant on the expert template 'reviewer'/);
    expect(templateRefusal(tableOf(), caller("subscriber"), "qwen")).toBeUndefined();
  });

  it("lets the owner and admins call it without a grant on it", () => {
    expect(routeOverlay(tableOf(), endpoints, { ...caller("expert"), userId: "ex" }, "anthropic", "reviewer")).toBeDefined();
    expect(routeOverlay(tableOf(), endpoints, caller("admin"), "openai-responses", "reviewer")).toBeDefined();
    expect(routeOverlay(tableOf(), endpoints, caller("expert"), "openai", "reviewer")).toBeUndefined();
  });

  it("refuses with the reason: disabled, the owner's grant lost, a missing owner, a mode not granted; a broken target is a 503", () => {
    const sub = caller("subscriber", { expert_template: ["*"] });
    expect(refusal(() => routeOverlay(tableOf([template({ active: false })]), endpoints, sub, "openai", "reviewer"))).toEqual({ status: 403, message: expect.stringMatching(/is disabled/) });
    const lost = template({ owner: { ...expertOwner, grants: [] } as Owner });
    expect(refusal(() => routeOverlay(tableOf([lost]), endpoints, sub, "openai", "reviewer"))).toEqual({ status: 403, message: expect.stringMatching(/its owner may no longer use its target 'qwen@vllm'/) });
    expect(refusal(() => routeOverlay(tableOf([template({ owner: "missing" })]), endpoints, sub, "openai", "reviewer")).message).toMatch(/no owner any more/);
    const moe = template({ config: { target: "qwen@vllm", mode: "moe_reasoning" } });
    expect(refusal(() => routeOverlay(tableOf([moe]), endpoints, sub, "openai", "reviewer")).message).toMatch(/mode 'moe_reasoning'/);
    expect(routeOverlay(tableOf([moe]), endpoints, caller("subscriber", { expert_template: ["*"], moe_mode: ["moe_reasoning"] }), "openai", "reviewer")).toBeDefined();
    const gone = template({ config: { target: "qwen@deleted", mode: "native" } });
    expect(refusal(() => routeOverlay(tableOf([gone]), endpoints, sub, "openai", "reviewer"))).toEqual({ status: 503, message: expect.stringMatching(/targets 'qwen@deleted', which no longer exists/) });
    expect(refusal(() => routeOverlay(tableOf([template({ config: null })]), endpoints, sub, "openai", "reviewer")).status).toBe(503);
  });

  it("needs no owner grant for an admin-made template, and says why a record is broken", () => {
    const adminMade = template({ ownerId: null, owner: null, config: { target: "claude-sonnet@claude", mode: "native" } });
    expect(routeOverlay(tableOf([adminMade]), endpoints, caller("subscriber", { expert_template: ["t1"] }), "openai", "reviewer")?.target.endpoint.name).toBe("claude");
    expect(brokenReason(adminMade, endpoints)).toBeNull();
    expect(brokenReason(template({ owner: "missing" }), endpoints)).toBe("Its owner no longer exists");
    expect(brokenReason(template({ config: { target: "x@vllm", mode: "native" } }), endpoints)).toBe("Its target x@vllm no longer exists");
  });

  it("lists in /v1/models only the templates a caller can call now", () => {
    const t = tableOf([template(), template({ id: "t2", name: "off", active: false }), template({ id: "t3", name: "gone", config: { target: "q@none", mode: "native" } })]);
    expect(callableTemplates(t, endpoints, caller("subscriber", { expert_template: ["*"] }))).toEqual(["reviewer"]);
    expect(callableTemplates(t, endpoints, caller("user", { expert_template: ["*"] }))).toEqual([]);
  });
});

describe("the active CC profile in the resolve step", () => {
  const expert = (grants: Partial<CallGrants> = { cc_profile: ["p1"] }) => caller("expert", grants, "p1");

  it("takes over Claude Code's claude-* calls on /v1/messages only, with the profile's model, caps and prefix", () => {
    const r = routeOverlay(tableOf(), endpoints, expert(), "anthropic", "claude-sonnet-4-5")!;
    expect(r.target.model).toBe("qwen");
    expect(r.overlay).toEqual({ model: "qwen@vllm", systemPrompt: "Be brief.", maxTokens: 4000, thinkingMax: 2048, noThinking: false });
    expect(r.costFactor).toBe(1);
    expect(routeOverlay(tableOf(), endpoints, expert(), "openai", "claude-sonnet-4-5")).toBeUndefined();
    expect(routeOverlay(tableOf(), endpoints, expert(), "anthropic", "qwen")).toBeUndefined();
    expect(routeOverlay(tableOf(), endpoints, caller("expert", { cc_profile: ["p1"] }), "anthropic", "claude-sonnet-4-5")).toBeUndefined();
  });

  it("refuses a disabled or ungranted profile, and one applied to a role without profiles", () => {
    expect(refusal(() => routeOverlay(tableOf(undefined, [profile({ active: false })]), endpoints, expert(), "anthropic", "claude-x")).message).toMatch(/'local-cc' is disabled/);
    expect(refusal(() => routeOverlay(tableOf(), endpoints, expert({}), "anthropic", "claude-x")).message).toMatch(/no grant on the CC profile 'local-cc'/);
    expect(refusal(() => routeOverlay(tableOf(), endpoints, caller("subscriber", { cc_profile: ["*"] }, "p1"), "anthropic", "claude-x")).message).toMatch(/experts and admins only/);
    // The owner needs no grant on their own profile.
    expect(routeOverlay(tableOf(), endpoints, { ...expert({}), userId: "ex" }, "anthropic", "claude-x")).toBeDefined();
  });

  it("takes a request's thinking out when the profile does not stream thinking, and caps a thinking budget", () => {
    const body = { model: "claude-x", max_tokens: 8000, thinking: { type: "enabled", budget_tokens: 6000 }, messages: [] };
    expect(applyOverlay("anthropic", body, { model: "qwen@vllm", noThinking: true }).thinking).toBeUndefined();
    const capped = applyOverlay("anthropic", body, { model: "qwen@vllm", thinkingMax: 2048, maxTokens: 4000 });
    expect(capped).toMatchObject({ model: "qwen@vllm", max_tokens: 4000, thinking: { type: "enabled", budget_tokens: 2048 } });
  });
});
