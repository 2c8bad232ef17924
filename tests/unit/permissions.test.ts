import { describe, expect, it } from "vitest";
import { CatalogEntryInput } from "@/lib/catalog/schemas";
import { grantsAllow, mayUseModel, noGrants, parseEndpointGrant, permitOf } from "@/lib/permissions/rules";
import { BulkPermissions, Grant, Revoke } from "@/lib/permissions/schemas";
import { expectNonObjectsRefused, fieldErrorsOf } from "../support/zod";

// The permission model's pure rules (lib/permissions/rules) and the forms' schemas: which ids are
// model endpoint grants, what each allows, and which field carries each refusal.

const USER = "0123456789abcdef0123456789abcdef";

describe("model endpoint grant ids", () => {
  it("reads *, *@endpoint and model@endpoint, splitting at the last @ as the gateway does", () => {
    expect(parseEndpointGrant("*")).toEqual({ kind: "all" });
    expect(parseEndpointGrant("*@openai")).toEqual({ kind: "endpoint", endpoint: "openai" });
    expect(parseEndpointGrant("gpt-4o@openai")).toEqual({ kind: "model", model: "gpt-4o", endpoint: "openai" });
    expect(parseEndpointGrant("llama3:8b@local ollama")).toEqual({ kind: "model", model: "llama3:8b", endpoint: "local ollama" });
    for (const bad of ["gpt-4o", "@openai", "gpt-4o@", "", "**"]) expect(parseEndpointGrant(bad), bad).toBeNull();
  });

  it("allows exactly what they name", () => {
    expect(grantsAllow(["*"], "a", "m")).toBe(true);
    expect(grantsAllow(["*@a"], "a", "m")).toBe(true);
    expect(grantsAllow(["*@a"], "b", "m")).toBe(false);
    expect(grantsAllow(["m@a"], "a", "m")).toBe(true);
    expect(grantsAllow(["m@a"], "a", "n")).toBe(false);
    expect(grantsAllow(["m@a"], "b", "m")).toBe(false);
    expect(grantsAllow([], "a", "m")).toBe(false);
    // No prefix matching: a grant on endpoint "a" is not one on "ab", nor "m" one on "m2".
    expect(grantsAllow(["*@a", "m@ab"], "ab", "m2")).toBe(false);
  });

  it("lets an admin use everything, whatever the grants, and no one else without one", () => {
    expect(mayUseModel(permitOf({ role: "admin", grants: noGrants() }), "a", "m")).toBe(true);
    for (const role of ["user", "subscriber", "expert"]) {
      expect(mayUseModel(permitOf({ role, grants: noGrants() }), "a", "m"), role).toBe(false);
      expect(mayUseModel(permitOf({ role, grants: { ...noGrants(), model_endpoint: ["m@a"] } }), "a", "m"), role).toBe(true);
    }
  });
});

describe("the grant form (Grant)", () => {
  it("takes one id or a list, trimmed and without duplicates", () => {
    expect(Grant.parse({ userId: USER, type: "skill", ids: " web-search " })).toEqual({ userId: USER, type: "skill", ids: ["web-search"] });
    expect(Grant.parse({ userId: USER, type: "model_endpoint", ids: ["*", " * ", "m@a"] }).ids).toEqual(["*", "m@a"]);
  });

  it("names the field of each refusal", () => {
    expect(fieldErrorsOf(Grant, { userId: "x", type: "skill", ids: ["a"] })).toEqual({ userId: ["Unknown user"] });
    expect(fieldErrorsOf(Grant, { userId: USER, type: "gadget", ids: ["a"] })).toEqual({ type: ["Choose a resource type"] });
    expect(fieldErrorsOf(Grant, { userId: USER, type: "skill", ids: [] })).toEqual({ ids: ["Choose at least one resource"] });
    expect(fieldErrorsOf(Grant, { userId: USER, type: "skill" })).toEqual({ ids: ["Choose at least one resource"] });
    expect(fieldErrorsOf(Grant, { userId: USER, type: "skill", ids: ["  "] })).toEqual({ ids: ["Each resource id must be 1–200 characters"] });
    expect(fieldErrorsOf(Grant, { userId: USER, type: "skill", ids: [7] })).toEqual({ ids: ["Each resource id must be 1–200 characters"] });
    expect(fieldErrorsOf(Grant, { userId: USER, type: "skill", ids: Array.from({ length: 201 }, (_, i) => `s${i}`) })).toEqual({ ids: ["Choose at most 200 resources at a time"] });
    expectNonObjectsRefused(Grant);
  });
});

describe("the revoke form (Revoke)", () => {
  it("takes grant row ids, one or many", () => {
    expect(Revoke.parse({ userId: USER, grantIds: "7" })).toEqual({ userId: USER, grantIds: [7] });
    expect(Revoke.parse({ userId: USER, grantIds: [7, "8", 7] }).grantIds).toEqual([7, 8]);
  });

  it("refuses anything else at grantIds", () => {
    for (const grantIds of [[], ["x"], [0], [-1], [1.5], "x"]) expect(Object.keys(fieldErrorsOf(Revoke, { userId: USER, grantIds })), JSON.stringify(grantIds)).toEqual(["grantIds"]);
    expectNonObjectsRefused(Revoke);
  });
});

describe("the bulk form (BulkPermissions)", () => {
  it("names the field of each refusal", () => {
    const valid = { userIds: [USER], op: "grant", type: "model_endpoint", ids: ["*"] };
    expect(BulkPermissions.parse({ ...valid, userIds: [USER, USER] }).userIds).toEqual([USER]);
    expect(fieldErrorsOf(BulkPermissions, { ...valid, userIds: [] })).toEqual({ userIds: ["Select the users first"] });
    expect(fieldErrorsOf(BulkPermissions, { ...valid, userIds: ["nope"] })).toEqual({ userIds: ["Unknown user"] });
    expect(fieldErrorsOf(BulkPermissions, { ...valid, op: "erase" })).toEqual({ op: ["Choose grant or revoke"] });
    expect(fieldErrorsOf(BulkPermissions, { ...valid, ids: [] })).toEqual({ ids: ["Choose at least one resource"] });
    expectNonObjectsRefused(BulkPermissions);
  });
});

describe("skill and MCP tool names (CatalogEntryInput)", () => {
  it("takes the names agents use, and refuses spaces, `*`, `@` and leading punctuation", () => {
    for (const name of ["web-search", "github.create_issue", "fs:read", "mcp/slack/post", "A1"]) expect(fieldErrorsOf(CatalogEntryInput, { name, description: "" }), name).toEqual({});
    for (const name of ["web search", "*", "all@x", "-x", ".hidden", ""]) expect(Object.keys(fieldErrorsOf(CatalogEntryInput, { name, description: "" })), name).toEqual(["name"]);
    expect(fieldErrorsOf(CatalogEntryInput, { name: "x".repeat(101) })).toEqual({ name: ["Name must be at most 100 characters"] });
    expect(fieldErrorsOf(CatalogEntryInput, { name: "x", description: "d".repeat(501) })).toEqual({ description: ["Description must be at most 500 characters"] });
    expect(CatalogEntryInput.parse({ name: " x ", description: null })).toEqual({ name: "x", description: "" });
  });
});
