import { adminPage } from "@/lib/auth/dal";
import { listCatalog } from "@/lib/catalog";
import { CatalogPage } from "../catalog/_components/catalog-page";

export default async function SkillsPage() {
  await adminPage("/skills");
  return <CatalogPage kind="skill" rows={await listCatalog("skill")} />;
}
