"use server";
import { userAction } from "@/lib/auth/action";
import { setAlerts } from "@/lib/users";
import { SetAlerts } from "@/lib/users/schemas";

// The signed-in user's own alert settings. The payload names no user: the session's user is the one changed.
export const setOwnAlertsAction = userAction(SetAlerts, async (input, me) => setAlerts(me, me.id, input), { revalidate: "/user/billing" });
