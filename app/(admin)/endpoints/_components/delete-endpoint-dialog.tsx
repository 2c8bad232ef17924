"use client";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { deleteEndpointAction } from "../actions";

export function DeleteEndpointDialog({ endpoint, onClose }: { endpoint: { id: string; name: string }; onClose: () => void }) {
  return (
    <ConfirmDialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={`Delete ${endpoint.name}?`}
      confirmLabel="Delete endpoint"
      pendingLabel="Deleting…"
      removesOpener
      done={`Endpoint ${endpoint.name} deleted.`}
      confirm={() => deleteEndpointAction(undefined, { id: endpoint.id })}
    >
      <p>
        The gateway stops forwarding to <strong>{endpoint.name}</strong> at once, and its stored API key is deleted with it. Usage records
        of past calls stay. This cannot be undone.
      </p>
    </ConfirmDialog>
  );
}
