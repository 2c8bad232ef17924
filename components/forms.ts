"use client";
import { startTransition } from "react";

/**
 * Submits a form's fields as a plain object to a useActionState action (checkboxes: "on" or absent).
 * Actions take objects rather than FormData so that the same zod schema reads a browser's post and a
 * hand-made one alike.
 */
export function submitObject(action: (payload: Record<string, FormDataEntryValue>) => void) {
  return (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const payload = Object.fromEntries(new FormData(e.currentTarget));
    startTransition(() => action(payload));
  };
}
