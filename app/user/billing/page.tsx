import { notFound } from "next/navigation";
import { myBudget } from "@/components/portal/data";
import { PageHeading } from "@/components/ui/page-heading";
import { Cell, EmptyRow, Row, Table, TableBody, TableHead, Th } from "@/components/ui/table";
import { userPage } from "@/lib/auth/dal";
import type { WindowStatus } from "@/lib/budgets/status";
import { timeUntil } from "@/lib/format";
import { formatAtOffset, offsetLabel } from "@/lib/timezone";
import { mailEnabled } from "@/lib/mail";
import { usageBreakdown } from "@/lib/usage/breakdown";
import { OwnAlerts } from "./_components/own-alerts";

// The portal's billing page: each budget window as the gateway enforces it (lib/budgets/status, the
// same figures as the dashboard and the sidebar), the last 30 days by endpoint and model, the lifetime
// totals, and the user's alert settings (theirs to change).

const DAYS = 30;
const num = new Intl.NumberFormat("en-US");
const pct = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });
const eur = new Intl.NumberFormat("en-IE", { style: "currency", currency: "EUR", minimumFractionDigits: 2, maximumFractionDigits: 4 });

export default async function Billing() {
  const me = await userPage("/user/billing");
  const budget = await myBudget(me.id);
  if (!budget) notFound();
  const { user, now, status } = budget;
  const oneTime = user.budgetType === "one_time";
  const { byModel, lifetime } = await usageBreakdown(user, DAYS, now);
  const offset = status.timezone.offsetHours;
  const name = (w: WindowStatus) => (w.kind === "daily" ? "Today" : w.kind === "monthly" ? (oneTime ? "Since budget set" : "This month") : "Total");
  const tokens = (n: number | null) => (n === null ? "∞ (unlimited)" : `${num.format(n)} tokens`);
  const reset = (w: WindowStatus) =>
    w.resetsAt === null ? (w.kind === "total" ? "Never" : "Never (one-time)") : `${formatAtOffset(w.resetsAt, offset)} (${offsetLabel(offset)}), in ${timeUntil(w.resetsAt, now)}`;

  return (
    <div className="flex flex-col gap-8">
      <PageHeading title="Billing">
        Budget type: <span data-testid="budget-type">{oneTime ? "One-time (an allotment that does not renew monthly)" : "Subscription (renews each month)"}</span>
      </PageHeading>

      <section aria-labelledby="windows-heading" className="flex flex-col gap-3">
        <h2 id="windows-heading" className="text-lg font-medium">
          Budget windows
        </h2>
        <Table data-testid="billing-windows">
          <caption className="sr-only">Your budget windows</caption>
          <TableHead>
            <Th>Window</Th>
            <Th>Consumed</Th>
            <Th>Limit</Th>
            <Th>Remaining</Th>
            <Th>Next reset</Th>
            <Th>Cost</Th>
          </TableHead>
          <TableBody>
            {status.windows.map((w) => (
              <Row key={w.kind} data-testid={`billing-${w.kind}`} data-level={w.level}>
                <Cell label="Window" className="font-medium">
                  {name(w)}
                </Cell>
                <Cell label="Consumed">
                  {num.format(w.used)} tokens{w.percent !== null && ` (${pct.format(w.percent)} %)`}
                </Cell>
                <Cell label="Limit">{tokens(w.limit)}</Cell>
                <Cell label="Remaining">{tokens(w.remaining)}</Cell>
                <Cell label="Next reset">{reset(w)}</Cell>
                <Cell label="Cost">≈ {eur.format(w.eur)}</Cell>
              </Row>
            ))}
          </TableBody>
        </Table>
      </section>

      <section aria-labelledby="models-heading" className="flex flex-col gap-3">
        <h2 id="models-heading" className="text-lg font-medium">
          Last {DAYS} days by endpoint and model <span className="text-sm font-normal text-muted">(days in {offsetLabel(status.timezone.inForceHours)})</span>
        </h2>
        <Table data-testid="billing-models">
          <caption className="sr-only">Usage of the last {DAYS} days by endpoint and model</caption>
          <TableHead>
            <Th>Endpoint</Th>
            <Th>Model</Th>
            <Th className="md:text-right">Calls</Th>
            <Th className="md:text-right">Input tokens</Th>
            <Th className="md:text-right">Output tokens</Th>
            <Th className="md:text-right">EUR</Th>
          </TableHead>
          <TableBody>
            {byModel.length === 0 ? (
              <EmptyRow colSpan={6}>No calls in the last {DAYS} days.</EmptyRow>
            ) : (
              byModel.map((m) => (
                <Row key={`${m.endpoint}\u0000${m.model}`} data-testid="billing-model">
                  <Cell label="Endpoint" className="break-all">
                    {m.endpoint || "(unknown)"}
                  </Cell>
                  <Cell label="Model" className="break-all">
                    {m.model || "(unknown)"}
                  </Cell>
                  <Cell label="Calls" className="md:text-right">
                    {num.format(m.calls)}
                  </Cell>
                  <Cell label="Input tokens" className="md:text-right">
                    {num.format(m.inputTokens)}
                  </Cell>
                  <Cell label="Output tokens" className="md:text-right">
                    {num.format(m.outputTokens)}
                  </Cell>
                  <Cell label="EUR" className="md:text-right">
                    {eur.format(m.eur)}
                  </Cell>
                </Row>
              ))
            )}
          </TableBody>
        </Table>
      </section>

      <section aria-labelledby="lifetime-heading" className="flex flex-col gap-3">
        <h2 id="lifetime-heading" className="text-lg font-medium">
          Lifetime totals
        </h2>
        <dl className="grid grid-cols-2 gap-4 rounded-lg border border-line bg-surface p-4 text-sm sm:grid-cols-4" data-testid="billing-lifetime">
          {[
            ["Calls", num.format(lifetime.calls)],
            ["Input tokens", num.format(lifetime.inputTokens)],
            ["Output tokens", num.format(lifetime.outputTokens)],
            ["Cost", eur.format(lifetime.eur)],
          ].map(([term, value]) => (
            <div key={term} className="min-w-0">
              <dt className="text-muted">{term}</dt>
              <dd className="break-words text-base font-semibold">{value}</dd>
            </div>
          ))}
        </dl>
      </section>

      <div className="rounded-lg border border-line bg-surface p-4 sm:p-6" data-testid="billing-alerts">
        <OwnAlerts
          user={{
            username: user.username,
            email: user.email,
            alertEnabled: user.alertEnabled,
            alertThresholdPct: user.alertThresholdPct,
            alertEmail: user.alertEmail,
            lastAlertSentAt: user.lastAlertSentAt,
          }}
          mailEnabled={mailEnabled()}
        />
      </div>
    </div>
  );
}
