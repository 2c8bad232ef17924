// Wording shared by pages and components (no server code here).

/** "1 user", "2 users", "1,204 users". */
export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

/** "skill" → "Skill", for a word that starts a sentence or a title. */
export const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The time from `now` to `iso`, to the minute and in its two largest units: "3 d 4 h", "5 h 12 min", "7 min"; "now" when past. */
export function timeUntil(iso: string, now: Date): string {
  const minutes = Math.ceil((Date.parse(iso) - now.getTime()) / 60_000);
  if (minutes <= 0) return "now";
  const [d, h, m] = [Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60), minutes % 60];
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  return `${m} min`;
}
