"use client";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { plural } from "@/lib/format";
import { deleteEndpointAction } from "../actions";

export function DeleteEndpointDialog({ endpoint, onClose }: { endpoint: { id: string; name: string; grants: number; aimed: number }; onClose: () => void }) {
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
      <p data-testid="grants-note">
        {endpoint.grants > 0 ? (
          <>
            <strong>{plural(endpoint.grants, "permission grant")}</strong> on this endpoint {endpoint.grants === 1 ? "is" : "are"} removed too (each user&apos;s in the
            audit log).
          </>
        ) : (
          <>No user holds a permission grant on this endpoint.</>
        )}
      </p>
      {endpoint.aimed > 0 && (
        <p data-testid="aimed-note">
          <strong>{plural(endpoint.aimed, "template or CC profile", "templates and CC profiles")}</strong> aimed at it will be broken: calls to{" "}
          {endpoint.aimed === 1 ? "it are" : "them are"} refused until {endpoint.aimed === 1 ? "it is" : "they are"} pointed at another model.
        </p>
      )}
    </ConfirmDialog>
  );
}
