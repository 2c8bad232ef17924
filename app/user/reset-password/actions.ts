"use server";
import { publicAction } from "@/lib/auth/action";
import { resetPasswordWithToken } from "@/lib/users/password-reset";
import { ResetPasswordWithToken } from "@/lib/users/schemas";

// Public (no session): the token is the credential; lib/users/password-reset refuses anything but an
// unused, unexpired token of an active user, and uses it up.
export const resetPasswordWithLinkAction = publicAction(ResetPasswordWithToken, async ({ token, password }) => {
  await resetPasswordWithToken(token, password);
});
