import Link from "next/link";
import { notFound } from "next/navigation";
import { myBudget } from "@/components/portal/data";
import { buttonClass } from "@/components/ui/button";
import { PageHeading } from "@/components/ui/page-heading";
import { Cell, EmptyRow, Row, Table, TableBody, TableHead, Th } from "@/components/ui/table";
import { CostCell, KeyCell, LatencyCell, TimeCell, TokensCell } from "@/components/usage/call-cells";
import { userPage } from "@/lib/auth/dal";
import { listKeys } from "@/lib/keys";
import { offsetLabel } from "@/lib/timezone";
import { CALL_PERIODS, callsHref, DEFAULT_FILTER, DELETED_KEYS, parseCallsFilter, STATUS_GROUPS, statusGroupOf } from "@/lib/usage/calls-filter";
import { CALLS_COUNT_CAP, callHistory, callModels } from "@/lib/usage/history";

// The signed-in user's calls, newest first, a page of 20 at a time: the last 7, 30 or 90 local days,
// narrowed by key, model and status. The filters are the URL's search params, set by a plain GET form
// (no client code, so it works without JavaScript), and read through lib/usage/calls-filter, which
// turns any value that is not one of the choices into that filter's default, never an error.
//
// The key filter offers the user's keys as they are now (lib/keys), plus "Deleted keys": a deleted
// key's row is gone (its calls keep only its id), so its prefix and label cannot be shown, and listing
// the ids of the ledger's keys would be a pass over every row. The model filter offers the models of
// the last 90 days' calls (from the daily rollups, lib/usage/history callModels).
//
// Times are shown at the user's offset (timezone_offset_hours, as the admin's Usage tab shows them);
// the period's days are those the budget counts at the offset in force (recentDays), the same days as
// the download of that period.

const num = new Intl.NumberFormat("en-US");

type SearchParams = Record<string, string | string[] | undefined>;

export default async function UserUsagePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const me = await userPage("/user/usage");
  const budget = await myBudget(me.id);
  if (!budget) notFound();
  const { user, now, status } = budget;
  const [params, keys, models] = await Promise.all([searchParams, listKeys(user.id), callModels(user, now)]);
  const filter = parseCallsFilter(params, { keys: keys.map((k) => k.id), models });
  const calls = await callHistory(user, filter, now);
  const offset = status.timezone.offsetHours;
  const filtered = filter.key !== null || filter.model !== null || filter.status !== null;
  const at = (page: number) => callsHref({ ...filter, page });
  const download = (format: "json" | "csv") => `/user/usage/export?days=${filter.days}&format=${format}`;
  const first = calls.total === 0 ? 0 : (calls.page - 1) * calls.size + 1;
  const last = Math.min(calls.total, calls.page * calls.size);

  return (
    <div className="flex flex-col gap-6">
      <PageHeading title="Usage">
        Every call made with your keys, newest first. Times in {offsetLabel(offset)}
        {status.timezone.inForceHours !== offset && `; days counted in ${offsetLabel(status.timezone.inForceHours)} until your new offset takes effect`}.
      </PageHeading>

      {/* Keyed by the filter: after a link's in-app navigation (Clear filters, the pages) the selects show the new URL's values, not the old ones. */}
      <form key={callsHref({ ...filter, page: 1 })} method="get" action="/user/usage" role="search" aria-label="Filter calls" className="flex flex-col gap-3 rounded-lg border border-line bg-surface p-4" data-testid="usage-filters">
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
          <Select name="days" label="Period" value={String(filter.days)} options={CALL_PERIODS.map((d) => [String(d), `Last ${d} days`] as const)} />
          <Select
            name="key"
            label="Key"
            value={filter.key ?? ""}
            options={[["", "All keys"], ...keys.map((k) => [k.id, `${k.label ? `${k.label} · ` : ""}${k.prefix}…`] as const), [DELETED_KEYS, "Deleted keys"]]}
          />
          <Select name="model" label="Model" value={filter.model ?? ""} options={[["", "All models"], ...models.map((m) => [m, m] as const)]} />
          <Select name="status" label="Status" value={filter.status ?? ""} options={[["", "Any status"], ...STATUS_GROUPS.map((g) => [g.value, g.label] as const)]} />
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" className={buttonClass("primary")}>
            Apply filters
          </button>
          {(filtered || filter.days !== DEFAULT_FILTER.days) && (
            <Link href="/user/usage" className="text-sm text-link underline">
              Clear filters
            </Link>
          )}
        </div>
      </form>

      <section aria-labelledby="calls-heading" className="flex flex-col gap-3">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="calls-heading" className="text-lg font-medium">
            Calls of the last {filter.days} days
          </h2>
          <p className="flex flex-wrap gap-x-3 text-sm">
            <span className="text-muted">All calls of these {filter.days} days:</span>
            <a href={download("json")} download className="text-link underline" data-testid="download-json">
              Download JSON
            </a>
            <a href={download("csv")} download className="text-link underline" data-testid="download-csv">
              Download CSV
            </a>
          </p>
        </div>
        {calls.total > 0 && (
          <p className="text-sm text-muted" data-testid="calls-count">
            {calls.capped
              ? `Calls ${num.format(first)}–${num.format(last)} of more than ${num.format(CALLS_COUNT_CAP)}${filtered ? " matching" : ""}. Narrow the filters, or download the period for every call.`
              : `Calls ${num.format(first)}–${num.format(last)} of ${num.format(calls.total)}${filtered ? " matching" : ""}.`}
          </p>
        )}
        {/* From md up a table that scrolls sideways in its own box when the page is narrow; below, each call a card (components/ui/table). */}
        <div className="md:overflow-x-auto">
          <Table data-testid="usage-calls">
            <caption className="sr-only">Your calls, newest first</caption>
            <TableHead>
              <Th>Time</Th>
              <Th>Key</Th>
              <Th>Model</Th>
              <Th>Endpoint</Th>
              <Th className="text-right">Tokens in / out / cached</Th>
              <Th className="text-right">EUR</Th>
              <Th>Status</Th>
              <Th className="text-right">Latency</Th>
            </TableHead>
            <TableBody>
              {calls.rows.length === 0 && <EmptyRow colSpan={8}>{filtered ? "No calls match these filters." : `No calls in the last ${filter.days} days.`}</EmptyRow>}
              {calls.rows.map((c) => (
                <Row key={c.id} data-testid="usage-call" data-id={c.id} data-status={c.status}>
                  <TimeCell call={c} offset={offset} />
                  <KeyCell call={c} />
                  <Cell label="Model">
                    <span className="min-w-0 break-all">{c.model ?? "—"}</span>
                  </Cell>
                  <Cell label="Endpoint">
                    <span className="min-w-0 break-all">{c.endpoint ?? "—"}</span>
                  </Cell>
                  <TokensCell call={c} />
                  <CostCell call={c} />
                  <Cell label="Status">
                    <span className={statusGroupOf(c.status) === "ok" ? undefined : "font-medium text-danger"}>{c.status}</span>
                  </Cell>
                  <LatencyCell call={c} />
                </Row>
              ))}
            </TableBody>
          </Table>
        </div>
        {calls.pages > 1 && <Pager page={calls.page} pages={calls.pages} capped={calls.capped} at={at} />}
      </section>
    </div>
  );
}

function Select({ name, label, value, options }: { name: string; label: string; value: string; options: readonly (readonly [string, string])[] }) {
  const id = `filter-${name}`;
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <select id={id} name={name} defaultValue={value} className="w-full min-w-0 rounded-md border border-line-strong bg-surface px-3 py-2 text-sm text-fg">
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

function Pager({ page, pages, capped, at }: { page: number; pages: number; capped: boolean; at: (page: number) => string }) {
  const link = (to: number, text: string, name: string, disabled: boolean) =>
    disabled ? (
      <span className="rounded-md px-3 py-1 text-muted" aria-disabled="true">
        {text}
      </span>
    ) : (
      <Link href={at(to)} aria-label={name} className="rounded-md border border-line-strong bg-surface px-3 py-1 text-fg hover:bg-surface-2">
        {text}
      </Link>
    );
  return (
    <nav aria-label="Pages of calls" className="flex flex-wrap items-center justify-center gap-1 text-sm sm:justify-end sm:gap-2">
      {link(1, "«", "Newest calls (first page)", page <= 1)}
      {link(page - 1, "‹ Newer", "Newer calls", page <= 1)}
      <span data-testid="calls-page" className="px-1 text-muted">
        Page {page} of {pages}
        {capped && "+"}
      </span>
      {link(page + 1, "Older ›", "Older calls", page >= pages)}
      {link(pages, "»", capped ? `Page ${pages}` : "Oldest calls (last page)", page >= pages)}
    </nav>
  );
}
