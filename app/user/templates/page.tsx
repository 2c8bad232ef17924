import { RecordsTable, RecordsToolbar } from "@/components/templates/records-manager";
import { AssignedTemplates } from "@/components/templates/assigned-templates";
import { PageHeading } from "@/components/ui/page-heading";
import { rolePage } from "@/lib/auth/dal";
import { plural } from "@/lib/format";
import { assignedTemplates, listTemplates, scopeOf } from "@/lib/templates";
import { targetChoices } from "@/lib/templates/pages";
import { mayOwn, TEMPLATE_ROLES } from "@/lib/templates/rules";
import { createMyTemplateAction, deleteMyTemplateAction, importMyTemplatesAction, updateMyTemplateAction } from "./actions";

const ACTIONS = { create: createMyTemplateAction, update: updateMyTemplateAction, delete: deleteMyTemplateAction, import: importMyTemplatesAction };

// Subscribers: the templates assigned to them, read-only. Experts: their own (made and changed here)
// and the ones assigned to them; an admin here manages every template, as on /templates.
export default async function UserTemplatesPage() {
  const me = await rolePage("/user/templates", TEMPLATE_ROLES);
  const owner = mayOwn(me.role);
  const admin = me.role === "admin";
  const [assigned, mine, targets] = await Promise.all([
    admin ? Promise.resolve([]) : assignedTemplates(me),
    owner ? listTemplates(scopeOf(me)) : Promise.resolve([]),
    owner ? targetChoices(me) : Promise.resolve([]),
  ]);
  const shown = assigned.map(({ id, name, description, active, config, broken }) => ({ id, name, description, active, target: config?.target ?? null, mode: config?.mode ?? null, broken }));
  if (!owner)
    return (
      <div className="flex flex-col gap-6">
        <PageHeading title="Assigned templates">Templates you may call: use the name as the model of your call.</PageHeading>
        <AssignedTemplates items={shown} />
      </div>
    );
  return (
    <div className="flex flex-col gap-6">
      <PageHeading
        title="My templates"
        actions={
          <RecordsToolbar
            kind="template"
            actions={ACTIONS}
            targets={targets}
            exportHref="/user/templates/export"
            importNote={admin ? "delete the admin-made templates first (with their grants), then add the file's" : "delete your own templates first (with their grants), then add the file's"}
          />
        }
      >
        {plural(mine.length, "template")} · {admin ? "as an admin you manage every template here" : "named models of your own: a call naming one goes to its target with its settings"}
      </PageHeading>
      <RecordsTable
        kind="template"
        items={mine}
        actions={ACTIONS}
        targets={targets}
        showOwner={admin}
        empty="No templates of your own yet. Create one aimed at a model you may call, or import a file."
      />
      {/* An admin may call every template: the table above is the whole list. */}
      {!admin && (
        <section aria-labelledby="assigned-heading" className="flex flex-col gap-3">
          <h2 id="assigned-heading" className="text-lg font-semibold">
            Assigned to you
          </h2>
          <AssignedTemplates items={shown} />
        </section>
      )}
    </div>
  );
}
