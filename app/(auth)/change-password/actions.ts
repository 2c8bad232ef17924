"use server";
import { headers } from "next/headers";
import { userAction } from "@/lib/auth/action";
import { stampedClientIp } from "@/lib/auth/client-ip";
import { getSessionClaims } from "@/lib/auth/dal";
import { countedPasswordCheck } from "@/lib/auth/login-limits";
import { keepThisSession } from "@/lib/auth/reissue";
import { AuthError } from "@/lib/errors";
import { changeOwnPassword } from "@/lib/users";
import { ChangeOwnPassword } from "@/lib/users/schemas";

export const changePasswordAction = userAction(
  ChangeOwnPassword,
  async (input, user) => {
    const claims = await getSessionClaims();
    if (!claims) throw new AuthError("no-session");
    // The current password is counted like a sign-in (lib/auth/login-limits).
    const sessionVersion = await countedPasswordCheck(user.username, stampedClientIp(await headers()), () => changeOwnPassword(user.id, input.current, input.password));
    // Other sessions end (the version moved on); this one goes on (lib/auth/reissue).
    await keepThisSession(claims, sessionVersion, user.username);
  },
  { allowPasswordChange: true },
);
