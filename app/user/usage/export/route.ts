import { NextResponse } from "next/server";
import { requireUser } from "@/lib/auth/dal";
import { isSameOrigin } from "@/lib/auth/origin";
import { AuthError } from "@/lib/errors";
import { usageExport } from "@/lib/usage/export";
import { downloadResponse, parseExportQuery } from "@/lib/usage/export-query";
import { getUserDetail } from "@/lib/users";

// GET /user/usage/export?days=30&format=json|csv: the signed-in user downloads their own ledger rows of
// the last `days` local days (today included), the same stream as the admin's download of them
// (app/api/users/[id]/usage). Whose rows is the session's alone: no user id in the URL. It lives under
// /user/ so that the portal's cookies (the impersonation cookie is Path=/user) reach it; middleware lets
// it through without a session so that a missing one is this JSON 401, not the sign-in page saved as
// the file. Checked here: same origin, the session (lib/auth/dal), the parameters.

const refuse = (status: number, error: string) => NextResponse.json({ error }, { status, headers: { "cache-control": "no-store" } });

export async function GET(request: Request) {
  if (!isSameOrigin(request)) return refuse(403, "Cross-site request refused");
  let me;
  try {
    me = await requireUser();
  } catch (e) {
    if (!(e instanceof AuthError)) throw e;
    return e.reason === "no-session" ? refuse(401, e.message) : refuse(403, e.message);
  }
  const parsed = parseExportQuery(new URL(request.url).searchParams);
  if (!parsed.ok) return refuse(400, parsed.error);
  const user = await getUserDetail(me.id);
  // Deleted since the session was checked: nothing of theirs to send as theirs.
  if (!user) return refuse(401, new AuthError("no-session").message);

  const { days, format } = parsed.data;
  const { stream, firstDay, lastDay } = usageExport(user, days, format);
  return downloadResponse(stream, format, `usage-${user.username}-${firstDay}-${lastDay}.${format}`);
}
