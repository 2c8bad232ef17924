import { PageHeading } from "@/components/ui/page-heading";
import { adminPage } from "@/lib/auth/dal";
import { listEndpoints } from "@/lib/endpoints";
import { plural } from "@/lib/format";
import { endpointGrantCounts } from "@/lib/permissions";
import { aimedAtCounts } from "@/lib/templates/pages";
import { CreateEndpointDialog } from "./_components/endpoint-dialogs";
import { EndpointsTable } from "./_components/endpoints-table";

export default async function EndpointsPage() {
  await adminPage("/endpoints");
  const [endpoints, grants, aimed] = await Promise.all([listEndpoints(), endpointGrantCounts(), aimedAtCounts()]);
  // Each row with how many permission grants name it and how many templates and profiles aim at it (its dialogs say so).
  const rows = endpoints.map((e) => ({ ...e, grants: grants.get(e.name) ?? 0, aimed: aimed.get(e.name) ?? 0 }));
  return (
    <div className="flex flex-col gap-4">
      <PageHeading title="Model endpoints" actions={<CreateEndpointDialog />}>
        {plural(rows.length, "endpoint")} · the upstream LLM servers the gateway forwards to
      </PageHeading>
      <EndpointsTable rows={rows} />
    </div>
  );
}
