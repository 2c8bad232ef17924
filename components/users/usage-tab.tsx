import Link from "next/link";
import type { BudgetStatus } from "@/lib/budgets/status";
import { offsetLabel } from "@/lib/timezone";
import type { CallsPage } from "@/lib/usage/history";
import type { DayUsage } from "@/lib/usage/rollups";
import { Cell, EmptyRow, Row, Table, TableBody, TableHead, Th } from "@/components/ui/table";
import { CostCell, KeyCell, LatencyCell, TimeCell, TokensCell } from "@/components/usage/call-cells";
import { DailyChart, dayLabel } from "./usage-chart";
import { UsageCards } from "./usage-cards";

// The edit dialog's Usage tab, rendered on the server: the budget windows' figures (the same as the
// Budget tab's, lib/budgets/status), the last days per local day, the latest calls a page at a time,
// and the downloads (app/api/users/[id]/usage).

const eur = new Intl.NumberFormat("en-IE", { style: "currency", currency: "EUR", minimumFractionDigits: 2, maximumFractionDigits: 4 });
const num = new Intl.NumberFormat("en-US");
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

export type UsageTabProps = {
  userId: string;
  status: BudgetStatus;
  oneTime: boolean;
  days: DayUsage[];
  calls: CallsPage;
  /** The URL of the dialog on this tab at another page of calls. */
  pageHref: (page: number) => string;
};

export function UsageTab({ userId, status, oneTime, days, calls, pageHref }: UsageTabProps) {
  const [today, month, total] = status.windows;
  const offset = status.timezone.offsetHours;
  const download = (format: "json" | "csv") => `/api/users/${encodeURIComponent(userId)}/usage?days=${days.length}&format=${format}`;
  return (
    <div className="flex flex-col gap-6">
      <UsageCards usage={{ today: { tokens: today.used, eur: today.eur }, month: { tokens: month.used, eur: month.eur }, total: { tokens: total.used, eur: total.eur } }} oneTime={oneTime} />

      <section aria-labelledby="usage-days-heading" className="flex flex-col gap-3">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h3 id="usage-days-heading" className="text-sm font-medium">
            Last {days.length} days <span className="font-normal text-muted">(days in {offsetLabel(status.timezone.inForceHours)})</span>
          </h3>
          <p className="flex gap-3 text-sm">
            <a href={download("json")} download className="text-link underline" data-testid="download-json">
              Download JSON
            </a>
            <a href={download("csv")} download className="text-link underline" data-testid="download-csv">
              Download CSV
            </a>
          </p>
        </div>
        <div className="grid grid-cols-1 gap-3 md:grid-cols-2">
          <DailyChart title="Tokens per day" days={days} value={(d) => d.inputTokens + d.outputTokens} format={(n) => compact.format(n)} testId="chart-tokens" />
          <DailyChart title="EUR per day" days={days} value={(d) => d.eur} format={(n) => eur.format(n)} testId="chart-eur" />
        </div>
        <details className="text-sm">
          <summary className="cursor-pointer text-link">Figures per day</summary>
          <div className="mt-2 max-h-64 overflow-auto rounded-lg border border-line">
            <table className="w-full text-sm" data-testid="usage-days-table">
              <caption className="sr-only">Usage per day</caption>
              <thead className="bg-surface-2 text-left text-muted">
                <tr>
                  <th scope="col" className="px-3 py-1 font-medium">Day</th>
                  <th scope="col" className="px-3 py-1 text-right font-medium">Calls</th>
                  <th scope="col" className="px-3 py-1 text-right font-medium">Tokens in / out / cached</th>
                  <th scope="col" className="px-3 py-1 text-right font-medium">EUR</th>
                </tr>
              </thead>
              <tbody>
                {days.map((d) => (
                  <tr key={d.day} className="border-t border-line">
                    <th scope="row" className="px-3 py-1 text-left font-normal">
                      <time dateTime={d.day}>{dayLabel(d.day)}</time>
                    </th>
                    <td className="px-3 py-1 text-right">{num.format(d.calls)}</td>
                    <td className="px-3 py-1 text-right">
                      {num.format(d.inputTokens)} / {num.format(d.outputTokens)} / {num.format(d.cacheReadTokens + d.cacheWriteTokens)}
                    </td>
                    <td className="px-3 py-1 text-right">{eur.format(d.eur)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </section>

      <section aria-labelledby="usage-calls-heading" className="flex flex-col gap-3">
        <h3 id="usage-calls-heading" className="text-sm font-medium">
          Latest calls <span className="font-normal text-muted">(times in {offsetLabel(offset)})</span>
        </h3>
        <div className="overflow-x-auto">
          <Table data-testid="usage-calls">
            <TableHead>
              <Th>Time</Th>
              <Th>Key</Th>
              <Th>Model</Th>
              <Th className="text-right">Tokens in / out / cached</Th>
              <Th className="text-right">EUR</Th>
              <Th>Status</Th>
              <Th className="text-right">Latency</Th>
            </TableHead>
            <TableBody>
              {calls.rows.length === 0 && <EmptyRow colSpan={7}>No calls yet.</EmptyRow>}
              {calls.rows.map((c) => (
                <Row key={c.id} data-testid="usage-call" data-id={c.id}>
                  <TimeCell call={c} offset={offset} />
                  <KeyCell call={c} />
                  <Cell label="Model" className="min-w-0">
                    <span className="min-w-0 break-all">
                      {c.model ?? "—"}
                      {c.endpoint && <span className="block text-xs text-muted">@{c.endpoint}</span>}
                    </span>
                  </Cell>
                  <TokensCell call={c} />
                  <CostCell call={c} />
                  <Cell label="Status">{c.status}</Cell>
                  <LatencyCell call={c} />
                </Row>
              ))}
            </TableBody>
          </Table>
        </div>
        <nav className="flex flex-wrap items-center justify-between gap-2 text-sm text-muted" aria-label="Pages of calls">
          <span>
            {calls.total === 0 ? 0 : (calls.page - 1) * calls.size + 1}–{Math.min(calls.total, calls.page * calls.size)} of {num.format(calls.total)} calls
          </span>
          <div className="flex items-center gap-2">
            <PageLink href={pageHref(calls.page - 1)} disabled={calls.page <= 1} label="Newer calls">
              ‹ Newer
            </PageLink>
            <span data-testid="calls-page">
              Page {calls.page} of {calls.pages}
            </span>
            <PageLink href={pageHref(calls.page + 1)} disabled={calls.page >= calls.pages} label="Older calls">
              Older ›
            </PageLink>
          </div>
        </nav>
      </section>
    </div>
  );
}

function PageLink({ href, disabled, label, children }: { href: string; disabled: boolean; label: string; children: React.ReactNode }) {
  if (disabled)
    return (
      <span className="rounded-md px-3 py-1 text-muted" aria-disabled="true">
        {children}
      </span>
    );
  return (
    <Link href={href} scroll={false} replace aria-label={label} className="rounded-md border border-line-strong bg-surface px-3 py-1 text-fg hover:bg-surface-2">
      {children}
    </Link>
  );
}
