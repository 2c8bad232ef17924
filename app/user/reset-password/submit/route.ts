import { NextResponse } from "next/server";
import { isSameOrigin } from "@/lib/auth/origin";
import { config } from "@/lib/config";
import { DomainError } from "@/lib/errors";
import { resetPasswordWithToken } from "@/lib/users/password-reset";
import { ResetPasswordWithToken } from "@/lib/users/schemas";

/**
 * The reset form without JavaScript: a plain form post, the same work as the server action, answered
 * with a redirect: to ?done on success; back to the link with ?error=password or ?error=confirm when a
 * field is refused; back to the link (which then says it no longer works) when the token is refused.
 */
export async function POST(request: Request) {
  if (!isSameOrigin(request)) return NextResponse.json({ error: "Cross-site request refused" }, { status: 403 });
  const back = (query: Record<string, string>) => NextResponse.redirect(new URL(`/user/reset-password?${new URLSearchParams(query)}`, config().appUrl), 303);
  const form = await request.formData().catch(() => null);
  const field = (name: string) => String(form?.get(name) ?? "");
  const token = field("token");
  const parsed = ResetPasswordWithToken.safeParse({ token, password: field("password"), confirm: field("confirm") });
  if (!parsed.success) {
    const at = parsed.error.issues[0]?.path[0];
    return back({ token, error: at === "confirm" ? "confirm" : "password" });
  }
  try {
    await resetPasswordWithToken(parsed.data.token, parsed.data.password);
    return back({ done: "1" });
  } catch (e) {
    if (e instanceof DomainError) return back({ token });
    throw e;
  }
}
