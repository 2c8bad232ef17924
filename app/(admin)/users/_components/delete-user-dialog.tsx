"use client";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormMessage } from "@/components/ui/field";
import { deleteUserAction } from "../actions";

export function DeleteUserDialog({
  user,
  keyCount,
  open,
  onOpenChange,
  onDeleted,
}: {
  user: { id: string; username: string };
  keyCount: number;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onDeleted?: () => void;
}) {
  const [pending, start] = useTransition();
  const [state, setState] = useState<{ ok: boolean; message?: string }>();

  const confirm = () =>
    start(async () => {
      const result = await deleteUserAction(undefined, { id: user.id });
      setState(result);
      if (result.ok) {
        onOpenChange(false);
        onDeleted?.();
      }
    });

  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={`Delete ${user.username}?`}>
      <div className="flex flex-col gap-4 text-sm">
        <p>
          This removes the user <strong>{user.username}</strong>
          {keyCount > 0 ? (
            <>
              {" "}
              and their <strong>{keyCount}</strong> API key{keyCount === 1 ? "" : "s"}
            </>
          ) : null}{" "}
          and every permission granted to them. Their usage records stay for billing. This cannot be undone.
        </p>
        <FormMessage state={state} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => onOpenChange(false)}>
            Cancel
          </Button>
          <Button variant="danger" onClick={confirm} disabled={pending}>
            {pending ? "Deleting…" : "Delete user"}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
