import type { ListQueryInput } from "./schemas";

// What client components need of the /users view, without zod: a value imported from ./schemas would
// bring zod into the browser, where it probes for eval (`Function("")`) and the CSP refuses that.

/** The columns the list sorts by (ListQuery in ./schemas accepts these). */
export const SORT_COLUMNS = ["username", "email", "role", "status", "created"] as const;

const DEFAULTS: Partial<Record<string, string>> = { q: "", sort: "created", dir: "desc", page: "1", size: "25" };

/** The /users URL for a view, so that reloads and shared links show the same thing; defaults omitted. */
export function usersUrl(q: Partial<ListQueryInput> & { edit?: string }, overrides: Partial<ListQueryInput> & { edit?: string } = {}): string {
  const merged: Record<string, unknown> = { ...q, ...overrides };
  const params = new URLSearchParams();
  for (const key of ["q", "role", "status", "sort", "dir", "page", "size", "edit"]) {
    const value = merged[key];
    if (value === undefined || value === null || String(value) === DEFAULTS[key]) continue;
    params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `/users?${s}` : "/users";
}
