import { describe, expect, it } from "vitest";
import { ChangeOwnPassword, CreateUser, ListQuery, TokenLimit, UpdateUser } from "@/lib/users/schemas";

describe("token limits", () => {
  it("reads empty as unlimited and whole numbers as limits", () => {
    for (const empty of ["", "  ", null, undefined]) expect(TokenLimit.parse(empty)).toBeNull();
    expect(TokenLimit.parse("0")).toBe(0);
    expect(TokenLimit.parse(" 1500 ")).toBe(1500);
    expect(TokenLimit.parse(42)).toBe(42);
  });

  it("refuses anything else", () => {
    for (const bad of ["-1", "1.5", "1e3", "0x10", "ten", -1, 1.5, Number.MAX_SAFE_INTEGER + 2, NaN, {}, [], true]) {
      expect(TokenLimit.safeParse(bad).success, String(bad)).toBe(false);
    }
  });
});

describe("create user", () => {
  const ok = { username: "new_user-1", email: " New@Example.TEST ", password: "12345678" };

  it("normalises and defaults", () => {
    expect(CreateUser.parse(ok)).toEqual({
      username: "new_user-1",
      email: "new@example.test",
      displayName: null,
      password: "12345678",
      role: "user",
      dailyLimit: null,
      monthlyLimit: null,
      totalLimit: null,
      sendWelcome: false,
      includePassword: false,
    });
    expect(CreateUser.parse({ ...ok, sendWelcome: "on", displayName: "  Ann  " })).toMatchObject({ sendWelcome: true, displayName: "Ann" });
  });

  it("names the field that is wrong", () => {
    const field = (patch: Record<string, unknown>) => Object.keys(CreateUser.safeParse({ ...ok, ...patch }).error?.flatten().fieldErrors ?? {});
    expect(field({ username: "ab" })).toEqual(["username"]);
    expect(field({ username: "x".repeat(33) })).toEqual(["username"]);
    expect(field({ username: "üser" })).toEqual(["username"]);
    expect(field({ email: "nope" })).toEqual(["email"]);
    expect(field({ password: "1234567" })).toEqual(["password"]);
    expect(field({ password: "é".repeat(37) })).toEqual(["password"]); // 74 bytes
    expect(field({ role: "owner" })).toEqual(["role"]);
  });
});

describe("update user and password change", () => {
  it("requires a budget type from the list", () => {
    const base = { email: "a@b.io", budgetType: "subscription" };
    expect(UpdateUser.safeParse(base).success).toBe(true);
    expect(UpdateUser.safeParse({ ...base, budgetType: "weekly" }).success).toBe(false);
  });

  it("refuses the default password, reuse and a mismatch", () => {
    const errs = (v: Record<string, string>) => Object.keys(ChangeOwnPassword.safeParse(v).error?.flatten().fieldErrors ?? {});
    expect(errs({ current: "old-password", password: "changeme", confirm: "changeme" })).toEqual(["password"]);
    expect(errs({ current: "old-password", password: "old-password", confirm: "old-password" })).toEqual(["password"]);
    expect(errs({ current: "old-password", password: "new-password", confirm: "other" })).toEqual(["confirm"]);
    expect(errs({ current: "old-password", password: "new-password", confirm: "new-password" })).toEqual([]);
  });
});

describe("the /users view in the URL", () => {
  it("falls back to the default view for anything malformed", () => {
    expect(ListQuery.parse({})).toEqual({ q: "", sort: "created", dir: "desc", page: 1, size: 25 });
    expect(ListQuery.parse({ q: "  ann ", role: "admin", status: "suspended", sort: "email", dir: "asc", page: "3", size: "50" })).toEqual({
      q: "ann",
      role: "admin",
      status: "suspended",
      sort: "email",
      dir: "asc",
      page: 3,
      size: 50,
    });
    expect(ListQuery.parse({ role: "root", status: "x", sort: "password", dir: "up", page: "-2", size: "1000000" })).toEqual({
      q: "",
      sort: "created",
      dir: "desc",
      page: 1,
      size: 25,
    });
    expect(ListQuery.parse({ q: ["a", "b"], page: ["2", "3"] })).toMatchObject({ q: "", page: 1 });
  });
});
