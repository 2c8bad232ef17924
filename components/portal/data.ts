import "server-only";
import { cache as perRequest } from "react";
import { budgetStatus } from "@/lib/budgets/status";
import { getUserDetail } from "@/lib/users";

/**
 * The signed-in user's record and budget status, read once per request: the layout's budget bars and
 * the page below them (the dashboard's cards) show the same figures, taken at the same `now`. Callers
 * pass the id userPage() returned; this is no gate.
 */
export const myBudget = perRequest(async (userId: string) => {
  const user = await getUserDetail(userId);
  if (!user) return null;
  const now = new Date();
  return { user, now, status: await budgetStatus(user, now) };
});
