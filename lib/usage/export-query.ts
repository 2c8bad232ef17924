import { z } from "zod";
import { EXPORT_FORMATS } from "./export";

// The query of a usage download (?days=&format=), one schema for both routes that stream it: the
// admin's (app/api/users/[id]/usage) and the portal's own (app/user/usage/export). The messages name
// the parameter, so a 400 says which one to fix.

const DAYS_MESSAGE = "days must be a whole number from 1 to 366";

export const ExportQuery = z.object({
  days: z.coerce.number({ error: DAYS_MESSAGE }).int(DAYS_MESSAGE).min(1, DAYS_MESSAGE).max(366, DAYS_MESSAGE).default(30),
  format: z.enum(EXPORT_FORMATS, { error: "format must be json or csv" }).default("json"),
});
export type ExportQueryInput = z.infer<typeof ExportQuery>;

/** The query of a download URL, or the message of a 400. An empty or repeated parameter is a mistake to name, not to default. */
export function parseExportQuery(search: URLSearchParams): { ok: true; data: ExportQueryInput } | { ok: false; error: string } {
  for (const name of ["days", "format"]) {
    if (search.getAll(name).length > 1) return { ok: false, error: `${name} is given more than once` };
  }
  const parsed = ExportQuery.safeParse({ days: search.get("days") ?? undefined, format: search.get("format") ?? undefined });
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, error: parsed.error.issues.map((i) => i.message).join("; ") };
}

/** What a download answers with, by format. */
export const EXPORT_CONTENT_TYPES = { json: "application/json; charset=utf-8", csv: "text/csv; charset=utf-8; header=present" } as const;

/** The download's answer: the stream, its type, and a file name that says whose rows and which days. */
export function downloadResponse(stream: ReadableStream<Uint8Array>, format: ExportQueryInput["format"], filename: string): Response {
  return new Response(stream, {
    headers: {
      "content-type": EXPORT_CONTENT_TYPES[format],
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
