/**
 * The `table.column` whose UNIQUE constraint a failed write broke (e.g. "users.email"), or undefined
 * for any other error. Drizzle wraps the driver's error, so both its message and its cause are read.
 * Used where two requests can race past an "is it free?" check: the loser gets a field error.
 */
export function uniqueViolation(e: unknown): string | undefined {
  const err = e as { message?: unknown; cause?: unknown } | null;
  const text = `${String(err?.message ?? "")} ${String(err?.cause ?? "")}`;
  return /UNIQUE constraint failed: ([\w.]+)/i.exec(text)?.[1];
}
