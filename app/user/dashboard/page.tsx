import Link from "next/link";
import { notFound } from "next/navigation";
import { myBudget } from "@/components/portal/data";
import { portalLink } from "@/components/portal/menu";
import { PageHeading } from "@/components/ui/page-heading";
import { BudgetMeters } from "@/components/users/budget-meters";
import { DailyChart } from "@/components/users/usage-chart";
import { userPage } from "@/lib/auth/dal";
import { forecast, RATE_HOURS, type Forecast } from "@/lib/budgets/forecast";
import type { WindowStatus } from "@/lib/budgets/status";
import { timeUntil } from "@/lib/format";
import { listKeys } from "@/lib/keys";
import { formatAtOffset, offsetLabel } from "@/lib/timezone";
import { ledgerSums } from "@/lib/usage";
import { dailySeries } from "@/lib/usage/rollups";

// The portal's first page: the user's budget windows (the figures the gateway enforces, from
// lib/budgets/status — the same as the sidebar's bars and the admin's Budget tab), when the tightest
// limit runs out at the current rate (lib/budgets/forecast), the last 14 days, and the active keys.

const CHART_DAYS = 14;
const num = new Intl.NumberFormat("en-US");
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
const eur = new Intl.NumberFormat("en-IE", { style: "currency", currency: "EUR", minimumFractionDigits: 2, maximumFractionDigits: 4 });

export default async function Dashboard() {
  const me = await userPage("/user/dashboard");
  const budget = await myBudget(me.id);
  if (!budget) notFound();
  const { user, now, status } = budget;
  const oneTime = user.budgetType === "one_time";
  const since = new Date(now.getTime() - RATE_HOURS * 3_600_000).toISOString();
  const [[recent], days, keys] = await Promise.all([
    ledgerSums(user.id, [{ start: since, resetsAt: now.toISOString() }]),
    dailySeries(user, CHART_DAYS, now),
    listKeys(user.id),
  ]);
  const active = keys.filter((k) => k.status === "active");
  const offset = status.timezone.offsetHours;
  const keysPage = portalLink("/user/keys");
  const usagePage = portalLink("/user/usage");
  const windowName = (w: WindowStatus) => (w.kind === "daily" ? "today's" : w.kind === "monthly" ? (oneTime ? "the one-time" : "this month's") : "the total");

  return (
    <div className="flex flex-col gap-8">
      <PageHeading title={`Hello, ${me.displayName ?? me.username}`}>Your budget, your usage and your keys.</PageHeading>

      <section aria-labelledby="budget-heading" className="flex flex-col gap-3">
        <h2 id="budget-heading" className="text-lg font-medium">
          Your budget
        </h2>
        <BudgetMeters status={status} oneTime={oneTime} now={now} headingLevel={3} />
        <ForecastNote forecast={forecast(status, recent.tokens, now)} recentTokens={recent.tokens} offset={offset} now={now} windowName={windowName} />
      </section>

      <section aria-labelledby="usage-heading" className="flex flex-col gap-3">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="usage-heading" className="text-lg font-medium">
            Last {CHART_DAYS} days <span className="text-sm font-normal text-muted">(days in {offsetLabel(status.timezone.inForceHours)})</span>
          </h2>
          {usagePage && (
            <Link href={usagePage} className="text-sm text-link underline">
              See every call
            </Link>
          )}
        </div>
        <div className="grid grid-cols-1 gap-3 lg:grid-cols-2">
          <DailyChart title="Tokens per day" days={days} value={(d) => d.inputTokens + d.outputTokens} format={(n) => compact.format(n)} testId="chart-tokens" />
          <DailyChart title="EUR per day" days={days} value={(d) => d.eur} format={(n) => eur.format(n)} testId="chart-eur" />
        </div>
      </section>

      <section aria-labelledby="keys-heading" className="flex flex-col gap-3" data-testid="dashboard-keys">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="keys-heading" className="text-lg font-medium">
            Active API keys
          </h2>
          {keysPage && (
            <Link href={keysPage} className="text-sm text-link underline">
              Manage your keys
            </Link>
          )}
        </div>
        {active.length === 0 ? (
          <p className="text-sm text-muted">{keysPage ? "You have no active key yet." : "You have no active key yet. Ask an admin for one."}</p>
        ) : (
          <ul className="flex flex-col divide-y divide-line rounded-lg border border-line bg-surface">
            {active.map((k) => (
              <li key={k.id} className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 px-4 py-3 text-sm" data-testid="dashboard-key">
                <span className="min-w-0 break-words">
                  <code className="font-mono">{k.prefix}…</code> <span className="font-medium">{k.label || "(no label)"}</span>
                </span>
                <span className="text-muted">{k.lastUsedAt ? `Last used ${formatAtOffset(k.lastUsedAt, offset)} (${offsetLabel(offset)})` : "Never used"}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function ForecastNote({
  forecast: f,
  recentTokens,
  offset,
  now,
  windowName,
}: {
  forecast: Forecast;
  recentTokens: number;
  offset: number;
  now: Date;
  windowName: (w: WindowStatus) => string;
}) {
  const headline =
    f.kind === "unlimited"
      ? "No limit is set, so nothing runs out."
      : f.kind === "reached"
        ? `The limit of ${windowName(f.window)} budget is reached${f.window.resetsAt ? `: calls are refused until it resets in ${timeUntil(f.window.resetsAt, now)}` : ""}.`
        : f.kind === "runs-out"
          ? `At the current rate, ${windowName(f.window)} budget runs out on ${formatAtOffset(f.at, offset)} (${offsetLabel(offset)}), in ${timeUntil(f.at, now)}.`
          : "Runs out: not at this rate. Every limited budget resets before it would run out.";
  return (
    <div className="rounded-lg border border-line bg-surface p-4 text-sm" data-testid="forecast" data-kind={f.kind} data-window={"window" in f ? f.window.kind : undefined}>
      <p className="font-medium">{headline}</p>
      {f.kind !== "unlimited" && (
        <p className="mt-1 text-muted">
          The rate is your average over the last {RATE_HOURS} hours: {num.format(recentTokens)} tokens, about {num.format(Math.round(recentTokens / RATE_HOURS))} an hour. Each
          limited budget lasts its remaining tokens at that rate unless it resets first.
        </p>
      )}
    </div>
  );
}
