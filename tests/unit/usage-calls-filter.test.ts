import { describe, expect, it } from "vitest";
import { callsHref, DEFAULT_FILTER, parseCallsFilter, statusGroupOf } from "@/lib/usage/calls-filter";
import { parseExportQuery } from "@/lib/usage/export-query";

// The portal's call history reads its filters from the URL (lib/usage/calls-filter): every choice it
// offers comes through, anything else becomes that filter's default, never an error. And the download's
// query (lib/usage/export-query), shared by the admin's and the portal's routes, names what it refuses.

const KEY = "0123456789abcdef0123456789abcdef";
const choices = { keys: [KEY], models: ["gpt-x", "claude y"] };
const parse = (params: Record<string, string | string[] | undefined>) => parseCallsFilter(params, choices);

describe("parseCallsFilter", () => {
  it("takes every offered choice", () => {
    expect(parse({ days: "7", key: KEY, model: "claude y", status: "upstream", page: "3" })).toEqual({ days: 7, key: KEY, model: "claude y", status: "upstream", page: 3 });
    expect(parse({ days: "90", key: "deleted", status: "ok" })).toEqual({ days: 90, key: "deleted", model: null, status: "ok", page: 1 });
  });

  it("gives the defaults for no params and for the form's empty 'All' values", () => {
    expect(parse({})).toEqual(DEFAULT_FILTER);
    expect(parse({ days: "", key: "", model: "", status: "", page: "" })).toEqual(DEFAULT_FILTER);
    expect(DEFAULT_FILTER).toEqual({ days: 30, key: null, model: null, status: null, page: 1 });
  });

  it.each([
    ["days", ["1", "14", "365", "30.0", " 7", "7 ", "0x1e", "-7", "abc", "1e1"]],
    ["key", ["another-users-key", KEY.toUpperCase(), "DELETED", " "]],
    ["model", ["unknown-model", "GPT-X", "gpt-x "]],
    ["status", ["OK", "upstream_500", "failed", "1"]],
    ["page", ["0", "-1", "1.5", "abc", "1e3", "9999999", "01"]],
  ])("drops a %s that is not a choice: %j", (name, values) => {
    for (const value of values) expect(parse({ [name]: value }), `${name}=${JSON.stringify(value)}`).toEqual(DEFAULT_FILTER);
  });

  it("drops a repeated parameter (no form of the page sends one)", () => {
    expect(parse({ days: ["7", "90"], model: ["gpt-x", "gpt-x"], page: ["2", "3"] })).toEqual(DEFAULT_FILTER);
  });
});

describe("callsHref", () => {
  it("writes only what differs from the defaults, and reads back as the same filter", () => {
    expect(callsHref(DEFAULT_FILTER)).toBe("/user/usage");
    const filter = { days: 90, key: KEY, model: "claude y", status: "error", page: 4 } as const;
    const href = callsHref(filter);
    expect(href).toBe(`/user/usage?days=90&key=${KEY}&model=claude+y&status=error&page=4`);
    expect(parse(Object.fromEntries(new URL(href, "http://x").searchParams))).toEqual(filter);
  });
});

describe("statusGroupOf", () => {
  it.each([
    ["ok", "ok"],
    ["ok_no_usage", "ok"],
    ["budget_exceeded", "budget"],
    ["permission_denied", "refused"],
    ["model_not_found", "refused"],
    ["upstream_502", "upstream"],
    ["upstream_unreachable", "upstream"],
    ["timeout", "upstream"],
    ["client_aborted", "aborted"],
    ["internal_error", null],
  ])("puts %s in %s", (status, group) => {
    expect(statusGroupOf(status)).toBe(group);
  });
});

describe("parseExportQuery", () => {
  const q = (s: string) => parseExportQuery(new URLSearchParams(s));
  it("defaults to 30 days of JSON, and takes 1 to 366 days of json or csv", () => {
    expect(q("")).toEqual({ ok: true, data: { days: 30, format: "json" } });
    expect(q("days=1&format=csv")).toEqual({ ok: true, data: { days: 1, format: "csv" } });
    expect(q("days=366")).toEqual({ ok: true, data: { days: 366, format: "json" } });
  });
  it.each(["days=0", "days=367", "days=1.5", "days=abc", "days=", "days=-3", "days=30&days=31", "format=xml", "format=", "format=JSON", "format=csv&format=csv"])(
    "refuses %s naming the parameter",
    (s) => {
      const r = q(s);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error).toMatch(s.startsWith("format") ? /^format / : /^days /);
    },
  );
});
