import { PageHeading } from "@/components/ui/page-heading";
import { RecordsTable, RecordsToolbar } from "@/components/templates/records-manager";
import { adminPage } from "@/lib/auth/dal";
import { plural } from "@/lib/format";
import { listTemplates } from "@/lib/templates";
import { targetChoices } from "@/lib/templates/pages";
import { createTemplateAction, deleteTemplateAction, importTemplatesAction, updateTemplateAction } from "./actions";

const ACTIONS = { create: createTemplateAction, update: updateTemplateAction, delete: deleteTemplateAction, import: importTemplatesAction };

export default async function TemplatesPage() {
  const admin = await adminPage("/templates");
  const [items, targets] = await Promise.all([listTemplates({ admin: true }), targetChoices(admin)]);
  return (
    <div className="flex flex-col gap-4">
      <PageHeading
        title="Expert templates"
        actions={<RecordsToolbar kind="template" actions={ACTIONS} targets={targets} exportHref="/templates/export" importNote="delete the admin-made templates first (with their grants), then add the file's" />}
      >
        {plural(items.length, "template")} · named models: a call naming one goes to its target with its prompt, caps and mode, priced × its cost factor
      </PageHeading>
      <RecordsTable kind="template" items={items} actions={ACTIONS} targets={targets} showOwner empty="No expert templates yet. Create one, or import a file." />
    </div>
  );
}
