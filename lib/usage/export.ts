import "server-only";
import { and, asc, eq, gte, lt, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { apiKeys, usageEvents } from "@/db/schema";
import type { BudgetTerms } from "@/lib/budgets/windows";
import { csvLine } from "./csv";
import { recentDays } from "./history";

// The usage download: a user's ledger rows of the last N local days, streamed as JSON or CSV a page of
// rows at a time (keyset paging over (created_at, id) on the (user_id, created_at) index), so that a
// large ledger never sits in memory whole and a slow client slows the reads instead of filling buffers.

export const EXPORT_FORMATS = ["json", "csv"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_PAGE_ROWS = 1000;

/** The columns of a downloaded row: usage_events' own, by their SQL names, plus the key's prefix and label. */
export const EXPORT_COLUMNS = [
  "id",
  "request_id",
  "created_at",
  "user_id",
  "key_id",
  "key_prefix",
  "key_label",
  "endpoint",
  "model",
  "input_tokens",
  "output_tokens",
  "cache_read_tokens",
  "cache_write_tokens",
  "cost_eur",
  "status",
  "latency_ms",
  "estimated",
  "over_cap",
] as const;
export type ExportRow = Record<(typeof EXPORT_COLUMNS)[number], string | number | null>;

const selection = {
  id: usageEvents.id,
  request_id: usageEvents.requestId,
  created_at: usageEvents.createdAt,
  user_id: usageEvents.userId,
  key_id: usageEvents.keyId,
  key_prefix: apiKeys.prefix,
  key_label: apiKeys.label,
  endpoint: usageEvents.endpoint,
  model: usageEvents.model,
  input_tokens: usageEvents.inputTokens,
  output_tokens: usageEvents.outputTokens,
  cache_read_tokens: usageEvents.cacheReadTokens,
  cache_write_tokens: usageEvents.cacheWriteTokens,
  cost_eur: usageEvents.costEur,
  status: usageEvents.status,
  latency_ms: usageEvents.latencyMs,
  estimated: usageEvents.estimated,
  over_cap: usageEvents.overCap,
};

/** Rows of [from, to) after the keyset position `after`, oldest first. */
async function exportPage(userId: string, from: string, to: string, after: { createdAt: string; id: number } | null): Promise<ExportRow[]> {
  return getDb()
    .select(selection)
    .from(usageEvents)
    .leftJoin(apiKeys, eq(apiKeys.id, usageEvents.keyId))
    .where(
      and(
        eq(usageEvents.userId, userId),
        // The index seek starts at the page's position: SQLite does not seek on the row value below
        // alone (it would start every page at `from` and skip all the rows sent before).
        gte(usageEvents.createdAt, after ? after.createdAt : from),
        lt(usageEvents.createdAt, to),
        after ? sql`(${usageEvents.createdAt}, ${usageEvents.id}) > (${after.createdAt}, ${after.id})` : undefined,
      ),
    )
    .orderBy(asc(usageEvents.createdAt), asc(usageEvents.id))
    .limit(EXPORT_PAGE_ROWS);
}

/** The ISO form of a stored time (they are ISO already; this keeps the promise if one was written otherwise). */
function iso(t: string | number | null): string | number | null {
  if (typeof t !== "string") return t;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString();
}

export type UsageExport = {
  stream: ReadableStream<Uint8Array>;
  /** The first and last local day covered, YYYY-MM-DD. */
  firstDay: string;
  lastDay: string;
};

/** The user's rows of the last `days` local days (today included, at the offset in force), as a stream of JSON or CSV. */
export function usageExport(
  user: { id: string } & Pick<BudgetTerms, "timezoneOffsetHours" | "tzPreviousOffsetHours" | "tzSwitchAt">,
  days: number,
  format: ExportFormat,
  now = new Date(),
): UsageExport {
  const { from, to, dates } = recentDays(user, days, now);
  const encoder = new TextEncoder();
  let after: { createdAt: string; id: number } | null = null;
  let started = false;
  let first = true;
  const stream = new ReadableStream<Uint8Array>(
    {
      // One page per pull: the stream asks for more only as the client takes what was sent.
      async pull(controller) {
        let out = "";
        if (!started) {
          started = true;
          out += format === "json" ? "[" : csvLine(EXPORT_COLUMNS);
        }
        const rows = await exportPage(user.id, from.toISOString(), to.toISOString(), after);
        for (const row of rows) {
          const r = { ...row, created_at: iso(row.created_at) };
          if (format === "json") {
            out += (first ? "\n" : ",\n") + JSON.stringify(r);
            first = false;
          } else {
            out += csvLine(EXPORT_COLUMNS.map((c) => r[c]));
          }
        }
        const last = rows.at(-1);
        if (last) after = { createdAt: String(last.created_at), id: Number(last.id) };
        if (rows.length < EXPORT_PAGE_ROWS) {
          if (format === "json") out += first ? "]\n" : "\n]\n";
          controller.enqueue(encoder.encode(out));
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(out));
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, firstDay: dates[0], lastDay: dates[dates.length - 1] };
}
