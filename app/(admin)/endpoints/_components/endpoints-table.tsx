import { Badge } from "@/components/ui/badge";
import { Cell, EmptyRow, Row, Table, TableBody, TableHead, Th } from "@/components/ui/table";
import type { EndpointRow } from "@/lib/endpoints";
import { EndpointRowActions } from "./endpoint-row-actions";

const eur = (n: number) => "€" + n.toLocaleString("en-US", { maximumFractionDigits: 6 });
const SHOWN_MODELS = 4;

/** An endpoint as the page shows it: with how many permission grants name it, and how many templates and CC profiles aim at it. */
export type EndpointWithGrants = EndpointRow & { grants: number; aimed: number };

export function EndpointsTable({ rows }: { rows: EndpointWithGrants[] }) {
  return (
    <Table data-testid="endpoints-table">
      <TableHead>
        {["Name", "Base URL", "Style", "Models", "Prices", "Key"].map((h) => (
          <Th key={h}>{h}</Th>
        ))}
        <Th className="text-right">Actions</Th>
      </TableHead>
      <TableBody>
        {rows.length === 0 && <EmptyRow colSpan={7}>No endpoints yet. Add the upstream servers the gateway forwards to.</EmptyRow>}
        {rows.map((e) => (
          <Row key={e.id} className="md:align-top" data-endpoint={e.name}>
            <Cell className="font-medium text-fg">{e.name}</Cell>
            <Cell label="Base URL" className="font-mono text-xs break-all text-fg">
              {e.baseUrl}
            </Cell>
            <Cell label="Style">
              <Badge tone={e.apiStyle === "openai" ? "emerald" : e.apiStyle === "anthropic" ? "orange" : "cyan"}>{e.apiStyle}</Badge>
            </Cell>
            <Cell label="Models" className="items-start text-xs text-fg" title={e.models.join("\n")}>
              <div>
                {e.models.slice(0, SHOWN_MODELS).map((m) => (
                  <div key={m} className="font-mono break-all">
                    {m}
                  </div>
                ))}
                {e.models.length > SHOWN_MODELS && <div className="text-muted">+{e.models.length - SHOWN_MODELS} more</div>}
              </div>
            </Cell>
            <Cell label="Prices" className="text-fg md:whitespace-nowrap" data-testid="prices">
              <span>
                {eur(e.eurPerMInput)} / {eur(e.eurPerMOutput)} <span className="text-xs text-muted">per 1M in/out</span>
              </span>
            </Cell>
            <Cell label="Key">{e.hasApiKey ? <Badge tone="green">yes</Badge> : <Badge>no</Badge>}</Cell>
            <Cell className="pt-2 md:pt-2">
              <EndpointRowActions endpoint={e} />
            </Cell>
          </Row>
        ))}
      </TableBody>
    </Table>
  );
}
