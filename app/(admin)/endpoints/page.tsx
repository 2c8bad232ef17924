import { adminPage } from "@/lib/auth/dal";
import { listEndpoints } from "@/lib/endpoints";
import { CreateEndpointDialog } from "./_components/endpoint-dialogs";
import { EndpointsTable } from "./_components/endpoints-table";

export default async function EndpointsPage() {
  await adminPage("/endpoints");
  const rows = await listEndpoints();
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Model endpoints</h1>
          <p className="text-sm text-slate-500">
            {rows.length} endpoint{rows.length === 1 ? "" : "s"} · the upstream LLM servers the gateway forwards to
          </p>
        </div>
        <CreateEndpointDialog />
      </div>
      <EndpointsTable rows={rows} />
    </div>
  );
}
