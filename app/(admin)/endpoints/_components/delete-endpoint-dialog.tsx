"use client";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormMessage } from "@/components/ui/field";
import { deleteEndpointAction } from "../actions";

export function DeleteEndpointDialog({ endpoint, onClose }: { endpoint: { id: string; name: string }; onClose: () => void }) {
  const [pending, start] = useTransition();
  const [state, setState] = useState<{ ok: boolean; message?: string }>();

  const confirm = () =>
    start(async () => {
      const result = await deleteEndpointAction(undefined, { id: endpoint.id });
      setState(result);
      if (result.ok) onClose();
    });

  return (
    <Dialog open onOpenChange={(open) => !open && onClose()} title={`Delete ${endpoint.name}?`}>
      <div className="flex flex-col gap-4 text-sm">
        <p>
          The gateway stops forwarding to <strong>{endpoint.name}</strong> at once, and its stored API key is deleted with it. Usage
          records of past calls stay. This cannot be undone.
        </p>
        <FormMessage state={state} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="danger" onClick={confirm} disabled={pending}>
            {pending ? "Deleting…" : "Delete endpoint"}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
