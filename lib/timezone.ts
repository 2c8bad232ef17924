// A user's timezone is a fixed offset from UTC (SPEC §3: timezone_offset_hours, −12 to +14), chosen in
// steps of 15 minutes, which covers every offset in use (+05:45, +08:45, +12:45 …). Wording shared by
// the schema, pages and components (no server code here).

export const MIN_OFFSET_HOURS = -12;
export const MAX_OFFSET_HOURS = 14;
/** Offsets go in quarter hours. */
export const OFFSET_STEPS_PER_HOUR = 4;

/** Every offset a user may have, from −12 to +14 in 15-minute steps (105 of them). */
export const TIMEZONE_OFFSETS: number[] = Array.from(
  { length: (MAX_OFFSET_HOURS - MIN_OFFSET_HOURS) * OFFSET_STEPS_PER_HOUR + 1 },
  (_, i) => MIN_OFFSET_HOURS + i / OFFSET_STEPS_PER_HOUR,
);

const pad = (n: number) => String(n).padStart(2, "0");

/** "UTC+05:30", "UTC−03:30" (a true minus sign), "UTC+00:00". */
export function offsetLabel(hours: number): string {
  const minutes = Math.round(Math.abs(hours) * 60);
  return `UTC${hours < 0 ? "−" : "+"}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * An instant as the clock at `offsetHours` shows it, e.g. "11 Mar 2026, 08:00". Computed by hand
 * rather than with Intl, so that the server's render and the browser's hydration agree to the letter.
 */
export function formatAtOffset(iso: string, offsetHours: number): string {
  const local = new Date(Date.parse(iso) + offsetHours * 3_600_000);
  return `${local.getUTCDate()} ${MONTHS[local.getUTCMonth()]} ${local.getUTCFullYear()}, ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
}
