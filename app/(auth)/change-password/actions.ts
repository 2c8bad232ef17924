"use server";
import { userAction } from "@/lib/auth/action";
import { getSessionClaims } from "@/lib/auth/dal";
import { keepThisSession } from "@/lib/auth/reissue";
import { AuthError } from "@/lib/errors";
import { changeOwnPassword } from "@/lib/users";
import { ChangeOwnPassword } from "@/lib/users/schemas";

export const changePasswordAction = userAction(
  ChangeOwnPassword,
  async (input, user) => {
    const claims = await getSessionClaims();
    if (!claims) throw new AuthError("no-session");
    const sessionVersion = await changeOwnPassword(user.id, input.current, input.password);
    // Other sessions end (the version moved on); this one goes on (lib/auth/reissue).
    await keepThisSession(claims, sessionVersion, user.username);
  },
  { allowPasswordChange: true },
);
