import { PageHeading } from "@/components/ui/page-heading";
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
    <div className="flex flex-col gap-6">
      <PageHeading title={`Hello, ${me.displayName ?? me.username}`} />
      <section className="rounded-lg border border-line bg-surface p-4 sm:p-6" aria-labelledby="budget-heading">
        <h2 id="budget-heading" className="mb-3 text-lg font-medium">
          Your budget
        </h2>
        <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
          {[
            ["Daily limit", limit(detail.dailyLimit)],
            ["Monthly limit", limit(detail.monthlyLimit)],
            ["Total limit", limit(detail.totalLimit)],
            ["Budget type", detail.budgetType === "one_time" ? "One-time" : "Subscription"],
          ].map(([term, value]) => (
            <div key={term}>
              <dt className="text-muted">{term}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      </section>
      <UsageCards usage={usage} oneTime={detail.budgetType === "one_time"} />
    </div>
  );
}
