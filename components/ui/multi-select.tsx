"use client";
import { useId } from "react";
import { cn } from "@/lib/cn";
import { Badge } from "./badge";
import { controlClass } from "./field";

export type MultiSelectOption = {
  id: string;
  label: string;
  /** Options with the same group are listed together under its name. */
  group?: string;
  /** A second line, e.g. the id the label stands for. */
  hint?: string;
  /** Shown but not choosable (e.g. granted already), with `note` saying why. */
  disabled?: boolean;
  note?: string;
};

/**
 * A multi-select as a disclosure: a button ("Choose skills…", with how many are chosen) that shows a
 * list of checkboxes below it, in the page's flow rather than floating, so that it never sticks out of
 * a phone's screen or a dialog's scroll box. Keyboard: Enter or Space on the button opens it, Tab moves
 * through the checkboxes, Space ticks one, Escape closes it and returns to the button (and does not
 * close the dialog around it).
 */
export function MultiSelect({
  noun,
  options,
  value,
  onChange,
  open,
  onOpenChange,
  buttonRef,
  invalid,
  describedBy,
}: {
  /** What the options are, plural: "model endpoints". */
  noun: string;
  options: MultiSelectOption[];
  value: string[];
  onChange: (ids: string[]) => void;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  buttonRef: React.RefObject<HTMLButtonElement | null>;
  invalid?: boolean;
  describedBy?: string;
}) {
  const panelId = useId();
  const toggle = (id: string, on: boolean) => onChange(on ? [...value, id] : value.filter((v) => v !== id));
  const groups: { name?: string; options: MultiSelectOption[] }[] = [];
  for (const o of options) {
    const last = groups.at(-1);
    if (last && last.name === o.group) last.options.push(o);
    else groups.push({ name: o.group, options: [o] });
  }
  const close = () => {
    onOpenChange(false);
    buttonRef.current?.focus();
  };

  const list = (items: MultiSelectOption[]) =>
    items.map((o) => (
      <label key={o.id} className={cn("flex items-start gap-2 rounded px-2 py-1.5 text-sm", o.disabled ? "cursor-not-allowed" : "cursor-pointer hover:bg-surface-2")}>
        <input
          type="checkbox"
          className="mt-0.5 shrink-0"
          checked={o.disabled ? false : value.includes(o.id)}
          disabled={o.disabled}
          onChange={(e) => toggle(o.id, e.target.checked)}
        />
        <span className="min-w-0 flex-1 break-words">
          {o.label}
          {o.hint && <span className="block break-all font-mono text-xs text-muted">{o.hint}</span>}
        </span>
        {o.note && <Badge className="shrink-0">{o.note}</Badge>}
      </label>
    ));

  return (
    <div
      className="flex min-w-0 flex-col gap-1"
      data-own-escape={open ? "" : undefined}
      onKeyDown={(e) => {
        if (e.key !== "Escape" || !open) return;
        e.stopPropagation();
        close();
      }}
    >
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-describedby={describedBy}
        onClick={() => onOpenChange(!open)}
        className={controlClass(Boolean(invalid), "flex items-center justify-between gap-2 text-left")}
      >
        <span className="min-w-0 truncate">Choose {noun}…</span>
        <span className="flex shrink-0 items-center gap-2">
          {value.length > 0 && <Badge tone="blue">{value.length} chosen</Badge>}
          <span aria-hidden="true" className="text-muted">
            {open ? "▴" : "▾"}
          </span>
        </span>
      </button>
      <div id={panelId} hidden={!open} role="group" aria-label={`Choose ${noun}`} className="max-h-72 overflow-y-auto rounded-md border border-line bg-surface p-1">
        {groups.map((g, i) =>
          g.name === undefined ? (
            <div key={`-${i}`}>{list(g.options)}</div>
          ) : (
            <div key={`${g.name}-${i}`} className="mt-1 border-t border-line pt-1 first:mt-0 first:border-t-0 first:pt-0">
              <fieldset>
                <legend className="px-2 pt-1 text-xs font-medium text-muted">{g.name}</legend>
                {list(g.options)}
              </fieldset>
            </div>
          ),
        )}
      </div>
    </div>
  );
}
