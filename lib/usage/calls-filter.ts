// The filters of the portal's call history (/user/usage), read from the page's URL search params: what
// a GET form without JavaScript sends, and what anyone can type. Nothing in them is trusted and nothing
// is an error: a value that is not one of the choices is dropped and its default used, so a bogus or
// stale link still shows a page (never a 500). No server code here, so it is unit-tested alone.

/** The periods offered, in local days at the user's offset in force (as recentDays counts them). */
export const CALL_PERIODS = [7, 30, 90] as const;
export type CallPeriod = (typeof CALL_PERIODS)[number];
export const DEFAULT_PERIOD: CallPeriod = 30;

/** The `key` value for the calls of keys since deleted (their rows stay, the key's prefix does not). */
export const DELETED_KEYS = "deleted";

/**
 * The status groups a user can filter by. usage_events.status is an open set written by the gateway
 * (lib/gateway: `ok`, `ok_no_usage`, the refusals of lib/gateway/errors' LEDGER, `upstream_<http
 * code>`, `upstream_unreachable`, `upstream_invalid_response`, `upstream_stream_error`, `timeout`,
 * `client_aborted`, `internal_error`), so the filter offers groups of what a user cares about rather
 * than every code; the table shows the code itself. lib/usage/history turns a group into SQL.
 */
export const STATUS_GROUPS = [
  { value: "ok", label: "Succeeded" },
  { value: "error", label: "Failed (any error)" },
  { value: "budget", label: "Refused: over budget" },
  { value: "refused", label: "Refused: bad request or no permission" },
  { value: "upstream", label: "Upstream failed or timed out" },
  { value: "aborted", label: "Cancelled by the client" },
] as const;
export type StatusGroup = (typeof STATUS_GROUPS)[number]["value"];

/** The ledger statuses of a successful call (ok_no_usage: answered, tokens counted by Tollgate). */
export const OK_STATUSES = ["ok", "ok_no_usage"] as const;
export const BUDGET_STATUSES = ["budget_exceeded", "budget_unavailable"] as const;
export const REFUSED_STATUSES = ["invalid_request", "request_too_large", "permission_denied", "model_not_found", "rate_limited", "no_endpoint"] as const;
export const ABORTED_STATUSES = ["client_aborted"] as const;

/** Which group a ledger status belongs to besides `error` (null: only `error`, e.g. internal_error). */
export function statusGroupOf(status: string): Exclude<StatusGroup, "error"> | null {
  if ((OK_STATUSES as readonly string[]).includes(status)) return "ok";
  if ((BUDGET_STATUSES as readonly string[]).includes(status)) return "budget";
  if ((REFUSED_STATUSES as readonly string[]).includes(status)) return "refused";
  if ((ABORTED_STATUSES as readonly string[]).includes(status)) return "aborted";
  if (status.startsWith("upstream_") || status === "timeout") return "upstream";
  return null;
}

export type CallsFilter = {
  days: CallPeriod;
  /** A key id of the user's, DELETED_KEYS, or null for every key. */
  key: string | null;
  model: string | null;
  status: StatusGroup | null;
  /** From 1; the page clamps it to the last page there is. */
  page: number;
};

export const DEFAULT_FILTER: CallsFilter = { days: DEFAULT_PERIOD, key: null, model: null, status: null, page: 1 };

type Params = Record<string, string | string[] | undefined>;

/** One value of a parameter; a repeated parameter is no choice at all (no form of ours sends one). */
const one = (v: string | string[] | undefined): string | undefined => (typeof v === "string" ? v : undefined);

/**
 * The filters a URL asks for, each checked against the choices there are: `keys` the user's own key
 * ids, `models` the models of their calls (what the page's selects offer). Anything else, and an empty
 * value (the form's "All"), is that filter's default.
 */
export function parseCallsFilter(params: Params, choices: { keys: readonly string[]; models: readonly string[] }): CallsFilter {
  const days = Number(one(params.days));
  const key = one(params.key);
  const model = one(params.model);
  const status = one(params.status);
  const page = one(params.page);
  return {
    days: (CALL_PERIODS as readonly number[]).includes(days) && /^\d+$/.test(one(params.days)!) ? (days as CallPeriod) : DEFAULT_PERIOD,
    key: key !== undefined && (key === DELETED_KEYS || choices.keys.includes(key)) ? key : null,
    model: model !== undefined && model !== "" && choices.models.includes(model) ? model : null,
    status: STATUS_GROUPS.some((g) => g.value === status) ? (status as StatusGroup) : null,
    page: page !== undefined && /^[1-9]\d{0,5}$/.test(page) ? Number(page) : 1,
  };
}

/** The page's URL for a filter: only what differs from the defaults, so the plain address is the default view. */
export function callsHref(filter: CallsFilter, base = "/user/usage"): string {
  const q = new URLSearchParams();
  if (filter.days !== DEFAULT_PERIOD) q.set("days", String(filter.days));
  if (filter.key) q.set("key", filter.key);
  if (filter.model) q.set("model", filter.model);
  if (filter.status) q.set("status", filter.status);
  if (filter.page !== 1) q.set("page", String(filter.page));
  const s = q.toString();
  return s ? `${base}?${s}` : base;
}
