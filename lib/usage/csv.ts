// CSV as RFC 4180 writes it, made safe to open in a spreadsheet (no server code here, so it is unit-tested alone).

/**
 * A text that a spreadsheet would read as a formula (it begins with =, +, -, @, a tab or a carriage
 * return) gets a leading apostrophe, which spreadsheets show as text and do not evaluate (OWASP's
 * advice against CSV injection). Numbers are written as they are: ours are never negative.
 */
export function neutralizeFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** One cell: null/undefined empty, numbers as they are, text neutralized and quoted when it holds a comma, quote, CR or LF. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "1" : "0";
  const text = neutralizeFormula(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, CRLF-terminated as RFC 4180 has it. */
export function csvLine(values: readonly (string | number | boolean | null | undefined)[]): string {
  return values.map(csvCell).join(",") + "\r\n";
}
