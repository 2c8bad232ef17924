"use server";
import { cookies } from "next/headers";
import { userAction } from "@/lib/auth/action";
import { issueSessionCookie } from "@/lib/auth/cookies";
import { getSessionClaims } from "@/lib/auth/dal";
import { issueSessionToken } from "@/lib/auth/session-token";
import { config } from "@/lib/config";
import { AuthError } from "@/lib/errors";
import { nowSeconds } from "@/lib/sessions/policy";
import { changeOwnPassword } from "@/lib/users";
import { ChangeOwnPassword } from "@/lib/users/schemas";

export const changePasswordAction = userAction(
  ChangeOwnPassword,
  async (input, user) => {
    const claims = await getSessionClaims();
    if (!claims) throw new AuthError("no-session");
    const sessionVersion = await changeOwnPassword(user.id, input.current, input.password);
    // Other sessions end (the version moved on); this one goes on, with a token for the new version
    // and the same id and sign-in time, so its absolute lifetime is not extended.
    const { secureCookies, session } = config();
    const token = await issueSessionToken({ ...claims, sv: sessionVersion, seen: nowSeconds(), name: user.username });
    issueSessionCookie(await cookies(), token, { secure: secureCookies, maxAge: claims.sat + session.maxSeconds - nowSeconds() });
  },
  { allowPasswordChange: true },
);
