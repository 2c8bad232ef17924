"use client";
import { AlertsForm } from "@/components/alerts/alerts-form";
import { setOwnAlertsAction } from "../actions";

/** The billing page's alert settings: the shared form with the action that acts for the signed-in user. */
export function OwnAlerts({ user, mailEnabled }: { user: Parameters<typeof AlertsForm>[0]["user"]; mailEnabled: boolean }) {
  return <AlertsForm user={user} mailEnabled={mailEnabled} viewer="owner" action={setOwnAlertsAction} />;
}
