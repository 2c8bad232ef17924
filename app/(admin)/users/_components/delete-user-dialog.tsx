"use client";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { plural } from "@/lib/format";
import { deleteUserAction } from "../actions";

export function DeleteUserDialog({
  user,
  keyCount,
  owned,
  open,
  onOpenChange,
  onDeleted,
}: {
  user: { id: string; username: string };
  keyCount: number;
  /** The templates and CC profiles they own, deleted with them. */
  owned?: { templates: number; profiles: number };
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
      {owned && owned.templates + owned.profiles > 0 && (
        <p data-testid="owned-note">
          Deleted with them:{" "}
          <strong>
            {[owned.templates ? plural(owned.templates, "expert template") : null, owned.profiles ? plural(owned.profiles, "CC profile") : null].filter(Boolean).join(" and ")}
          </strong>{" "}
          they own, with the grants on them.
        </p>
      )}
    </ConfirmDialog>
  );
}
