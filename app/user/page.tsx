import { AppHeader } from "@/components/app-header";
import { UsageCards } from "@/components/users/usage-cards";
import { userPage } from "@/lib/auth/dal";
import { getUserDetail } from "@/lib/users";
import { usageSummary } from "@/lib/usage";

// The portal's dashboard: the user's own budget and usage. Keys, billing and history arrive with
// their issues.
export default async function PortalHome() {
  const me = await userPage("/user");
  const detail = await getUserDetail(me.id);
  if (!detail) return null;
  const usage = await usageSummary(detail);
  const limit = (n: number | null) => (n === null ? "Unlimited" : n.toLocaleString("en-US") + " tokens");
  return (
    <>
      <AppHeader user={me} links={me.role === "admin" ? [{ href: "/users", label: "Users" }] : []} />
      <main className="mx-auto max-w-5xl p-6">
        <h1 className="mb-4 text-2xl font-semibold">Hello, {me.displayName ?? me.username}</h1>
        <section className="mb-6 rounded-lg bg-white p-6 shadow-sm">
          <h2 className="mb-3 text-lg font-medium">Your budget</h2>
          <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
            <div><dt className="text-slate-500">Daily limit</dt><dd>{limit(detail.dailyLimit)}</dd></div>
            <div><dt className="text-slate-500">Monthly limit</dt><dd>{limit(detail.monthlyLimit)}</dd></div>
            <div><dt className="text-slate-500">Total limit</dt><dd>{limit(detail.totalLimit)}</dd></div>
            <div><dt className="text-slate-500">Budget type</dt><dd>{detail.budgetType === "one_time" ? "One-time" : "Subscription"}</dd></div>
          </dl>
        </section>
        <UsageCards usage={usage} oneTime={detail.budgetType === "one_time"} />
      </main>
    </>
  );
}
