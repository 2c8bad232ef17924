"use client";
import { useRef, useState, useTransition } from "react";
import { toast } from "sonner";
import type { ActionState } from "@/lib/auth/action";
import { Button } from "./button";
import { Dialog, DialogFooter } from "./dialog";
import { MAIN_HEADING_ID } from "./focus";
import { FormMessage } from "./field";

/**
 * The confirmation before a destructive action: it says what will happen, opens with focus on Cancel
 * (the safe choice), runs `confirm` and, after a success, closes and confirms with a toast; a refusal
 * stays in the dialog as its message.
 */
export function ConfirmDialog({
  open,
  onOpenChange,
  title,
  confirmLabel,
  pendingLabel,
  done,
  confirm,
  onDone,
  removesOpener,
  focusAfterDone,
  children,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  confirmLabel: string;
  pendingLabel: string;
  /** The toast after a success. */
  done: string;
  confirm: () => Promise<ActionState<unknown>>;
  onDone?: () => void;
  /** The action removes what opened the dialog (its row): focus then goes to the page's heading. */
  removesOpener?: boolean;
  /** Where focus goes after a success, when not back to the opener (e.g. a heading inside an outer dialog). */
  focusAfterDone?: () => HTMLElement | null | undefined;
  children: React.ReactNode;
}) {
  const [pending, start] = useTransition();
  const [refused, setRefused] = useState<{ ok: boolean; message?: string }>();
  const succeeded = useRef(false);

  const run = () =>
    start(async () => {
      const result = await confirm();
      if (!result.ok) return setRefused(result);
      setRefused(undefined);
      succeeded.current = true;
      onOpenChange(false);
      toast.success(done);
      onDone?.();
    });

  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={title}
      focusAfterClose={() => {
        // Read once: a dialog opened again and cancelled gives focus back to its opener.
        const after = succeeded.current;
        succeeded.current = false;
        if (!after) return undefined;
        return focusAfterDone?.() ?? (removesOpener ? document.getElementById(MAIN_HEADING_ID) : undefined);
      }}
    >
      <div className="flex flex-col gap-4 text-sm">
        {children}
        <FormMessage state={refused} />
      </div>
      <DialogFooter>
        <Button variant="secondary" onClick={() => onOpenChange(false)} data-autofocus>
          Cancel
        </Button>
        <Button variant="danger" onClick={run} pending={pending}>
          {pending ? pendingLabel : confirmLabel}
        </Button>
      </DialogFooter>
    </Dialog>
  );
}
