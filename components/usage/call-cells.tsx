import { Cell } from "@/components/ui/table";
import { formatAtOffset } from "@/lib/timezone";
import type { CallRow } from "@/lib/usage/history";

// The cells one call's row shares between the admin's Usage tab and the portal's /user/usage: when,
// with which key, how many tokens (input / output / cached, "est." when Tollgate counted them), what it
// cost, how long it took. Each table adds its own columns around them.

const eur = new Intl.NumberFormat("en-IE", { style: "currency", currency: "EUR", minimumFractionDigits: 2, maximumFractionDigits: 4 });
const num = new Intl.NumberFormat("en-US");

export function TimeCell({ call, offset }: { call: Pick<CallRow, "createdAt">; offset: number }) {
  return (
    <Cell label="Time" className="whitespace-nowrap">
      <time dateTime={call.createdAt}>{formatAtOffset(call.createdAt, offset)}</time>
    </Cell>
  );
}

export function KeyCell({ call }: { call: Pick<CallRow, "keyPrefix" | "keyLabel"> }) {
  return (
    <Cell label="Key" className="min-w-0">
      {call.keyPrefix === null ? (
        <span className="text-muted">deleted key</span>
      ) : (
        <span className="min-w-0 break-all">
          <code className="text-xs md:whitespace-nowrap">{call.keyPrefix}</code>
          {call.keyLabel && <span className="block text-xs text-muted">{call.keyLabel}</span>}
        </span>
      )}
    </Cell>
  );
}

export function TokensCell({ call }: { call: Pick<CallRow, "inputTokens" | "outputTokens" | "cacheReadTokens" | "cacheWriteTokens" | "estimated"> }) {
  return (
    <Cell label="Tokens" className="whitespace-nowrap md:text-right">
      {num.format(call.inputTokens)} / {num.format(call.outputTokens)} / {num.format(call.cacheReadTokens + call.cacheWriteTokens)}
      {call.estimated && (
        <abbr title="Estimated: the upstream sent no usage report; counted by Tollgate's tokenizer" className="ml-1 text-xs text-muted">
          est.
        </abbr>
      )}
    </Cell>
  );
}

export function CostCell({ call }: { call: Pick<CallRow, "costEur"> }) {
  return (
    <Cell label="EUR" className="md:text-right">
      {eur.format(call.costEur)}
    </Cell>
  );
}

export function LatencyCell({ call }: { call: Pick<CallRow, "latencyMs"> }) {
  return (
    <Cell label="Latency" className="whitespace-nowrap md:text-right">
      {call.latencyMs === null ? "—" : `${num.format(call.latencyMs)} ms`}
    </Cell>
  );
}
