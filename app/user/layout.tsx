import { AppHeader } from "@/components/app-header";
import { navFor } from "@/components/nav";
import { BudgetBars } from "@/components/portal/budget-bars";
import { myBudget } from "@/components/portal/data";
import { portalMenu } from "@/components/portal/menu";
import { PortalDrawer } from "@/components/portal/portal-drawer";
import { ImpersonationBanner } from "@/components/portal/impersonation-banner";
import { PortalNav } from "@/components/portal/portal-nav";
import { TemplatesPanel } from "@/components/portal/templates-panel";
import { getSession } from "@/lib/auth/dal";
import { activeProfileOf, assignedTemplates } from "@/lib/templates";
import { mayOwn, mayUseTemplates } from "@/lib/templates/rules";

// The frame of the portal: the header, and beside the page a sidebar with the role menu and the
// budget bars (on phones, a drawer behind a button). Like the admin layout it is not the gate: each
// portal page calls userPage() itself; the frame is drawn only for a session that may see the portal.
// While an admin impersonates the user, the orange banner heads every portal page. Below the budget:
// the active CC profile (experts, admins) and the assigned templates (subscribers, experts, admins).
export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  const user = await getSession();
  const me = user && !user.mustChangePassword ? user : null;
  const [budget, assigned, profile] = me
    ? await Promise.all([
        myBudget(me.id),
        mayUseTemplates(me.role) ? assignedTemplates(me) : undefined,
        mayOwn(me.role) ? activeProfileOf(me.id) : undefined,
      ])
    : [null];
  if (!me || !budget) return <main className="mx-auto max-w-5xl px-4 py-6 sm:px-6">{children}</main>;
  const menu = portalMenu(me.role);
  const panel = (
    <>
      <PortalNav links={menu.links} admin={menu.admin} />
      <BudgetBars status={budget.status} oneTime={budget.user.budgetType === "one_time"} />
      <TemplatesPanel profile={profile} templates={assigned?.map((t) => t.name)} />
    </>
  );
  return (
    <>
      {me.impersonator && <ImpersonationBanner username={me.username} admin={me.impersonator.username} />}
      <AppHeader user={me} links={navFor(me.role)} impersonating={Boolean(me.impersonator)} />
      <div className="mx-auto flex max-w-7xl gap-8 px-4 py-6 sm:px-6">
        <aside aria-label="Portal menu and budget" className="hidden w-56 shrink-0 flex-col gap-6 md:flex" data-testid="portal-sidebar">
          {panel}
        </aside>
        <div className="flex min-w-0 flex-1 flex-col gap-4">
          <div className="md:hidden">
            <PortalDrawer>{panel}</PortalDrawer>
          </div>
          <main className="min-w-0">{children}</main>
        </div>
      </div>
    </>
  );
}
