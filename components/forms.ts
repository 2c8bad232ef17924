"use client";
import { startTransition } from "react";
import type { ActionState } from "@/lib/auth/action";

/**
 * An action as a component takes it in its props: a server action made by adminAction or userAction,
 * or a client function that calls one with some fields added. A component typed by this instead of
 * importing its actions serves the admin pages and the portal alike, each handing it actions scoped to
 * who may act (only the type comes from lib/auth/action; that module stays on the server).
 */
export type FormAction<T = undefined> = (prev: unknown, payload: unknown) => Promise<ActionState<T>>;

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
