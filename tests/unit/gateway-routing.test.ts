import { describe, expect, it } from "vitest";
import type { RoutingEndpoint } from "@/lib/endpoints";
import { GatewayError } from "@/lib/gateway/errors";
import { modelIds, resolveModel } from "@/lib/gateway/routing";

const ep = (name: string, apiStyle: "openai" | "anthropic", models: string[]): RoutingEndpoint => ({
  id: name,
  name,
  baseUrl: `http://${name}.test/v1`,
  apiStyle,
  upstreamApiKey: null,
  models,
  eurPerMInput: 0,
  eurPerMOutput: 0,
  eurPerMCacheRead: null,
  eurPerMCacheWrite: null,
  maxOutputTokens: {},
  outputCapField: "max_tokens",
});
// The routing table comes ordered by name.
const table = [ep("a-oa", "openai", ["gpt", "shared"]), ep("b-an", "anthropic", ["claude", "shared"]), ep("c-oa", "openai", ["gpt"])];

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof GatewayError) return { kind: e.kind, message: e.message };
    throw e;
  }
  throw new Error("did not refuse");
};

describe("resolveModel", () => {
  it("sends a plain model to the first endpoint by name that serves it", () => {
    expect(resolveModel(table, "gpt", "openai")).toMatchObject({ endpoint: { name: "a-oa" }, model: "gpt" });
  });

  it("prefers an endpoint of the client's style", () => {
    expect(resolveModel(table, "shared", "anthropic")).toMatchObject({ endpoint: { name: "b-an" }, model: "shared" });
    expect(resolveModel(table, "shared", "openai")).toMatchObject({ endpoint: { name: "a-oa" } });
  });

  it("sends model@endpoint to the named endpoint, splitting at the last @", () => {
    expect(resolveModel(table, "gpt@c-oa", "openai")).toMatchObject({ endpoint: { name: "c-oa" }, model: "gpt" });
    expect(resolveModel([ep("x", "openai", ["org@model"])], "org@model@x", "openai")).toMatchObject({ model: "org@model" });
  });

  it("refuses what no endpoint serves with a 404", () => {
    for (const name of ["nope", "gpt@b-an", "gpt@missing", "@a-oa"]) expect(refusal(() => resolveModel(table, name, "openai")).kind, name).toBe("not_found");
  });

  it("refuses a model served only in the other style with a 400 naming the route to call", () => {
    expect(refusal(() => resolveModel(table, "claude", "openai"))).toEqual({
      kind: "invalid_request",
      message: "The model 'claude' is served by an anthropic-style endpoint: call POST /v1/messages.",
    });
    expect(refusal(() => resolveModel(table, "gpt", "anthropic")).message).toMatch(/call POST \/v1\/chat\/completions/);
  });

  it("says 503 when no endpoint is configured at all", () => {
    expect(refusal(() => resolveModel([], "gpt", "openai")).kind).toBe("unavailable");
  });
});

describe("modelIds", () => {
  it("lists each model once, and model@endpoint for each endpoint of a model served by several", () => {
    expect(modelIds(table)).toEqual([
      { id: "gpt", owner: "a-oa" },
      { id: "gpt@a-oa", owner: "a-oa" },
      { id: "gpt@c-oa", owner: "c-oa" },
      { id: "shared", owner: "a-oa" },
      { id: "shared@a-oa", owner: "a-oa" },
      { id: "shared@b-an", owner: "b-an" },
      { id: "claude", owner: "b-an" },
    ]);
    expect(modelIds([])).toEqual([]);
  });
});
