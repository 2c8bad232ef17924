"use client";
import { useState } from "react";
import { toast } from "sonner";
import { Button } from "./button";
import { Dialog } from "./dialog";

/**
 * A "+ Create …" button with its dialog. The form inside is rendered by `children` and exists only
 * while the dialog is open, so every opening starts empty, without old values or errors; it calls
 * `done(message)` after a success, which closes the dialog and confirms with a toast.
 */
export function CreateDialog({
  buttonLabel,
  title,
  description,
  wide,
  children,
}: {
  buttonLabel: string;
  title: string;
  description?: string;
  wide?: boolean;
  children: (form: { done: (message: string) => void; close: () => void }) => React.ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const done = (message: string) => {
    setOpen(false);
    toast.success(message);
  };
  return (
    <>
      <Button onClick={() => setOpen(true)}>{buttonLabel}</Button>
      <Dialog open={open} onOpenChange={setOpen} title={title} description={description} wide={wide}>
        {children({ done, close: () => setOpen(false) })}
      </Dialog>
    </>
  );
}
