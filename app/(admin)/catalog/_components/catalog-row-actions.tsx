"use client";
import { useCallback, useState } from "react";
import { Button } from "@/components/ui/button";
import type { CatalogRow } from "@/lib/catalog";
import type { CatalogKind } from "@/lib/catalog/kinds";
import { DeleteCatalogDialog, EditCatalogDialog } from "./catalog-dialogs";

/** A row's Edit and Delete, each opening its dialog (mounted only while open). */
export function CatalogRowActions({ kind, entry }: { kind: CatalogKind; entry: CatalogRow }) {
  const [open, setOpen] = useState<"edit" | "delete">();
  const close = useCallback(() => setOpen(undefined), []);
  return (
    <div className="flex w-full flex-wrap items-center gap-1 md:justify-end">
      <Button size="sm" variant="link" onClick={() => setOpen("edit")} aria-label={`Edit ${entry.name}`}>
        Edit
      </Button>
      <Button size="sm" variant="quiet-danger" onClick={() => setOpen("delete")} aria-label={`Delete ${entry.name}`}>
        Delete
      </Button>
      {open === "edit" && <EditCatalogDialog kind={kind} entry={entry} onClose={close} />}
      {open === "delete" && <DeleteCatalogDialog kind={kind} entry={entry} onClose={close} />}
    </div>
  );
}
