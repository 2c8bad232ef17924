"use server";
import { headers } from "next/headers";
import { publicAction } from "@/lib/auth/action";
import { stampedClientIp } from "@/lib/auth/client-ip";
import { DomainError } from "@/lib/errors";
import { requestPasswordReset } from "@/lib/users/password-reset";
import { ForgotPassword } from "@/lib/users/schemas";

/** The one answer to every accepted request, whoever the address belongs to (or not). */
const SENT = "If an active account uses this address, a link to choose a new password is on its way. It works once, for an hour.";

// Public (no session): the work counts the request per address and per IP before anything else.
export const forgotPasswordAction = publicAction(ForgotPassword, async ({ email }) => {
  const answer = await requestPasswordReset(email, stampedClientIp(await headers()));
  if (!answer.sent) {
    const wait = answer.retryAfterSeconds < 60 ? `${answer.retryAfterSeconds} seconds` : `${Math.ceil(answer.retryAfterSeconds / 60)} minutes`;
    throw new DomainError(`Too many requests. Try again in ${wait}.`);
  }
  return { message: SENT };
});
