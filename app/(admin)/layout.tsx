import { AppHeader } from "@/components/app-header";
import { getSession } from "@/lib/auth/dal";

// The frame of the admin pages. It is never the gate: a layout does not re-run on every navigation,
// and each page calls adminPage() itself, which redirects with the page's own path in ?next=.
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const user = await getSession();
  const admin = user?.role === "admin" && !user.mustChangePassword ? user : null;
  return (
    <>
      {admin && <AppHeader user={admin} links={[{ href: "/users", label: "Users" }, { href: "/endpoints", label: "Endpoints" }, { href: "/user", label: "Portal" }]} />}
      <main className="mx-auto max-w-7xl p-6">{children}</main>
    </>
  );
}
