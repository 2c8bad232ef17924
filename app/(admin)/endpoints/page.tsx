import { PageHeading } from "@/components/ui/page-heading";
import { adminPage } from "@/lib/auth/dal";
import { listEndpoints } from "@/lib/endpoints";
import { plural } from "@/lib/format";
import { CreateEndpointDialog } from "./_components/endpoint-dialogs";
import { EndpointsTable } from "./_components/endpoints-table";

export default async function EndpointsPage() {
  await adminPage("/endpoints");
  const rows = await listEndpoints();
  return (
    <div className="flex flex-col gap-4">
      <PageHeading title="Model endpoints" actions={<CreateEndpointDialog />}>
        {plural(rows.length, "endpoint")} · the upstream LLM servers the gateway forwards to
      </PageHeading>
      <EndpointsTable rows={rows} />
    </div>
  );
}
