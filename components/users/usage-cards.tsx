import type { UsageSummary } from "@/lib/usage";

const eur = new Intl.NumberFormat("en-IE", { style: "currency", currency: "EUR", minimumFractionDigits: 2, maximumFractionDigits: 4 });
const num = new Intl.NumberFormat("en-US");

/** Today / Month / Total tokens with the EUR estimate, as computed from usage_events. */
export function UsageCards({ usage, oneTime }: { usage: UsageSummary; oneTime?: boolean }) {
  const cards = [
    { label: "Today", value: usage.today },
    { label: oneTime ? "Since budget set" : "This month", value: usage.month },
    { label: "Total", value: usage.total },
  ];
  return (
    <div className="grid grid-cols-1 gap-3 sm:grid-cols-3" data-testid="usage-cards">
      {cards.map((c) => (
        <div key={c.label} className="rounded-lg border border-line bg-surface p-4">
          <div className="text-xs uppercase tracking-wide text-muted">{c.label}</div>
          <div className="text-xl font-semibold">{num.format(c.value.tokens)} tokens</div>
          <div className="text-sm text-muted">≈ {eur.format(c.value.eur)}</div>
        </div>
      ))}
    </div>
  );
}
