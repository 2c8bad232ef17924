import "server-only";
import { desc, eq, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { apiKeys, usageEvents } from "@/db/schema";
import { localDayStart, offsetAt, type BudgetTerms } from "@/lib/budgets/windows";

// What the Usage tab shows of a user's ledger: the latest calls, a page at a time, read through
// usage_events' (user_id, created_at) index; and which local days "the last N days" are (the chart sums
// them from the rollups, lib/usage/rollups dailySeries; the download reads their rows).

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
    .select({
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
    })
    .from(usageEvents)
    .leftJoin(apiKeys, eq(apiKeys.id, usageEvents.keyId))
    .where(eq(usageEvents.userId, userId))
    .orderBy(desc(usageEvents.createdAt), desc(usageEvents.id))
    .limit(size)
    .offset((current - 1) * size);
  return { rows: rows.map((r) => ({ ...r, estimated: r.estimated === 1 })), page: current, pages, total: Number(total), size };
}

/** The last `days` local days (today included) at the offset in force: their first instant, their last, and each day's date. */
export function recentDays(user: Pick<BudgetTerms, "timezoneOffsetHours" | "tzPreviousOffsetHours" | "tzSwitchAt">, days: number, now = new Date()) {
  const offset = offsetAt(user, now);
  const today = localDayStart(now, offset).getTime();
  const from = new Date(today - (days - 1) * DAY);
  const dates = Array.from({ length: days }, (_, i) => new Date(from.getTime() + i * DAY + offset * 3_600_000).toISOString().slice(0, 10));
  return { offset, from, to: new Date(today + DAY), dates };
}
