import { AppHeader } from "@/components/app-header";
import { navFor } from "@/components/nav";
import { getSession } from "@/lib/auth/dal";

// The frame of the admin pages. It is never the gate: a layout does not re-run on every navigation,
// and each page calls adminPage() itself, which redirects with the page's own path in ?next=.
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const user = await getSession();
  const admin = user?.role === "admin" && !user.mustChangePassword ? user : null;
  return (
    <>
      {admin && <AppHeader user={admin} links={navFor(admin.role)} />}
      <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6">{children}</main>
    </>
  );
}
