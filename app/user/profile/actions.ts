"use server";
import { headers } from "next/headers";
import { userAction } from "@/lib/auth/action";
import { stampedClientIp } from "@/lib/auth/client-ip";
import { getSessionClaims } from "@/lib/auth/dal";
import { countedPasswordCheck } from "@/lib/auth/login-limits";
import { keepThisSession } from "@/lib/auth/reissue";
import { AuthError } from "@/lib/errors";
import { changeOwnPassword, setTimezone } from "@/lib/users";
import { changeOwnEmail, setOwnDisplayName } from "@/lib/users/profile";
import { ChangeOwnEmail, ChangeOwnPassword, SetTimezone, UpdateOwnProfile } from "@/lib/users/schemas";

// The signed-in user's own profile. No payload names a user: each action acts for the session's user.
// The current password asked for by the e-mail and password changes is counted like a sign-in.
const revalidate = { revalidate: "/user/profile" };
const counted = async <T>(username: string, check: () => Promise<T>) => countedPasswordCheck(username, stampedClientIp(await headers()), check);

export const updateOwnProfileAction = userAction(UpdateOwnProfile, async ({ displayName }, me) => setOwnDisplayName(me, displayName), revalidate);

export const changeOwnEmailAction = userAction(ChangeOwnEmail, async ({ email, current }, me) => counted(me.username, () => changeOwnEmail(me, current, email)), {
  ...revalidate,
  notWhileImpersonating: "change the user's e-mail address",
});

export const setOwnTimezoneAction = userAction(SetTimezone, async ({ timezoneOffsetHours }, me) => setTimezone(me, me.id, timezoneOffsetHours), revalidate);

export const changeOwnPasswordAction = userAction(ChangeOwnPassword, async ({ current, password }, me) => {
  const claims = await getSessionClaims();
  if (!claims) throw new AuthError("no-session");
  // Every other session of the user ends (the version moved on); this browser stays signed in.
  const sessionVersion = await counted(me.username, () => changeOwnPassword(me.id, current, password));
  await keepThisSession(claims, sessionVersion, me.username);
}, { notWhileImpersonating: "change the user's password" });
