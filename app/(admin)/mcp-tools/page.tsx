import { adminPage } from "@/lib/auth/dal";
import { listCatalog } from "@/lib/catalog";
import { CatalogPage } from "../catalog/_components/catalog-page";

export default async function McpToolsPage() {
  await adminPage("/mcp-tools");
  return <CatalogPage kind="mcp_tool" rows={await listCatalog("mcp_tool")} />;
}
