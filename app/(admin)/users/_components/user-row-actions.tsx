"use client";
import Link from "next/link";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { setActiveAction } from "../actions";
import { DeleteUserDialog } from "./delete-user-dialog";

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
    });

  return (
    <div className="flex items-center justify-end gap-1">
      <Link href={editHref} className="rounded-md px-2 py-1 text-xs font-medium text-blue-700 hover:bg-blue-50" aria-label={`Edit ${user.username}`}>
        Edit
      </Link>
      {/* Impersonate arrives with its issue; until then there is no dead button. */}
      <Button
        size="sm"
        variant={user.active ? "warning" : "secondary"}
        disabled={pending || isSelf}
        title={isSelf ? "You cannot suspend your own account" : undefined}
        onClick={toggle}
        aria-label={`${user.active ? "Suspend" : "Activate"} ${user.username}`}
      >
        {user.active ? "Suspend" : "Activate"}
      </Button>
      <Button
        size="sm"
        variant="danger"
        disabled={isSelf}
        title={isSelf ? "You cannot delete your own account" : undefined}
        onClick={() => setDeleting(true)}
        aria-label={`Delete ${user.username}`}
      >
        Delete
      </Button>
      {error && (
        <span role="alert" className="ml-2 text-xs text-red-600">
          {error}
        </span>
      )}
      <DeleteUserDialog user={user} keyCount={keyCount} open={deleting} onOpenChange={setDeleting} />
    </div>
  );
}
