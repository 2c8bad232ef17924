"use client";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import type { Role } from "@/db/enums";
import { cn } from "@/lib/cn";
import { plural } from "@/lib/format";
import type { GrantOptions } from "@/lib/permissions";
import { BulkPermissionsDialog } from "./bulk-permissions-dialog";

// The rows selected on /users for a bulk change (grant or revoke permissions). The table stays a
// server component: its checkboxes and the bar above it share this state through a context.
// A selection is of the rows on the page shown: rows that leave the page (another search, another
// page, a deletion) leave the selection.

export type SelectableUser = { id: string; username: string; role: Role };

type Selection = {
  users: SelectableUser[];
  selected: SelectableUser[];
  isSelected: (id: string) => boolean;
  toggle: (id: string, on: boolean) => void;
  setAll: (on: boolean) => void;
  clear: () => void;
};

const SelectionContext = createContext<Selection | null>(null);

function useSelection(): Selection {
  const selection = useContext(SelectionContext);
  if (!selection) throw new Error("useSelection outside <UserSelection>");
  return selection;
}

/** The one of the two "select all" checkboxes (table header on wide screens, the bar on phones) that is shown. */
const visibleSelectAll = () => Array.from(document.querySelectorAll<HTMLInputElement>("input[data-select-all]")).find((el) => el.offsetParent !== null) ?? null;

/** The page's rows as selectable, the bulk bar, then the table (`children`). */
export function UserSelection({ users, options, children }: { users: SelectableUser[]; options: GrantOptions; children: React.ReactNode }) {
  const [chosen, setChosen] = useState<string[]>([]);
  // Only rows on this page count, in the page's order.
  const selected = useMemo(() => users.filter((u) => chosen.includes(u.id)), [users, chosen]);
  const toggle = useCallback((id: string, on: boolean) => setChosen((c) => (on ? (c.includes(id) ? c : [...c, id]) : c.filter((x) => x !== id))), []);
  const setAll = useCallback((on: boolean) => setChosen(on ? users.map((u) => u.id) : []), [users]);
  const clear = useCallback(() => setChosen([]), []);
  const value = useMemo(() => ({ users, selected, isSelected: (id: string) => selected.some((u) => u.id === id), toggle, setAll, clear }), [users, selected, toggle, setAll, clear]);
  return (
    <SelectionContext.Provider value={value}>
      <BulkBar options={options} />
      {children}
    </SelectionContext.Provider>
  );
}

/** A checkbox at least 24 px square to hit (WCAG 2.5.8), whatever the box drawn inside. */
function Box({ className, ...input }: React.ComponentProps<"input">) {
  return (
    <span className={cn("inline-flex h-8 w-8 shrink-0 items-center justify-center md:h-6 md:w-6", className)}>
      <input type="checkbox" className="h-4 w-4 cursor-pointer accent-primary" {...input} />
    </span>
  );
}

/** "Select all users on this page": checked when all are, mixed when some are. */
export function SelectAllCheckbox() {
  const { users, selected, setAll } = useSelection();
  const ref = useRef<HTMLInputElement>(null);
  const all = users.length > 0 && selected.length === users.length;
  const some = selected.length > 0 && !all;
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = some;
  }, [some]);
  if (users.length === 0) return null;
  return <Box ref={ref} data-select-all="" aria-label="Select all users on this page" checked={all} onChange={(e) => setAll(e.target.checked)} />;
}

/** A row's checkbox; on a phone, where the row is a card, it sits in the card's top right corner. */
export function RowCheckbox({ user }: { user: { id: string; username: string } }) {
  const { isSelected, toggle } = useSelection();
  return <Box aria-label={`Select ${user.username}`} data-row-select="" checked={isSelected(user.id)} onChange={(e) => toggle(user.id, e.target.checked)} />;
}

/**
 * Above the table: on a phone (no header row) the "select all" checkbox; once rows are selected,
 * "3 selected · Grant or revoke permissions… · Clear". A polite live region says the count.
 */
function BulkBar({ options }: { options: GrantOptions }) {
  const { users, selected, clear } = useSelection();
  const [open, setOpen] = useState(false);
  const count = selected.length;
  const focusSelectAll = () => requestAnimationFrame(() => visibleSelectAll()?.focus());
  return (
    <>
      <p className="sr-only" aria-live="polite">
        {count > 0 ? `${plural(count, "user")} selected` : ""}
      </p>
      {users.length > 0 && (
        <div
          role="group"
          aria-label="Selection"
          data-testid="bulk-bar"
          className={cn(
            "flex flex-wrap items-center gap-x-2 gap-y-1 rounded-lg border border-line bg-surface px-2 py-1 text-sm md:px-4",
            count === 0 && "md:hidden",
            // Once rows are selected the bar stays in view while the list scrolls (a phone's cards are long).
            count > 0 && "sticky top-0 z-10 border-primary shadow-sm",
          )}
        >
          <label className="flex items-center gap-1 text-fg md:hidden">
            <SelectAllCheckbox />
            <span>Select all users on this page</span>
          </label>
          {count > 0 && (
            <>
              <span aria-hidden="true" className="text-muted md:hidden">
                ·
              </span>
              <span className="font-medium text-fg" data-testid="selected-count">
                {count} selected
              </span>
              <span aria-hidden="true" className="text-muted">
                ·
              </span>
              <Button size="sm" variant="link" onClick={() => setOpen(true)}>
                Grant or revoke permissions…
              </Button>
              <span aria-hidden="true" className="text-muted">
                ·
              </span>
              <Button
                size="sm"
                variant="quiet"
                aria-label="Clear the selection"
                onClick={() => {
                  clear();
                  focusSelectAll();
                }}
              >
                Clear
              </Button>
            </>
          )}
        </div>
      )}
      {open && count > 0 && (
        <BulkPermissionsDialog
          users={selected}
          options={options}
          onClose={() => setOpen(false)}
          onDone={() => {
            setOpen(false);
            clear();
          }}
          focusAfterDone={visibleSelectAll}
        />
      )}
    </>
  );
}
