import { NextResponse } from "next/server";
import { clearSessionCookies } from "@/lib/auth/cookies";
import { isSameOrigin } from "@/lib/auth/origin";

/** Signs out: POST only, same origin only, so that no other site can log a user out. */
export async function POST(request: Request) {
  if (!isSameOrigin(request)) return NextResponse.json({ error: "Cross-site request refused" }, { status: 403 });
  const response = NextResponse.redirect(new URL("/login", request.url), 303);
  clearSessionCookies(response.cookies);
  return response;
}
