import { NextResponse } from "next/server";
import { stampedClientIp } from "@/lib/auth/client-ip";
import { isSameOrigin } from "@/lib/auth/origin";
import { config } from "@/lib/config";
import { DomainError } from "@/lib/errors";
import { requestPasswordReset } from "@/lib/users/password-reset";
import { ForgotPassword } from "@/lib/users/schemas";

/**
 * The forgot-password form without JavaScript: a plain form post, the same work as the server action,
 * answered with a redirect back to the page, which shows the outcome (?sent, ?error). Same origin
 * only, so that no other site can have mails sent in a visitor's name.
 */
export async function POST(request: Request) {
  if (!isSameOrigin(request)) return NextResponse.json({ error: "Cross-site request refused" }, { status: 403 });
  const back = (query: Record<string, string>) => NextResponse.redirect(new URL(`/user/forgot-password?${new URLSearchParams(query)}`, config().appUrl), 303);
  const form = await request.formData().catch(() => null);
  const parsed = ForgotPassword.safeParse({ email: form?.get("email") ?? "" });
  if (!parsed.success) return back({ error: "email" });
  try {
    const answer = await requestPasswordReset(parsed.data.email, stampedClientIp(request.headers));
    return answer.sent ? back({ sent: "1" }) : back({ error: "limited", wait: String(answer.retryAfterSeconds) });
  } catch (e) {
    if (e instanceof DomainError) return back({}); // mail is off: the page says to ask an administrator
    throw e;
  }
}
