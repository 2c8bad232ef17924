import { NextResponse } from "next/server";
import { z } from "zod";
import { requireAdmin } from "@/lib/auth/dal";
import { isSameOrigin } from "@/lib/auth/origin";
import { AuthError } from "@/lib/errors";
import { EXPORT_FORMATS, usageExport } from "@/lib/usage/export";
import { getUserDetail } from "@/lib/users";
import { UserId } from "@/lib/users/schemas";

// GET /api/users/{id}/usage?days=30&format=json|csv: an admin downloads a user's ledger rows of the
// last `days` local days (today included). Checked here, whatever middleware did: same origin, the
// session and the admin role (lib/auth/dal), the parameters; then the rows stream out (lib/usage/export).

const Query = z.object({
  days: z.coerce
    .number({ error: "days must be a whole number from 1 to 366" })
    .int("days must be a whole number from 1 to 366")
    .min(1, "days must be a whole number from 1 to 366")
    .max(366, "days must be a whole number from 1 to 366")
    .default(30),
  format: z.enum(EXPORT_FORMATS, { error: "format must be json or csv" }).default("json"),
});

const CONTENT_TYPES = { json: "application/json; charset=utf-8", csv: "text/csv; charset=utf-8; header=present" } as const;

const refuse = (status: number, error: string) => NextResponse.json({ error }, { status, headers: { "cache-control": "no-store" } });

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  if (!isSameOrigin(request)) return refuse(403, "Cross-site request refused");
  try {
    await requireAdmin();
  } catch (e) {
    if (!(e instanceof AuthError)) throw e;
    return e.reason === "no-session" ? refuse(401, e.message) : refuse(403, e.message);
  }
  const search = new URL(request.url).searchParams;
  // An empty or repeated parameter is a mistake to name, not to default.
  for (const name of ["days", "format"]) {
    if (search.getAll(name).length > 1) return refuse(400, `${name} is given more than once`);
  }
  const parsed = Query.safeParse({ days: search.get("days") ?? undefined, format: search.get("format") ?? undefined });
  if (!parsed.success) return refuse(400, parsed.error.issues.map((i) => i.message).join("; "));
  const id = UserId.safeParse((await params).id);
  const user = id.success ? await getUserDetail(id.data) : undefined;
  if (!user) return refuse(404, "No such user");

  const { days, format } = parsed.data;
  const { stream, firstDay, lastDay } = usageExport(user, days, format);
  return new Response(stream, {
    headers: {
      "content-type": CONTENT_TYPES[format],
      "content-disposition": `attachment; filename="usage-${user.username}-${firstDay}-${lastDay}.${format}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
