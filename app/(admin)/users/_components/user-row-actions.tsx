"use client";
import Link from "next/link";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button, buttonClass } from "@/components/ui/button";
import { setActiveAction } from "../actions";
import { DeleteUserDialog } from "./delete-user-dialog";

/** A row's actions, quiet so that a page of them does not shout: Edit, Suspend/Activate, Delete. */
export function UserRowActions({
  user,
  editHref,
  isSelf,
  keyCount,
}: {
  user: { id: string; username: string; active: boolean };
  editHref: string;
  isSelf: boolean;
  keyCount: number;
}) {
  const [pending, start] = useTransition();
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
      {/* Impersonate arrives with its issue; until then there is no dead button. */}
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
      <DeleteUserDialog user={user} keyCount={keyCount} open={deleting} onOpenChange={setDeleting} />
    </div>
  );
}
