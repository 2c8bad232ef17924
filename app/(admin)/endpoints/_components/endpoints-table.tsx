import { Badge } from "@/components/ui/badge";
import type { EndpointRow } from "@/lib/endpoints";
import { EndpointRowActions } from "./endpoint-row-actions";

const styleColours = { openai: "bg-emerald-100 text-emerald-800", anthropic: "bg-orange-100 text-orange-800" };
const eur = (n: number) => "€" + n.toLocaleString("en-US", { maximumFractionDigits: 6 });
const SHOWN_MODELS = 4;

export function EndpointsTable({ rows }: { rows: EndpointRow[] }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full text-sm" data-testid="endpoints-table">
        <thead className="bg-slate-50 text-left text-slate-600">
          <tr>
            {["Name", "Base URL", "Style", "Models", "Prices", "Key"].map((h) => (
              <th key={h} className="px-4 py-2 font-medium">
                {h}
              </th>
            ))}
            <th className="px-4 py-2 text-right font-medium">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={7} className="px-4 py-8 text-center text-slate-500">
                No endpoints yet. Add the upstream servers the gateway forwards to.
              </td>
            </tr>
          )}
          {rows.map((e) => (
            <tr key={e.id} className="border-t border-slate-100 align-top" data-endpoint={e.name}>
              <td className="px-4 py-2 font-medium text-slate-900">{e.name}</td>
              <td className="px-4 py-2 font-mono text-xs text-slate-700 break-all">{e.baseUrl}</td>
              <td className="px-4 py-2">
                <Badge className={styleColours[e.apiStyle]}>{e.apiStyle}</Badge>
              </td>
              <td className="px-4 py-2 text-xs text-slate-700" title={e.models.join("\n")}>
                {e.models.slice(0, SHOWN_MODELS).map((m) => (
                  <div key={m} className="font-mono">
                    {m}
                  </div>
                ))}
                {e.models.length > SHOWN_MODELS && <div className="text-slate-500">+{e.models.length - SHOWN_MODELS} more</div>}
              </td>
              <td className="px-4 py-2 whitespace-nowrap text-slate-700" data-testid="prices">
                {eur(e.eurPerMInput)} / {eur(e.eurPerMOutput)} <span className="text-xs text-slate-500">per 1M in/out</span>
              </td>
              <td className="px-4 py-2">{e.hasApiKey ? <Badge className="bg-green-100 text-green-800">yes</Badge> : <Badge className="bg-slate-100 text-slate-600">no</Badge>}</td>
              <td className="px-4 py-2">
                <EndpointRowActions endpoint={e} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
