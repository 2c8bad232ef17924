import { Badge } from "@/components/ui/badge";
import type { Mode } from "@/lib/permissions/rules";
import { MODE_LABELS } from "./mode-labels";

export type AssignedItem = { id: string; name: string; description: string; active: boolean; target: string | null; mode: Mode | null; broken: string | null };

/** The templates a user may call and does not own, read-only: what to put in `model`, and where it goes. */
export function AssignedTemplates({ items }: { items: AssignedItem[] }) {
  if (!items.length)
    return (
      <p className="rounded-lg border border-line bg-surface px-4 py-8 text-center text-muted" data-testid="assigned-empty">
        No templates are assigned to you yet. Ask an administrator for access.
      </p>
    );
  return (
    <ul className="grid grid-cols-1 gap-3 lg:grid-cols-2" data-testid="assigned-templates">
      {items.map((t) => (
        <li key={t.id} className="flex min-w-0 flex-col gap-2 rounded-lg border border-line bg-surface p-4" data-assigned={t.name}>
          <div className="flex flex-wrap items-center gap-2">
            <h3 className="font-mono font-medium break-all">{t.name}</h3>
            {!t.active && <Badge>Inactive</Badge>}
            {t.broken && <Badge tone="rose">Broken: {t.broken}</Badge>}
          </div>
          {t.description && <p className="text-sm break-words text-fg">{t.description}</p>}
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
            <dt className="text-muted">Target model</dt>
            <dd className="min-w-0 font-mono text-xs break-all text-fg">{t.target ?? "—"}</dd>
            <dt className="text-muted">Mode</dt>
            <dd className="text-fg">{t.mode ? MODE_LABELS[t.mode] : "—"}</dd>
          </dl>
          <p className="text-xs text-muted">
            Call it as <code className="rounded bg-surface-2 px-1 py-0.5 font-mono text-fg break-all">&quot;model&quot;: &quot;{t.name}&quot;</code>
          </p>
        </li>
      ))}
    </ul>
  );
}
