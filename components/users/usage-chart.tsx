import type { DayUsage } from "@/lib/usage/rollups";

// A bar per local day, drawn as SVG on the server (no chart library, no script). The SVG stretches to
// its box, so it reads on a 390 px phone as on a desktop; its axis labels are HTML beside it, so they
// keep their size whatever the stretch. Each bar has a <title> (a pointer's tooltip), and the same
// figures are in a table for screen readers and for anyone who wants the numbers.

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** "2026-03-07" → "7 Mar". */
export const dayLabel = (day: string) => `${Number(day.slice(8, 10))} ${MONTHS[Number(day.slice(5, 7)) - 1]}`;

const W = 300;
const H = 100;

export function DailyChart({
  title,
  days,
  value,
  format,
  testId,
}: {
  title: string;
  days: DayUsage[];
  value: (d: DayUsage) => number;
  format: (n: number) => string;
  testId: string;
}) {
  const values = days.map(value);
  const max = Math.max(0, ...values);
  const slot = W / Math.max(1, days.length);
  const gap = Math.min(2, slot / 4);
  const first = days[0]?.day;
  const last = days.at(-1)?.day;
  const total = values.reduce((a, b) => a + b, 0);
  return (
    <figure className="flex min-w-0 flex-col gap-1 rounded-lg border border-line bg-surface p-3" data-testid={testId}>
      <figcaption className="flex flex-wrap items-baseline justify-between gap-x-3 text-sm">
        <span className="font-medium">{title}</span>
        <span className="text-xs text-muted">
          {format(total)} in {days.length} days
        </span>
      </figcaption>
      <div className="flex gap-2">
        <div className="flex w-14 shrink-0 flex-col justify-between text-right text-xs text-muted" aria-hidden="true">
          <span>{format(max)}</span>
          <span>{format(0)}</span>
        </div>
        <svg
          viewBox={`0 0 ${W} ${H}`}
          preserveAspectRatio="none"
          className="h-28 min-w-0 flex-1 border-b border-l border-line-strong"
          role="img"
          aria-label={`${title}, per day from ${first ? dayLabel(first) : ""} to ${last ? dayLabel(last) : ""}: the table below has the figures`}
        >
          {days.map((d, i) => {
            const v = values[i];
            const h = max > 0 ? (v / max) * H : 0;
            return (
              <rect key={d.day} x={i * slot + gap / 2} y={H - h} width={slot - gap} height={h} className="fill-primary" data-day={d.day} data-value={v}>
                <title>{`${dayLabel(d.day)}: ${format(v)}`}</title>
              </rect>
            );
          })}
        </svg>
      </div>
      <div className="flex justify-between pl-16 text-xs text-muted" aria-hidden="true">
        <span>{first && dayLabel(first)}</span>
        <span>{last && dayLabel(last)}</span>
      </div>
    </figure>
  );
}
