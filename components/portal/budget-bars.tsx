import type { BudgetLevel, BudgetStatus } from "@/lib/budgets/status";
import { cn } from "@/lib/cn";

const num = new Intl.NumberFormat("en-US");
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
const pct = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

// The same colours as the dashboard's cards (components/users/budget-meters.tsx): green < 70 %, amber
// 70–90 %, red > 90 % (lib/budgets/status budgetLevel); the percentage is always said in words too.
const text: Record<BudgetLevel, string> = { ok: "text-success", warn: "text-warning", high: "text-danger" };
const fill: Record<BudgetLevel, string> = { ok: "bg-success", warn: "bg-warning", high: "bg-danger" };

const names = (oneTime: boolean) => ({ daily: "Today", monthly: oneTime ? "Since budget set" : "This month", total: "Total" });

/** The portal sidebar's short form of the budget: used of limit (or ∞) per window, a bar coloured by level. */
export function BudgetBars({ status, oneTime }: { status: BudgetStatus; oneTime: boolean }) {
  const name = names(oneTime);
  return (
    <section aria-labelledby="portal-budget-heading" className="flex flex-col gap-3" data-testid="portal-budget">
      <h2 id="portal-budget-heading" className="text-xs font-semibold uppercase tracking-wide text-muted">
        Your budget
      </h2>
      {status.windows.map((w) => (
        <div key={w.kind} className="flex flex-col gap-1 text-sm" data-testid={`portal-budget-${w.kind}`} data-level={w.level}>
          <div className="flex items-baseline justify-between gap-2">
            <span className="font-medium">{name[w.kind]}</span>
            {w.percent !== null && <span className={cn("text-xs font-semibold", text[w.level])}>{pct.format(w.percent)} %</span>}
          </div>
          <span className="text-xs text-muted" title={w.limit === null ? undefined : `${num.format(w.used)} of ${num.format(w.limit)} tokens`}>
            {compact.format(w.used)} of{" "}
            {w.limit === null ? (
              <>
                <span aria-hidden="true">∞</span>
                <span className="sr-only">unlimited</span>
              </>
            ) : (
              compact.format(w.limit)
            )}{" "}
            tokens
          </span>
          {w.limit !== null && w.percent !== null ? (
            <div
              role="progressbar"
              aria-label={`${name[w.kind]}: budget used`}
              aria-valuemin={0}
              aria-valuemax={w.limit}
              aria-valuenow={Math.min(w.used, w.limit)}
              aria-valuetext={`${num.format(w.used)} of ${num.format(w.limit)} tokens (${pct.format(w.percent)} %)`}
              className="h-1.5 w-full overflow-hidden rounded-full bg-line"
            >
              <div className={cn("h-full rounded-full", fill[w.level])} style={{ width: `${Math.min(100, w.percent)}%` }} />
            </div>
          ) : (
            <div className="h-1.5 w-full rounded-full border border-dashed border-line-strong" aria-hidden="true" />
          )}
        </div>
      ))}
    </section>
  );
}
