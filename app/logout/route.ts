import { NextResponse } from "next/server";
import { isSameOrigin } from "@/lib/auth/origin";

const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token", "next-auth.csrf-token", "__Host-next-auth.csrf-token"];

/** Signs out: POST only, same origin only, so that no other site can log a user out. */
export async function POST(request: Request) {
  if (!isSameOrigin(request)) return NextResponse.json({ error: "Cross-site request refused" }, { status: 403 });
  const response = NextResponse.redirect(new URL("/login", request.url), 303);
  for (const name of SESSION_COOKIES) response.cookies.set(name, "", { path: "/", maxAge: 0, secure: name.startsWith("__") });
  return response;
}
