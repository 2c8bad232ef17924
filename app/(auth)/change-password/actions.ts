"use server";
import { cookies } from "next/headers";
import { userAction } from "@/lib/auth/action";
import { issueSessionCookie } from "@/lib/auth/cookies";
import { issueSessionToken } from "@/lib/auth/session-token";
import { config } from "@/lib/config";
import { changeOwnPassword } from "@/lib/users";
import { ChangeOwnPassword } from "@/lib/users/schemas";

export const changePasswordAction = userAction(
  ChangeOwnPassword,
  async (input, user) => {
    const sessionVersion = await changeOwnPassword(user.id, input.current, input.password);
    // Other sessions end (the version moved on); this one gets a token for the new version.
    const token = await issueSessionToken({ uid: user.id, sv: sessionVersion, role: user.role, name: user.username });
    issueSessionCookie(await cookies(), token, config().secureCookies);
  },
  { allowPasswordChange: true },
);
