import type { BudgetLevel, BudgetStatus, WindowStatus } from "@/lib/budgets/status";
import { cn } from "@/lib/cn";
import { timeUntil } from "@/lib/format";
import { formatAtOffset, offsetLabel } from "@/lib/timezone";

const eur = new Intl.NumberFormat("en-IE", { style: "currency", currency: "EUR", minimumFractionDigits: 2, maximumFractionDigits: 4 });
const num = new Intl.NumberFormat("en-US");
const pct = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

// Green below 70 %, amber from 70 to 90 %, red above (lib/budgets/status budgetLevel), in the semantic
// colours of app/globals.css: each meets 4.5:1 as text and 3:1 as a bar against its track, in both
// schemes. The level is also said in words, never by colour alone.
const text: Record<BudgetLevel, string> = { ok: "text-success", warn: "text-warning", high: "text-danger" };
const fill: Record<BudgetLevel, string> = { ok: "bg-success", warn: "bg-warning", high: "bg-danger" };

const labels = (oneTime: boolean) => ({
  daily: { title: "Today", bar: "Daily budget used" },
  monthly: oneTime ? { title: "Since budget set", bar: "One-time allotment used" } : { title: "This month", bar: "Monthly budget used" },
  total: { title: "Total", bar: "Total budget used" },
});

function levelWords(w: WindowStatus): string | undefined {
  if (w.level === "ok") return undefined;
  if (w.remaining === 0) return "Limit reached";
  return w.level === "high" ? "Almost used up" : "Nearing the limit";
}

const Infinite = () => (
  <>
    <span aria-hidden="true">∞</span>
    <span className="sr-only">unlimited</span>
  </>
);

/**
 * Where a user stands in each budget window: used / limit with a bar coloured by level, what remains,
 * when the window resets (on the user's own clock, `offsetHours`) and the EUR estimate; from
 * lib/budgets/status, i.e. the ledger over the windows the gateway enforces.
 */
export function BudgetMeters({
  status,
  oneTime,
  now,
  headingLevel = 4,
}: {
  status: BudgetStatus;
  oneTime: boolean;
  /** When given, each reset also says how long until it ("in 5 h 12 min"), counted from `now` (the status's time). */
  now?: Date;
  /** The level of each card's title in the page's outline: h4 in the edit dialog's tab, h3 on a page. */
  headingLevel?: 3 | 4;
}) {
  const Title = headingLevel === 3 ? "h3" : "h4";
  const names = labels(oneTime);
  const offset = status.timezone.offsetHours;
  return (
    <div className="grid grid-cols-1 gap-3 sm:grid-cols-3" data-testid="budget-meters">
      {status.windows.map((w) => {
        const name = names[w.kind];
        const words = levelWords(w);
        return (
          <div key={w.kind} className="flex min-w-0 flex-col gap-2 rounded-lg border border-line bg-surface p-4" data-testid={`budget-${w.kind}`} data-level={w.level}>
            <div className="flex items-baseline justify-between gap-2">
              <Title className="text-xs font-normal uppercase tracking-wide text-muted">{name.title}</Title>
              {w.percent !== null && <span className={cn("text-sm font-semibold", text[w.level])}>{pct.format(w.percent)} %</span>}
            </div>
            <p className="break-words">
              <span className="text-xl font-semibold">{num.format(w.used)}</span>{" "}
              <span className="text-sm text-muted">/ {w.limit === null ? <Infinite /> : num.format(w.limit)} tokens</span>
            </p>
            {w.limit !== null && w.percent !== null ? (
              <div
                role="progressbar"
                aria-label={name.bar}
                aria-valuemin={0}
                aria-valuemax={w.limit}
                aria-valuenow={Math.min(w.used, w.limit)}
                aria-valuetext={`${num.format(w.used)} of ${num.format(w.limit)} tokens (${pct.format(w.percent)} %)`}
                className="h-2 w-full overflow-hidden rounded-full bg-line"
              >
                <div className={cn("h-full rounded-full", fill[w.level])} style={{ width: `${Math.min(100, w.percent)}%` }} />
              </div>
            ) : (
              <div className="h-2 w-full rounded-full border border-dashed border-line-strong" aria-hidden="true" />
            )}
            {words && <p className={cn("text-xs font-medium", text[w.level])}>{words}</p>}
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
              <dt className="text-muted">Remaining</dt>
              <dd className="min-w-0 break-words">{w.remaining === null ? <Infinite /> : `${num.format(w.remaining)} tokens`}</dd>
              <dt className="text-muted">Resets</dt>
              <dd className="min-w-0 break-words">
                {w.resetsAt === null
                  ? w.kind === "total"
                    ? "Never"
                    : "Never (one-time)"
                  : `${formatAtOffset(w.resetsAt, offset)} (${offsetLabel(offset)})${now ? `, in ${timeUntil(w.resetsAt, now)}` : ""}`}
              </dd>
              <dt className="text-muted">Cost</dt>
              <dd className="min-w-0">≈ {eur.format(w.eur)}</dd>
            </dl>
          </div>
        );
      })}
    </div>
  );
}
