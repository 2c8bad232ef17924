import { NextResponse } from "next/server";
import { requireAdmin } from "@/lib/auth/dal";
import { isSameOrigin } from "@/lib/auth/origin";
import { AuthError } from "@/lib/errors";
import { usageExport } from "@/lib/usage/export";
import { downloadResponse, parseExportQuery } from "@/lib/usage/export-query";
import { getUserDetail } from "@/lib/users";
import { UserId } from "@/lib/users/schemas";

// GET /api/users/{id}/usage?days=30&format=json|csv: an admin downloads a user's ledger rows of the
// last `days` local days (today included). Checked here, whatever middleware did: same origin, the
// session and the admin role (lib/auth/dal), the parameters (lib/usage/export-query, the same rules as
// the portal's own download); then the rows stream out (lib/usage/export).

const refuse = (status: number, error: string) => NextResponse.json({ error }, { status, headers: { "cache-control": "no-store" } });

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  if (!isSameOrigin(request)) return refuse(403, "Cross-site request refused");
  try {
    await requireAdmin();
  } catch (e) {
    if (!(e instanceof AuthError)) throw e;
    return e.reason === "no-session" ? refuse(401, e.message) : refuse(403, e.message);
  }
  const parsed = parseExportQuery(new URL(request.url).searchParams);
  if (!parsed.ok) return refuse(400, parsed.error);
  const id = UserId.safeParse((await params).id);
  const user = id.success ? await getUserDetail(id.data) : undefined;
  if (!user) return refuse(404, "No such user");

  const { days, format } = parsed.data;
  const { stream, firstDay, lastDay } = usageExport(user, days, format);
  return downloadResponse(stream, format, `usage-${user.username}-${firstDay}-${lastDay}.${format}`);
}
