"use server";
import { headers } from "next/headers";
import { publicAction } from "@/lib/auth/action";
import { stampedClientIp } from "@/lib/auth/client-ip";
import { DomainError } from "@/lib/errors";
import { requestPasswordReset, RESET_REQUESTED, tooManyResetRequests } from "@/lib/users/password-reset";
import { ForgotPassword } from "@/lib/users/schemas";

// Public (no session): the work counts the request per address and per IP before anything else.
// Without JavaScript the form posts to ./submit/route.ts instead, which does the same.
export const forgotPasswordAction = publicAction(ForgotPassword, async ({ email }) => {
  const answer = await requestPasswordReset(email, stampedClientIp(await headers()));
  if (!answer.sent) throw new DomainError(tooManyResetRequests(answer.retryAfterSeconds));
  return { message: RESET_REQUESTED };
});
