"use client";
import * as D from "@radix-ui/react-dialog";
import { useRef } from "react";
import { cn } from "@/lib/cn";
import { Button } from "./button";
import { MAIN_HEADING_ID } from "./focus";

// The first control a dialog focuses on opening: one marked data-autofocus (a confirmation's Cancel, an
// edit dialog's tabs), else its first form field.
const FIRST_FIELD = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])";


/**
 * Radix Dialog with the app's look: a full-height sheet on phones, a centred panel from `sm` up; the
 * title bar stays put and the body scrolls, so a `DialogFooter` inside it stays on screen. Focus moves
 * to the first field on opening and back to the opener on closing (to the page's heading when the
 * opener no longer exists).
 */
export function Dialog({
  open,
  onOpenChange,
  title,
  description,
  children,
  wide,
  focusAfterClose,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description?: string;
  children: React.ReactNode;
  wide?: boolean;
  /** Where focus goes on closing, when not back to the opener (e.g. its row was just deleted). */
  focusAfterClose?: () => HTMLElement | null | undefined;
}) {
  const opener = useRef<HTMLElement | null>(null);
  return (
    <D.Root open={open} onOpenChange={onOpenChange}>
      <D.Portal>
        <D.Overlay className="fixed inset-0 z-40 bg-slate-950/50" />
        <D.Content
          onOpenAutoFocus={(e) => {
            opener.current = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
            const content = e.currentTarget as HTMLElement;
            const first = content.querySelector<HTMLElement>("[data-autofocus]") ?? content.querySelector<HTMLElement>(FIRST_FIELD);
            if (first) {
              e.preventDefault();
              first.focus();
            }
          }}
          // A control that handles Escape itself (an open dropdown, marked data-own-escape) closes
          // first; the next Escape closes the dialog.
          onEscapeKeyDown={(e) => {
            if (e.target instanceof Element && e.target.closest("[data-own-escape]")) e.preventDefault();
          }}
          onCloseAutoFocus={(e) => {
            e.preventDefault();
            const chosen = focusAfterClose?.();
            const back = chosen ?? (opener.current?.isConnected ? opener.current : document.getElementById(MAIN_HEADING_ID));
            back?.focus();
          }}
          className={cn(
            "fixed inset-0 z-50 flex flex-col bg-surface text-fg shadow-xl",
            "sm:inset-auto sm:left-1/2 sm:top-1/2 sm:max-h-[90vh] sm:w-[calc(100vw-2rem)] sm:-translate-x-1/2 sm:-translate-y-1/2 sm:rounded-lg",
            wide ? "sm:max-w-3xl" : "sm:max-w-lg",
          )}
        >
          <div className="flex items-start justify-between gap-4 border-b border-line px-4 py-3 sm:px-6">
            <div className="min-w-0">
              <D.Title className="text-lg font-semibold break-words">{title}</D.Title>
              {description ? (
                <D.Description className="text-sm text-muted">{description}</D.Description>
              ) : (
                <D.Description className="sr-only">{title}</D.Description>
              )}
            </div>
            <D.Close className="rounded p-1 text-muted hover:bg-surface-2" aria-label="Close">
              <span aria-hidden="true">✕</span>
            </D.Close>
          </div>
          <div className="flex-1 overflow-y-auto px-4 pt-4 sm:px-6">{children}</div>
        </D.Content>
      </D.Portal>
    </D.Root>
  );
}

/** A dialog's action row: it sticks to the bottom of the dialog, so the submit button is always on screen. */
export function DialogFooter({ children, className }: { children: React.ReactNode; className?: string }) {
  return (
    <div className={cn("sticky bottom-0 -mx-4 mt-4 flex flex-wrap items-center justify-end gap-2 border-t border-line bg-surface px-4 py-3 sm:-mx-6 sm:px-6", className)}>
      {children}
    </div>
  );
}

/** A form dialog's footer: Cancel, and the submit button saying "Saving…" while the action runs. */
export function DialogActions({ onCancel, pending, label, className }: { onCancel: () => void; pending: boolean; label: string; className?: string }) {
  return (
    <DialogFooter className={className}>
      <Button variant="secondary" onClick={onCancel}>
        Cancel
      </Button>
      <Button type="submit" pending={pending}>
        {pending ? "Saving…" : label}
      </Button>
    </DialogFooter>
  );
}
