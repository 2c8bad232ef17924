import { describe, expect, it } from "vitest";
import { routingEndpoint } from "../support/routing";
import { GatewayError } from "@/lib/gateway/errors";
import { modelIds, resolveModel } from "@/lib/gateway/routing";
import { noGrants, type Permit } from "@/lib/permissions/rules";

const ADMIN: Permit = { admin: true };
const granted = (...ids: string[]): Permit => ({ admin: false, grants: { ...noGrants(), model_endpoint: ids } });

const ep = (name: string, apiStyle: "openai" | "anthropic", models: string[]) => routingEndpoint(name, apiStyle, models);
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
    expect(resolveModel(table, "gpt", "openai", ADMIN)).toMatchObject({ endpoint: { name: "a-oa" }, model: "gpt" });
  });

  it("prefers an endpoint of the client's style", () => {
    expect(resolveModel(table, "shared", "anthropic", ADMIN)).toMatchObject({ endpoint: { name: "b-an" }, model: "shared" });
    expect(resolveModel(table, "shared", "openai", ADMIN)).toMatchObject({ endpoint: { name: "a-oa" } });
  });

  it("sends model@endpoint to the named endpoint, splitting at the last @", () => {
    expect(resolveModel(table, "gpt@c-oa", "openai", ADMIN)).toMatchObject({ endpoint: { name: "c-oa" }, model: "gpt" });
    expect(resolveModel([ep("x", "openai", ["org@model"])], "org@model@x", "openai", ADMIN)).toMatchObject({ model: "org@model" });
  });

  it("refuses what no endpoint serves with a 404", () => {
    for (const name of ["nope", "gpt@b-an", "gpt@missing", "@a-oa"]) expect(refusal(() => resolveModel(table, name, "openai", ADMIN)).kind, name).toBe("not_found");
  });

  it("sends a model served only in the other style there (the call is translated)", () => {
    expect(resolveModel(table, "claude", "openai", ADMIN)).toMatchObject({ endpoint: { name: "b-an", apiStyle: "anthropic" }, model: "claude" });
    expect(resolveModel(table, "gpt", "anthropic", ADMIN)).toMatchObject({ endpoint: { name: "a-oa", apiStyle: "openai" }, model: "gpt" });
  });

  it("says 503 when no endpoint is configured at all", () => {
    expect(refusal(() => resolveModel([], "gpt", "openai", ADMIN)).kind).toBe("unavailable");
  });
});

describe("modelIds", () => {
  it("lists each model once, and model@endpoint for each endpoint of a model served by several", () => {
    expect(modelIds(table, ADMIN)).toEqual([
      { id: "gpt", owner: "a-oa" },
      { id: "gpt@a-oa", owner: "a-oa" },
      { id: "gpt@c-oa", owner: "c-oa" },
      { id: "shared", owner: "a-oa" },
      { id: "shared@a-oa", owner: "a-oa" },
      { id: "shared@b-an", owner: "b-an" },
      { id: "claude", owner: "b-an" },
    ]);
    expect(modelIds([], ADMIN)).toEqual([]);
  });
});

describe("resolveModel with a caller's grants", () => {
  it("lets nothing through without a grant: a 403 naming the grants that would allow it", () => {
    expect(refusal(() => resolveModel(table, "gpt", "openai", granted()))).toEqual({
      kind: "permission",
      message:
        "Not permitted: the user of this API key has no grant for the model 'gpt'. Any of these model endpoint grants allows it: 'gpt@a-oa', '*@a-oa', 'gpt@c-oa', '*@c-oa', '*'. An admin can grant one in the user's Permissions tab.",
    });
    expect(refusal(() => resolveModel(table, "gpt@c-oa", "openai", granted("gpt@a-oa"))).message).toContain("'gpt@c-oa', '*@c-oa', '*'");
  });

  it("resolves a plain name among the endpoints granted: only m@B granted, m goes to B", () => {
    expect(resolveModel(table, "gpt", "openai", granted("gpt@c-oa"))).toMatchObject({ endpoint: { name: "c-oa" } });
    expect(resolveModel(table, "gpt", "openai", granted("*@c-oa"))).toMatchObject({ endpoint: { name: "c-oa" } });
    expect(resolveModel(table, "gpt", "openai", granted("gpt@a-oa", "gpt@c-oa"))).toMatchObject({ endpoint: { name: "a-oa" } });
    // Among the granted ones, the client's style still wins.
    expect(resolveModel(table, "shared", "anthropic", granted("*"))).toMatchObject({ endpoint: { name: "b-an" } });
    expect(resolveModel(table, "shared", "openai", granted("shared@b-an", "shared@a-oa"))).toMatchObject({ endpoint: { name: "a-oa" } });
  });

  it("takes *, *@endpoint and model@endpoint, and nothing broader than they say", () => {
    expect(resolveModel(table, "claude@b-an", "anthropic", granted("*"))).toMatchObject({ model: "claude" });
    expect(resolveModel(table, "claude", "anthropic", granted("*@b-an"))).toMatchObject({ model: "claude" });
    expect(resolveModel(table, "claude", "anthropic", granted("claude@b-an"))).toMatchObject({ model: "claude" });
    expect(refusal(() => resolveModel(table, "shared", "anthropic", granted("claude@b-an"))).kind).toBe("permission");
    expect(refusal(() => resolveModel(table, "gpt", "openai", granted("*@b-an", "shared@a-oa"))).kind).toBe("permission");
  });

  it("still answers 404 for what does not exist, granted or not", () => {
    for (const name of ["nope", "gpt@b-an", "gpt@missing"]) expect(refusal(() => resolveModel(table, name, "openai", granted())).kind, name).toBe("not_found");
  });
});

describe("modelIds with a caller's grants", () => {
  it("lists exactly what the grants allow", () => {
    expect(modelIds(table, granted())).toEqual([]);
    expect(modelIds(table, granted("gpt@c-oa"))).toEqual([{ id: "gpt", owner: "c-oa" }]);
    expect(modelIds(table, granted("*@a-oa"))).toEqual([
      { id: "gpt", owner: "a-oa" },
      { id: "shared", owner: "a-oa" },
    ]);
    expect(modelIds(table, granted("*@a-oa", "gpt@c-oa"))).toEqual([
      { id: "gpt", owner: "a-oa" },
      { id: "gpt@a-oa", owner: "a-oa" },
      { id: "gpt@c-oa", owner: "c-oa" },
      { id: "shared", owner: "a-oa" },
    ]);
    expect(modelIds(table, granted("*"))).toEqual(modelIds(table, ADMIN));
  });
});
