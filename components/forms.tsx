"use client";
import { startTransition, useEffect, useRef } from "react";
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
export function submitObject(action: (payload: Record<string, unknown>) => void, collect?: (form: HTMLFormElement) => Record<string, unknown>) {
  return (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const payload = collect ? collect(e.currentTarget) : Object.fromEntries(new FormData(e.currentTarget));
    startTransition(() => action(payload));
  };
}

/**
 * A form posting to a useActionState action: after a refusal, focus moves to the first field the
 * server marked invalid; after a success, `onSuccess` runs once (a toast, closing a dialog) and the
 * form empties when `resetOnSuccess` is set. `collect` builds the payload instead of the form's
 * fields, for what one field per name cannot say (lists: several chosen ids, the selected users).
 * `fallback`: where the form posts when JavaScript is off (a route handler doing the same work), for
 * the public pages that should work without it. Without one, a form sent before the page has hydrated
 * (or with JavaScript off) is posted to the page itself, which changes nothing; it is always a POST so
 * that its fields (passwords among them) never land in the address bar, the history or a server log.
 */
export function ActionForm<T>({
  action,
  state,
  onSuccess,
  resetOnSuccess,
  collect,
  fallback,
  className,
  children,
}: {
  action: (payload: Record<string, unknown>) => void;
  state: ActionState<T> | undefined;
  onSuccess?: (state: ActionState<T>) => void;
  resetOnSuccess?: boolean;
  collect?: (form: HTMLFormElement) => Record<string, unknown>;
  fallback?: string;
  className?: string;
  children: React.ReactNode;
}) {
  const form = useRef<HTMLFormElement>(null);
  const succeeded = useRef(onSuccess);
  useEffect(() => {
    succeeded.current = onSuccess;
  });
  useEffect(() => {
    if (!state) return;
    if (!state.ok) {
      form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    if (resetOnSuccess) form.current?.reset();
    succeeded.current?.(state);
  }, [state, resetOnSuccess]);
  return (
    <form ref={form} onSubmit={submitObject(action, collect)} method="post" action={fallback} className={className} noValidate>
      {children}
    </form>
  );
}
