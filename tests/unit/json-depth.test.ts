import { describe, expect, it } from "vitest";
import { jsonTooDeep, MAX_JSON_DEPTH } from "@/lib/json-depth";

describe("JSON nesting depth", () => {
  const nested = (n: number) => "[".repeat(n) + "]".repeat(n);

  it("allows up to the limit and refuses one level more, arrays and objects alike", () => {
    expect(jsonTooDeep(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonTooDeep(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonTooDeep('{"a":'.repeat(MAX_JSON_DEPTH + 1) + "1" + "}".repeat(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonTooDeep(nested(100_000))).toBe(true);
  });

  it("does not count brackets inside strings, escaped quotes included", () => {
    const text = JSON.stringify({ s: "[".repeat(500) + '\\"[[[' + "{".repeat(500) });
    expect(jsonTooDeep(text)).toBe(false);
    expect(JSON.parse(text).s).toContain('\\"[[[');
  });

  it("counts depth, not the number of brackets", () => {
    expect(jsonTooDeep("[" + "[],".repeat(10_000) + "[]]")).toBe(false);
  });
});
