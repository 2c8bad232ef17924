"use client";
import Link from "next/link";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button, buttonClass } from "@/components/ui/button";
import type { Role } from "@/db/enums";
import { refusalFor } from "@/lib/impersonation/rules";
import { setActiveAction } from "../actions";
import { DeleteUserDialog } from "./delete-user-dialog";

/**
 * A row's actions, quiet so that a page of them does not shout: Edit, Impersonate, Suspend/Activate,
 * Delete. Impersonate is a form POST (never a link a page could make the browser follow) and is shown
 * only where it may be used: an active user who is not an admin and not oneself; the route refuses the
 * rest too (lib/impersonation).
 */
export function UserRowActions({
  user,
  editHref,
  isSelf,
  keyCount,
  owned,
}: {
  user: { id: string; username: string; active: boolean; role: Role };
  editHref: string;
  isSelf: boolean;
  keyCount: number;
  owned?: { templates: number; profiles: number };
}) {
  const [pending, start] = useTransition();
  // The start route's own rule (lib/impersonation/rules); the admin is this row's user exactly when isSelf.
  const mayImpersonate = refusalFor({ id: isSelf ? user.id : "" }, user) === null;
  const [error, setError] = useState<string>();
  const [deleting, setDeleting] = useState(false);

  const toggle = () =>
    start(async () => {
      const state = await setActiveAction(undefined, { id: user.id, active: !user.active });
      setError(state.ok ? undefined : state.message);
      if (state.ok) toast.success(user.active ? `${user.username} suspended; their sessions have ended.` : `${user.username} activated.`);
    });

  return (
    <div className="flex w-full flex-wrap items-center gap-1 md:justify-end">
      <Link href={editHref} className={buttonClass("link", "sm")} aria-label={`Edit ${user.username}`}>
        Edit
      </Link>
      {mayImpersonate && (
        <form method="post" action={`/admin/users/${user.id}/impersonate`} className="contents">
          <button type="submit" className={buttonClass("quiet", "sm")} aria-label={`Impersonate ${user.username}`} title={`Open the portal as ${user.username}`}>
            <svg aria-hidden="true" viewBox="0 0 20 20" className="size-3.5" fill="none" stroke="currentColor" strokeWidth="1.6">
              <path d="M1.5 10s3-6 8.5-6 8.5 6 8.5 6-3 6-8.5 6-8.5-6-8.5-6Z" />
              <circle cx="10" cy="10" r="2.5" />
            </svg>
            Impersonate
          </button>
        </form>
      )}
      <Button
        size="sm"
        variant="quiet"
        pending={pending}
        disabled={isSelf}
        title={isSelf ? "You cannot suspend your own account" : undefined}
        onClick={toggle}
        aria-label={`${user.active ? "Suspend" : "Activate"} ${user.username}`}
      >
        {pending ? "…" : user.active ? "Suspend" : "Activate"}
      </Button>
      <Button
        size="sm"
        variant="quiet-danger"
        disabled={isSelf}
        title={isSelf ? "You cannot delete your own account" : undefined}
        onClick={() => setDeleting(true)}
        aria-label={`Delete ${user.username}`}
      >
        Delete
      </Button>
      {error && (
        <span role="alert" className="ml-2 text-xs text-danger">
          {error}
        </span>
      )}
      <DeleteUserDialog user={user} keyCount={keyCount} owned={owned} open={deleting} onOpenChange={setDeleting} />
    </div>
  );
}
