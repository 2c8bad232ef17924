"use client";
import { useCallback, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { testEndpointAction } from "../actions";
import { DeleteEndpointDialog } from "./delete-endpoint-dialog";
import { EditEndpointDialog } from "./endpoint-dialogs";
import type { EndpointWithGrants } from "./endpoints-table";

type TestResult = { ok: boolean; text: string };

export function EndpointRowActions({ endpoint }: { endpoint: EndpointWithGrants }) {
  const [open, setOpen] = useState<"edit" | "delete">();
  const [testing, start] = useTransition();
  const [result, setResult] = useState<TestResult>();
  const close = useCallback(() => setOpen(undefined), []);

  const test = () =>
    start(async () => {
      setResult(undefined);
      const state = await testEndpointAction(undefined, { id: endpoint.id });
      const r = state.data;
      if (!state.ok || !r) setResult({ ok: false, text: state.message ?? "The test could not be run." });
      else setResult(r.ok ? { ok: true, text: `Connected: ${r.models} model${r.models === 1 ? "" : "s"} listed` } : { ok: false, text: r.message });
    });

  return (
    <div className="flex w-full flex-col gap-1 md:items-end">
      <div className="flex flex-wrap items-center gap-1">
        <Button size="sm" variant="link" onClick={() => setOpen("edit")} aria-label={`Edit ${endpoint.name}`}>
          Edit
        </Button>
        <Button size="sm" variant="quiet" onClick={test} pending={testing} aria-label={`Test ${endpoint.name}`}>
          {testing ? "Testing…" : "Test"}
        </Button>
        <Button size="sm" variant="quiet-danger" onClick={() => setOpen("delete")} aria-label={`Delete ${endpoint.name}`}>
          Delete
        </Button>
      </div>
      {result && (
        <p role={result.ok ? "status" : "alert"} data-testid="test-result" className={`max-w-xs text-xs md:text-right ${result.ok ? "text-success" : "text-danger"}`}>
          {result.ok ? "✓ " : "✗ "}
          {result.text}
        </p>
      )}
      {open === "edit" && <EditEndpointDialog endpoint={endpoint} onClose={close} />}
      {open === "delete" && <DeleteEndpointDialog endpoint={endpoint} onClose={close} />}
    </div>
  );
}
