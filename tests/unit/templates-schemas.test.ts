import { describe, expect, it } from "vitest";
import { CcProfileConfig, CostFactor, ModelAtEndpoint, TemplateConfig, TemplateName } from "@/lib/templates/schemas";
import { applyOverlay } from "@/lib/gateway/overlay";

// Issue 16's groundwork: the rules of template and CC profile configs, and what either does to a
// call's body in each API style (the gateway's wiring comes with the rest of the issue).

const messageOf = (r: { success: boolean; error?: { issues: { message: string }[] } }) => (r.success ? undefined : r.error!.issues[0].message);

describe("template and profile configs", () => {
  it("takes a target as model@endpoint, split at the last @, the endpoint named by the endpoint rule", () => {
    for (const ok of ["qwen3-coder@vllm", "llama3:8b@Local box", "m@a.b_c-d"]) expect(ModelAtEndpoint.parse(ok), ok).toBe(ok);
    for (const bad of ["qwen3", "@vllm", "model@", "two words@vllm", "m@bad/name", 42]) expect(messageOf(ModelAtEndpoint.safeParse(bad)), String(bad)).toBe("Enter the target as model@endpoint, e.g. qwen3-coder@vllm");
  });

  it("names templates like models: letters, digits, . _ - and no @", () => {
    expect(TemplateName.parse(" reviewer-v2.1 ")).toBe("reviewer-v2.1");
    expect(messageOf(TemplateName.safeParse("rev@x"))).toMatch(/no @/);
    expect(messageOf(TemplateName.safeParse(""))).toBe("Name is required");
  });

  it("defaults the mode to native and refuses unknown keys, wrong types and out-of-range values by field", () => {
    expect(TemplateConfig.parse({ target: "m@e" })).toEqual({ target: "m@e", mode: "native" });
    const cases: [unknown, string][] = [
      [{ target: "m@e", maxToken: 5 }, "maxToken"],
      [{ target: "m@e", maxTokens: "5" }, "maxTokens"],
      [{ target: "m@e", temperature: 3 }, "temperature"],
      [{ target: "m@e", mode: "turbo" }, "mode"],
      [{}, "target"],
    ];
    for (const [input, field] of cases) {
      const r = TemplateConfig.safeParse(input);
      expect(r.success, JSON.stringify(input)).toBe(false);
      expect(JSON.stringify(r.error!.issues[0].path.length ? r.error!.issues[0].path : r.error!.issues[0]), JSON.stringify(input)).toContain(field);
    }
    expect(CostFactor.parse(undefined)).toBe(1);
    expect(CostFactor.safeParse(0).success).toBe(false);
    expect(CcProfileConfig.parse({ toolModel: "qwen3@vllm" })).toEqual({ toolModel: "qwen3@vllm", mode: "native", streamThinking: true });
    expect(messageOf(CcProfileConfig.safeParse({ toolModel: "qwen3@vllm", reasoningMaxTokens: 500 }))).toBe("The reasoning max tokens must be at least 1024");
  });
});

describe("applyOverlay", () => {
  const o = { model: "qwen3@vllm", systemPrompt: "You review code.", maxTokens: 1000, temperature: 0.2 };

  it("openai: a leading system message, the caps sent lowered (never raised), the endpoint's cap field added when none", () => {
    expect(applyOverlay("openai", { model: "reviewer", messages: [{ role: "user", content: "Hi" }], max_tokens: 5000 }, o)).toEqual({
      model: "qwen3@vllm",
      messages: [
        { role: "system", content: "You review code." },
        { role: "user", content: "Hi" },
      ],
      max_tokens: 1000,
      temperature: 0.2,
    });
    expect(applyOverlay("openai", { model: "r", messages: [], max_completion_tokens: 300 }, o).max_completion_tokens).toBe(300);
    expect(applyOverlay("openai", { model: "r", messages: [] }, o, "max_completion_tokens")).toMatchObject({ max_completion_tokens: 1000 });
  });

  it("anthropic: the prompt before a string or block system, max_tokens lowered, thinking kept below it and under the profile's ceiling", () => {
    expect(applyOverlay("anthropic", { model: "r", system: "Be brief.", messages: [], max_tokens: 4000 }, o)).toMatchObject({ system: "You review code.\n\nBe brief.", max_tokens: 1000 });
    expect(applyOverlay("anthropic", { model: "r", system: [{ type: "text", text: "Be brief." }], messages: [], max_tokens: 10 }, o)).toMatchObject({
      system: [{ type: "text", text: "You review code." }, { type: "text", text: "Be brief." }],
      max_tokens: 10,
    });
    const thinking = { model: "r", messages: [], max_tokens: 32000, thinking: { type: "enabled", budget_tokens: 16000 } };
    expect(applyOverlay("anthropic", thinking, { model: "m@e", thinkingMax: 4096 }).thinking).toEqual({ type: "enabled", budget_tokens: 4096 });
    expect(applyOverlay("anthropic", thinking, { model: "m@e", maxTokens: 8000 }).thinking).toEqual({ type: "enabled", budget_tokens: 7999 });
  });

  it("responses: the prompt before the instructions, max_output_tokens as the cap; the body given is not changed", () => {
    const body = Object.freeze({ model: "r", input: "Hi", instructions: "Be brief." });
    expect(applyOverlay("openai-responses", body, o)).toEqual({ model: "qwen3@vllm", input: "Hi", instructions: "You review code.\n\nBe brief.", max_output_tokens: 1000, temperature: 0.2 });
    expect(body).toEqual({ model: "r", input: "Hi", instructions: "Be brief." });
  });
});
