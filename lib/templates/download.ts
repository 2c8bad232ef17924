import "server-only";
import { NextResponse } from "next/server";
import { isSameOrigin } from "@/lib/auth/origin";
import type { SessionUser } from "@/lib/auth/dal";
import { AuthError } from "@/lib/errors";
import { exportRecords, scopeOf, type Kind } from ".";

// The four export downloads (admin: /templates/export, /cc-profiles/export; portal: the same under
// /user/): a JSON file of the scope's records that import reads back. Each route handler passes its own
// gate (lib/auth/dal); middleware lets them through so that a missing session is a JSON 401, not the
// sign-in page saved as the file.

const refuse = (status: number, error: string) => NextResponse.json({ error }, { status, headers: { "cache-control": "no-store" } });

export async function exportDownload(request: Request, kind: Kind, gate: () => Promise<SessionUser>): Promise<Response> {
  if (!isSameOrigin(request)) return refuse(403, "Cross-site request refused");
  let me: SessionUser;
  try {
    me = await gate();
  } catch (e) {
    if (!(e instanceof AuthError)) throw e;
    return e.reason === "no-session" ? refuse(401, e.message) : refuse(403, e.message);
  }
  const file = await exportRecords(kind, scopeOf(me));
  const name = `${kind === "template" ? "expert-templates" : "cc-profiles"}-${me.role === "admin" ? "all" : me.username}-${file.exportedAt.slice(0, 10)}.json`;
  return new Response(JSON.stringify(file, null, 2), {
    headers: { "content-type": "application/json; charset=utf-8", "content-disposition": `attachment; filename="${name}"`, "cache-control": "no-store" },
  });
}
