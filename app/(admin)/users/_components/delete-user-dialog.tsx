"use client";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
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
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={onOpenChange}
      title={`Delete ${user.username}?`}
      confirmLabel="Delete user"
      pendingLabel="Deleting…"
      removesOpener
      done={`User ${user.username} deleted.`}
      confirm={() => deleteUserAction(undefined, { id: user.id })}
      onDone={onDeleted}
    >
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
    </ConfirmDialog>
  );
}
