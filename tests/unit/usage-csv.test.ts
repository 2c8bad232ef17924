import { describe, expect, it } from "vitest";
import { csvCell, csvLine, neutralizeFormula } from "@/lib/usage/csv";

// The usage download's CSV: RFC 4180 quoting, and text a spreadsheet would run as a formula made inert.

describe("neutralizeFormula", () => {
  it.each(["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1)", "\tx", "\rx"])("prefixes %j with an apostrophe", (text) => {
    expect(neutralizeFormula(text)).toBe(`'${text}`);
  });
  it.each(["plain", "a=b", " =x", "'quoted", "", "1-2"])("leaves %j as it is", (text) => {
    expect(neutralizeFormula(text)).toBe(text);
  });
});

describe("csvCell", () => {
  it("writes null and undefined as empty cells, numbers and booleans as they are", () => {
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(0)).toBe("0");
    expect(csvCell(0.0019)).toBe("0.0019");
    expect(csvCell(true)).toBe("1");
  });

  it("quotes a cell with a comma, a quote, a CR or an LF, doubling its quotes", () => {
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\rhere")).toBe('"cr\rhere"');
    expect(csvCell("plain text")).toBe("plain text");
  });

  it("neutralizes a formula before quoting it", () => {
    expect(csvCell("=cmd|' /C calc'!A0")).toBe("'=cmd|' /C calc'!A0");
    expect(csvCell("@SUM(1)")).toBe("'@SUM(1)");
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell("\r=1")).toBe(`"'\r=1"`);
  });
});

describe("csvLine", () => {
  it("joins cells with commas and ends with CRLF", () => {
    expect(csvLine(["id", 1, null, "a,b", "-x"])).toBe(`id,1,,"a,b",'-x\r\n`);
  });
});
