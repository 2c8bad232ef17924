import "server-only";
import { and, asc, desc, eq, gte, inArray, lt, lte, ne, notInArray, or, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db";
import { apiKeys, usageEvents, usageRollupsDaily } from "@/db/schema";
import { localDayStart, offsetAt, type BudgetTerms } from "@/lib/budgets/windows";
import { ABORTED_STATUSES, BUDGET_STATUSES, CALL_PERIODS, DELETED_KEYS, OK_STATUSES, REFUSED_STATUSES, type CallsFilter, type StatusGroup } from "./calls-filter";

// What the Usage tab shows of a user's ledger: the latest calls, a page at a time, read through
// usage_events' (user_id, created_at) index; and which local days "the last N days" are (the chart sums
// them from the rollups, lib/usage/rollups dailySeries; the download reads their rows). And the
// portal's call history (/user/usage): the same rows of a period, filtered by key, model and status.

const DAY = 86_400_000;

/** One ledger row as the Usage tab's table shows it, with its key's prefix and label (null once the key is deleted). */
export type CallRow = {
  id: number;
  createdAt: string;
  keyPrefix: string | null;
  keyLabel: string | null;
  endpoint: string | null;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costEur: number;
  status: string;
  latencyMs: number | null;
  estimated: boolean;
};

export type CallsPage = { rows: CallRow[]; page: number; pages: number; total: number; size: number };

export const CALLS_PAGE_SIZE = 20;

/** The columns of a CallRow, and the row as read. */
const callColumns = {
  id: usageEvents.id,
  createdAt: usageEvents.createdAt,
  keyPrefix: apiKeys.prefix,
  keyLabel: apiKeys.label,
  endpoint: usageEvents.endpoint,
  model: usageEvents.model,
  inputTokens: usageEvents.inputTokens,
  outputTokens: usageEvents.outputTokens,
  cacheReadTokens: usageEvents.cacheReadTokens,
  cacheWriteTokens: usageEvents.cacheWriteTokens,
  costEur: usageEvents.costEur,
  status: usageEvents.status,
  latencyMs: usageEvents.latencyMs,
  estimated: usageEvents.estimated,
};
const toCallRow = (r: Omit<CallRow, "estimated"> & { estimated: number }): CallRow => ({ ...r, estimated: r.estimated === 1 });

/**
 * A page (from 1) of the user's calls, newest first. Offset paging over the (user_id, created_at) index
 * (the rowid, id, is part of every index entry, so the id tie-breaker costs no sort): an admin reads the
 * first pages; a page beyond the last is answered with the last.
 */
export async function latestCalls(userId: string, page = 1, size = CALLS_PAGE_SIZE): Promise<CallsPage> {
  const db = getDb();
  const [{ total }] = await db.select({ total: sql<number>`count(*)` }).from(usageEvents).where(eq(usageEvents.userId, userId));
  const pages = Math.max(1, Math.ceil(Number(total) / size));
  const current = Math.min(Math.max(1, Math.floor(page)), pages);
  const rows = await db
    .select(callColumns)
    .from(usageEvents)
    .leftJoin(apiKeys, eq(apiKeys.id, usageEvents.keyId))
    .where(eq(usageEvents.userId, userId))
    .orderBy(desc(usageEvents.createdAt), desc(usageEvents.id))
    .limit(size)
    .offset((current - 1) * size);
  return { rows: rows.map(toCallRow), page: current, pages, total: Number(total), size };
}

/** The last `days` local days (today included) at the offset in force: their first instant, their last, and each day's date. */
export function recentDays(user: Pick<BudgetTerms, "timezoneOffsetHours" | "tzPreviousOffsetHours" | "tzSwitchAt">, days: number, now = new Date()) {
  const offset = offsetAt(user, now);
  const today = localDayStart(now, offset).getTime();
  const from = new Date(today - (days - 1) * DAY);
  const dates = Array.from({ length: days }, (_, i) => new Date(from.getTime() + i * DAY + offset * 3_600_000).toISOString().slice(0, 10));
  return { offset, from, to: new Date(today + DAY), dates };
}

// ---------------------------------------------------------------- the portal's call history

/**
 * How far the history counts a filter's matches. The page shows "page X of Y", so every view counts
 * its rows; a count is a walk over the period's index entries (and, with a key, model or status
 * filter, a lookup of each row), and a heavy user has a million rows in 90 days: an exact count would
 * cost that walk on every page view. Counting stops at the cap instead (a LIMIT inside the count), so
 * the cost of a view is bounded by it, not by the ledger: up to 10,000 matches are counted exactly
 * (500 pages of 20), beyond that the page says "more than 10,000" and pages to the 500th; the
 * download has every row. Offset paging stops at the same cap, so no page walks further than it.
 * Measured at a million rows in 90 days (one user, 2 cores): a few ms without a filter, tens of ms
 * with one that matches much; a key, model or status filter that matches only a few calls spread over
 * the period walks (and looks up) the whole period once, about 0.3–0.5 s at 90 days. An index per filter
 * would cure that, at a cost on every gateway write; left until someone needs it.
 */
export const CALLS_COUNT_CAP = 10_000;

export type CallsHistoryPage = CallsPage & {
  /** True when there are more matches than CALLS_COUNT_CAP: `total` is the cap, and the pages stop at it. */
  capped: boolean;
  /** The period: its first instant, the end of today (exclusive), and the offset its days are at. */
  from: string;
  to: string;
  offset: number;
};

type HistoryUser = { id: string } & Pick<BudgetTerms, "timezoneOffsetHours" | "tzPreviousOffsetHours" | "tzSwitchAt">;

const ok = OK_STATUSES as unknown as string[];
/** A status group (lib/usage/calls-filter) as a condition on usage_events.status. */
function statusCondition(group: StatusGroup): SQL | undefined {
  switch (group) {
    case "ok":
      return inArray(usageEvents.status, ok);
    case "error":
      return notInArray(usageEvents.status, ok);
    case "budget":
      return inArray(usageEvents.status, [...BUDGET_STATUSES]);
    case "refused":
      return inArray(usageEvents.status, [...REFUSED_STATUSES]);
    case "aborted":
      return inArray(usageEvents.status, [...ABORTED_STATUSES]);
    case "upstream":
      return or(sql`substr(${usageEvents.status}, 1, 9) = 'upstream_'`, eq(usageEvents.status, "timeout"));
  }
}

/**
 * A page of the user's calls in the last `filter.days` local days (recentDays: the same days as the
 * download of that period), newest first, narrowed by key (one of theirs, or DELETED_KEYS: rows whose
 * key no longer exists), model and status group. Every read seeks the (user_id, created_at) index to
 * the period and walks it newest first (the id tie-breaker is in the index entry, so no sort); the
 * other filters are checked on the rows walked. Counted up to CALLS_COUNT_CAP; a page beyond the last
 * is answered with the last.
 */
export async function callHistory(user: HistoryUser, filter: Omit<CallsFilter, "page"> & { page: number }, now = new Date(), size = CALLS_PAGE_SIZE): Promise<CallsHistoryPage> {
  const db = getDb();
  const { from, to, offset } = recentDays(user, filter.days, now);
  const matching = (span: { from: string; to: string; last: boolean }) =>
    and(
      eq(usageEvents.userId, user.id),
      gte(usageEvents.createdAt, span.from),
      span.last ? lte(usageEvents.createdAt, span.to) : lt(usageEvents.createdAt, span.to),
      filter.key === DELETED_KEYS
        ? sql`NOT EXISTS (SELECT 1 FROM ${apiKeys} WHERE ${apiKeys.id} = ${usageEvents.keyId})`
        : filter.key
          ? eq(usageEvents.keyId, filter.key)
          : undefined,
      filter.model ? eq(usageEvents.model, filter.model) : undefined,
      filter.status ? statusCondition(filter.status) : undefined,
    );
  const period = { from: from.toISOString(), to: to.toISOString(), last: false };
  // The count, capped, and the first and last time it saw. Without a key, model or status filter it
  // reads the index alone; with one, it looks up each row of the period it walks.
  const matches = db
    .select({ at: usageEvents.createdAt })
    .from(usageEvents)
    .where(matching(period))
    .limit(CALLS_COUNT_CAP + 1)
    .as("matches");
  const [counted] = await db.select({ n: sql<number>`count(*)`, oldest: sql<string | null>`min(${matches.at})`, newest: sql<string | null>`max(${matches.at})` }).from(matches);
  const capped = Number(counted.n) > CALLS_COUNT_CAP;
  const total = Math.min(Number(counted.n), CALLS_COUNT_CAP);
  const pages = Math.max(1, Math.ceil(total / size));
  const page = Math.min(Math.max(1, Math.floor(filter.page)), pages);
  // When the count saw every match, the page's walk starts at the newest and stops at the oldest of
  // them: a filter that matches a few calls costs one walk of the period, not two; none, no second.
  const span = !capped && counted.oldest !== null && counted.newest !== null ? { from: counted.oldest, to: counted.newest, last: true } : period;
  const rows =
    total === 0
      ? []
      : await db
          .select(callColumns)
          .from(usageEvents)
          .leftJoin(apiKeys, eq(apiKeys.id, usageEvents.keyId))
          .where(matching(span))
          .orderBy(desc(usageEvents.createdAt), desc(usageEvents.id))
          .limit(size)
          .offset((page - 1) * size);
  return { rows: rows.map(toCallRow), page, pages, total, size, capped, from: from.toISOString(), to: to.toISOString(), offset };
}

/**
 * The models of the user's calls in the longest period the history offers, for its model filter: read
 * from the daily rollups (a few rows per day and model, not the ledger), from the UTC day that holds the
 * period's first instant at any offset.
 */
export async function callModels(user: HistoryUser, now = new Date()): Promise<string[]> {
  const { from } = recentDays(user, Math.max(...CALL_PERIODS), now);
  const since = new Date(from.getTime() - DAY).toISOString().slice(0, 10) + "T00:00:00.000Z";
  const rows = await getDb()
    .selectDistinct({ model: usageRollupsDaily.model })
    .from(usageRollupsDaily)
    .where(and(eq(usageRollupsDaily.userId, user.id), gte(usageRollupsDaily.day, since), ne(usageRollupsDaily.model, "")))
    .orderBy(asc(usageRollupsDaily.model));
  return rows.map((r) => r.model);
}
