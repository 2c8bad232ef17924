"use client";
import { useState } from "react";
import { Button } from "./button";
import { Dialog } from "./dialog";

/**
 * A "+ Create …" button with its dialog and, after a success, a notice beside the button. The dialog
 * closes when `state` (the form action's state) turns ok; `noticeOf` words the notice from its data.
 */
export function CreateDialog<T>({
  buttonLabel,
  title,
  description,
  wide,
  state,
  noticeOf,
  children,
}: {
  buttonLabel: string;
  title: string;
  description?: string;
  wide?: boolean;
  state: { ok: boolean; data?: T } | undefined;
  noticeOf: (data: T) => string;
  children: (close: () => void) => React.ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const [notice, setNotice] = useState<string>();
  // Only a new successful state closes the dialog: compared with the last one seen, during render
  // (React's "adjusting state when a prop changes"), rather than in an effect.
  const [seen, setSeen] = useState(state);
  if (state !== seen) {
    setSeen(state);
    if (state?.ok && state.data !== undefined) {
      setOpen(false);
      setNotice(noticeOf(state.data));
    }
  }

  return (
    <div className="flex items-center gap-3">
      {notice && (
        <span role="status" className="text-sm text-green-700">
          {notice}
        </span>
      )}
      <Button onClick={() => setOpen(true)}>{buttonLabel}</Button>
      <Dialog open={open} onOpenChange={setOpen} title={title} description={description} wide={wide}>
        {children(() => setOpen(false))}
      </Dialog>
    </div>
  );
}
