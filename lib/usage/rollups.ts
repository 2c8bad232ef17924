import "server-only";
import type { InStatement } from "@libsql/client";
import { getClient } from "@/db";
import type { BudgetTerms } from "@/lib/budgets/windows";
import { recentDays } from "./history";
import type { UsageRow } from "./index";

// usage_rollups: per user, 15-minute UTC bucket, endpoint and model, the sums of the ledger's rows; and
// usage_rollups_daily, the same by UTC day. Derived from usage_events and rebuildable from it
// (rebuildRollups); every writer of a ledger row moves its bucket and its day in the same write
// (rollupWrites right after usageInsert). A window read through them takes its whole UTC days from the
// daily rows, the whole buckets of its partial first and last days from the 15-minute rows, and the raw
// rows of a bucket it covers only in part (a one-time budget's start, anything not on a quarter hour):
// the same figures as a sum over the ledger, at a cost that grows with neither the rows nor the history.

const MINUTE = 60_000;
const BUCKET_MS = 15 * MINUTE;
const DAY = 24 * 3_600_000;

/** ISO start of the 15-minute UTC bucket holding `iso`. */
export function bucketOf(iso: string): string {
  const t = Date.parse(iso);
  return new Date(t - (((t % BUCKET_MS) + BUCKET_MS) % BUCKET_MS)).toISOString();
}

/** The first bucket boundary at or after `iso`. */
function bucketCeil(iso: string): string {
  const b = bucketOf(iso);
  return Date.parse(b) === Date.parse(iso) ? b : new Date(Date.parse(b) + BUCKET_MS).toISOString();
}

/** ISO start of the UTC day holding `iso`, and the first UTC midnight at or after it. */
const dayOf = (iso: string) => `${new Date(Date.parse(iso)).toISOString().slice(0, 10)}T00:00:00.000Z`;
function dayCeil(iso: string): string {
  const d = dayOf(iso);
  return Date.parse(d) === Date.parse(iso) ? d : new Date(Date.parse(d) + DAY).toISOString();
}

/** bucketOf in SQL, for a created_at column in the ledger's format (YYYY-MM-DDTHH:MM…). */
const bucketSql = (column: string) => `substr(${column}, 1, 14) || printf('%02d', CAST(substr(${column}, 15, 2) AS INTEGER) / 15 * 15) || ':00.000Z'`;

const ROLLUP_COLUMNS = "user_id, bucket, endpoint, model, calls, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_eur";

// Each applies only when the statement just before it wrote its row (the ledger insert, then the bucket
// upsert), and itself changes exactly one row then: a statement after them may still guard on changes() = 1.
const upsert = (table: string, key: string) => `INSERT INTO ${table} (user_id, ${key}, endpoint, model, calls, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_eur)
  SELECT ?, ?, ?, ?, 1, ?, ?, ?, ?, ? WHERE changes() = 1
  ON CONFLICT (user_id, ${key}, endpoint, model) DO UPDATE SET
    calls = calls + 1, input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
    cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
    cost_eur = cost_eur + excluded.cost_eur`;
const UPSERT_BUCKET = upsert("usage_rollups", "bucket");
const UPSERT_DAY = upsert("usage_rollups_daily", "day");

const figures = (e: UsageRow) => [e.endpoint ?? "", e.model ?? "", e.inputTokens, e.outputTokens, e.cacheReadTokens ?? 0, e.cacheWriteTokens ?? 0, e.costEur];

/** The statement that adds one ledger row to its 15-minute bucket: right after that row's usageInsert, in the same batch. */
export function rollupUpsert(e: UsageRow): InStatement {
  return { sql: UPSERT_BUCKET, args: [e.userId, bucketOf(e.createdAt), ...figures(e)] };
}

/** The statements that add one ledger row to its bucket and its day: right after that row's usageInsert, in the same batch. */
export function rollupWrites(e: UsageRow): InStatement[] {
  return [rollupUpsert(e), { sql: UPSERT_DAY, args: [e.userId, dayOf(e.createdAt), ...figures(e)] }];
}

// ---------------------------------------------------------------- windows through the rollups

/** A span of time [start, end); null = unbounded on that side. */
export type Span = { start: string | null; end: string | null };

type Range = [string, string];
type Plan = { days: Span | null; buckets: Range[]; raw: Range[] };

/** Which whole UTC days, which whole buckets around them, and which raw ranges around those make up `span`. */
function plan({ start, end }: Span): Plan {
  const lo = start === null ? null : bucketCeil(start);
  const hi = end === null ? null : bucketOf(end);
  if (start !== null && end !== null && lo! >= hi!) return { days: null, buckets: [], raw: start < end ? [[start, end]] : [] };
  const raw: Range[] = [];
  if (start !== null && start !== lo) raw.push([start, lo!]);
  if (end !== null && end !== hi) raw.push([hi!, end]);
  const dlo = lo === null ? null : dayCeil(lo);
  const dhi = hi === null ? null : dayOf(hi);
  if (lo !== null && hi !== null && dlo! >= dhi!) return { days: null, buckets: [[lo, hi]], raw };
  const buckets: Range[] = [];
  if (lo !== null && lo !== dlo) buckets.push([lo, dlo!]);
  if (hi !== null && hi !== dhi) buckets.push([dhi!, hi]);
  return { days: { start: dlo, end: dhi }, buckets, raw };
}

/**
 * One SELECT with, per span i and per measure m, the column `${m}${i}`: the sum of that measure (an SQL
 * expression over the columns the ledger and the rollups share, plus `calls`) of the user's ledger rows
 * in the span, read from its whole days, the whole buckets of its partial days and the raw rows of the
 * buckets it covers only in part. `extra` columns are added as they are (a scalar subquery there sees
 * the same snapshot).
 */
export function spanSums(userId: string, spans: Span[], measures: Record<string, string>, extra: string[] = []): { sql: string; args: (string | number)[] } {
  const names = Object.keys(measures);
  const sums = names.map((n) => `sum(${measures[n]}) AS ${n}`).join(", ");
  const parts: string[] = []; // one single-row aggregate per part, joined below
  const args: (string | number)[] = [];
  const columns: string[] = [...extra];
  const part = (from: string) => {
    parts.push(`p${parts.length} AS (SELECT ${sums} FROM ${from})`);
    return `p${parts.length - 1}`;
  };
  spans.map(plan).forEach((p, i) => {
    const mine: string[] = [];
    if (p.days) {
      const c = ["user_id = ?"];
      args.push(userId);
      if (p.days.start !== null) {
        c.push("day >= ?");
        args.push(p.days.start);
      }
      if (p.days.end !== null) {
        c.push("day < ?");
        args.push(p.days.end);
      }
      mine.push(part(`usage_rollups_daily WHERE ${c.join(" AND ")}`));
    }
    for (const [a, b] of p.buckets) {
      mine.push(part("usage_rollups WHERE user_id = ? AND bucket >= ? AND bucket < ?"));
      args.push(userId, a, b);
    }
    for (const [a, b] of p.raw) {
      mine.push(part("(SELECT *, 1 AS calls FROM usage_events WHERE user_id = ? AND created_at >= ? AND created_at < ?)"));
      args.push(userId, a, b);
    }
    for (const n of names) columns.push(`${mine.length ? mine.map((t) => `coalesce(${t}.${n}, 0)`).join(" + ") : "0"} AS ${n}${i}`);
  });
  return { sql: `${parts.length ? `WITH ${parts.join(", ")} ` : ""}SELECT ${columns.join(", ")}${parts.length ? ` FROM ${parts.map((_, k) => `p${k}`).join(", ")}` : ""}`, args };
}

// ---------------------------------------------------------------- the chart

export type DayUsage = {
  /** The local day, YYYY-MM-DD (at the user's offset in force at `now`). */
  day: string;
  inputTokens: number;
  outputTokens: number;
  /** Parts of inputTokens read from / written to the upstream's prompt cache. */
  cacheReadTokens: number;
  cacheWriteTokens: number;
  calls: number;
  eur: number;
};

const MEASURES = "sum(input_tokens) AS i, sum(output_tokens) AS o, sum(cache_read_tokens) AS cr, sum(cache_write_tokens) AS cw, sum(calls) AS n, sum(cost_eur) AS e";
const FIELDS = { inputTokens: "i", outputTokens: "o", cacheReadTokens: "cr", cacheWriteTokens: "cw", calls: "n", eur: "e" } as const;
type Figures = Omit<DayUsage, "day">;

/**
 * The last `days` local days up to and including today (the user's offset in force at `now`), oldest
 * first, every day present (zeros where nothing was used): one query over the rollups.
 *
 * A local day [L, L + 24 h) is read as the UTC day [M, M + 24 h) whose midnight M is nearest to L, plus
 * the buckets of the stub [L, M), minus those of the next day's stub (a stub with L after M counts
 * negatively). Each boundary's stub is at most 12 hours of buckets, shared by the two days on either
 * side of it, so the chart reads `days` daily rows and `days + 1` stubs per endpoint and model: 16 buckets
 * a day at +1:00, 22 at +5:30, none at UTC — instead of every bucket of every day. Offsets are whole
 * quarter hours (lib/users/schemas), so every stub is whole buckets.
 */
export async function dailySeries(
  user: { id: string } & Pick<BudgetTerms, "timezoneOffsetHours" | "tzPreviousOffsetHours" | "tzSwitchAt">,
  days: number,
  now = new Date(),
): Promise<DayUsage[]> {
  const { from, dates } = recentDays(user, days, now);
  const starts = Array.from({ length: days + 1 }, (_, k) => from.getTime() + k * DAY);
  const midnights = starts.map((l) => Date.parse(dayOf(new Date(l + DAY / 2).toISOString())));
  const stubs = starts.flatMap((l, k) => (l === midnights[k] ? [] : [[k, new Date(Math.min(l, midnights[k])).toISOString(), new Date(Math.max(l, midnights[k])).toISOString()]]));
  const iso = (t: number) => new Date(t).toISOString();
  const r = await getClient().execute({
    sql: `${stubs.length ? `WITH stub(k, a, b) AS (VALUES ${stubs.map(() => "(?, ?, ?)").join(", ")}) ` : ""}
          SELECT 'd' AS part, day AS k, ${MEASURES} FROM usage_rollups_daily WHERE user_id = ? AND day >= ? AND day < ? GROUP BY day
          ${stubs.length ? `UNION ALL SELECT 's', stub.k, ${MEASURES} FROM stub JOIN usage_rollups u ON u.user_id = ? AND u.bucket >= stub.a AND u.bucket < stub.b GROUP BY stub.k` : ""}`,
    args: [...stubs.flat(), user.id, iso(midnights[0]), iso(midnights[days]), ...(stubs.length ? [user.id] : [])],
  });
  const parts = new Map(r.rows.map((row) => [`${String(row.part)}${String(row.k)}`, row]));
  const read = (key: string, sign: number): Figures => {
    const row = parts.get(key);
    return Object.fromEntries(Object.entries(FIELDS).map(([f, c]) => [f, sign * Number(row?.[c] ?? 0)])) as Figures;
  };
  // The stub of boundary k, with its sign: [L, M) adds to the day that starts at L, [M, L) is taken off it.
  const stub = (k: number) => read(`s${k}`, starts[k] <= midnights[k] ? 1 : -1);
  return dates.map((day, k) => {
    const [whole, head, tail] = [read(`d${iso(midnights[k])}`, 1), stub(k), stub(k + 1)];
    const sum = Object.fromEntries(Object.keys(FIELDS).map((f) => [f, whole[f as keyof Figures] + head[f as keyof Figures] - tail[f as keyof Figures]])) as Figures;
    // EUR sums are floats: what cancels out exactly in the ledger may leave a rounding residue here.
    return { day, ...sum, eur: Math.round(sum.eur * 1e9) / 1e9 };
  });
}

// ---------------------------------------------------------------- rebuilding

const CHUNK_MS = 7 * DAY;

/**
 * Recomputes the rollups of [from, to) (UTC midnights; "" and null = unbounded) of one user from the
 * ledger, and drops any there the ledger has no rows for: its buckets from the rows, its days from the buckets.
 */
function rebuildChunk(userId: string, from: string, to: string | null): InStatement[] {
  const range = (column: string) => `${column} >= ?${to === null ? "" : ` AND ${column} < ?`}`;
  const args = to === null ? [userId, from] : [userId, from, to];
  return [
    { sql: `DELETE FROM usage_rollups WHERE user_id = ? AND ${range("bucket")}`, args },
    { sql: `DELETE FROM usage_rollups_daily WHERE user_id = ? AND ${range("day")}`, args },
    {
      sql: `INSERT INTO usage_rollups (${ROLLUP_COLUMNS})
            SELECT user_id, ${bucketSql("created_at")}, coalesce(endpoint, ''), coalesce(model, ''), count(*), sum(input_tokens), sum(output_tokens),
              sum(cache_read_tokens), sum(cache_write_tokens), sum(cost_eur)
            FROM usage_events WHERE user_id = ? AND ${range("created_at")} GROUP BY 2, 3, 4`,
      args,
    },
    {
      sql: `INSERT INTO usage_rollups_daily (user_id, day, endpoint, model, calls, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_eur)
            SELECT user_id, substr(bucket, 1, 10) || 'T00:00:00.000Z', endpoint, model, sum(calls), sum(input_tokens), sum(output_tokens),
              sum(cache_read_tokens), sum(cache_write_tokens), sum(cost_eur)
            FROM usage_rollups WHERE user_id = ? AND ${range("bucket")} GROUP BY 2, 3, 4`,
      args,
    },
  ];
}

async function rebuildUser(userId: string) {
  const client = getClient();
  const first = async (since: string) =>
    (await client.execute({ sql: "SELECT min(created_at) AS t FROM usage_events WHERE user_id = ? AND created_at >= ?", args: [userId, since] })).rows[0].t as string | null;
  // A week of days per write: each is one short transaction (a settlement of this user waits for at
  // most one), and is exact whatever is written meanwhile — a row lands either before it (and is in its
  // sums) or after it (and adds to them).
  let done = "";
  for (let at = await first(""); at !== null; ) {
    const end = new Date(Date.parse(dayOf(at)) + CHUNK_MS).toISOString();
    await client.batch(rebuildChunk(userId, done, end), "write");
    done = end;
    at = await first(end);
  }
  await client.batch(rebuildChunk(userId, done, null), "write");
}

/**
 * Recomputes usage_rollups from usage_events, for one user or for everyone, a user and a week at a
 * time (the ledger is never loaded into memory: SQLite groups each chunk itself). Safe while the
 * gateway writes.
 */
export async function rebuildRollups(userId?: string): Promise<{ users: number }> {
  if (userId !== undefined) {
    await rebuildUser(userId);
    return { users: 1 };
  }
  const client = getClient();
  let users = 0;
  let previous = "";
  for (;;) {
    const next = (await client.execute({ sql: "SELECT min(user_id) AS u FROM usage_events WHERE user_id > ?", args: [previous] })).rows[0].u as string | null;
    // Rollups of users with no ledger rows between the two (there should be none) go.
    const between = next === null ? { where: "user_id > ?", args: [previous] } : { where: "user_id > ? AND user_id < ?", args: [previous, next] };
    await client.batch(
      ["usage_rollups", "usage_rollups_daily"].map((table) => ({ sql: `DELETE FROM ${table} WHERE ${between.where}`, args: between.args })),
      "write",
    );
    if (next === null) break;
    await rebuildUser(next);
    users++;
    previous = next;
  }
  return { users };
}

/**
 * At server start: an upgrade from a version before the rollups has a ledger and no rollups; they are
 * built once. Three index probes otherwise.
 */
export async function backfillRollups(): Promise<{ users: number } | null> {
  const r = await getClient().execute(
    `SELECT EXISTS (SELECT 1 FROM usage_events) AS ledger, EXISTS (SELECT 1 FROM usage_rollups) AND EXISTS (SELECT 1 FROM usage_rollups_daily) AS rollups`,
  );
  if (!Number(r.rows[0].ledger) || Number(r.rows[0].rollups)) return null;
  return rebuildRollups();
}
