import { AppHeader } from "@/components/app-header";
import { adminPage } from "@/lib/auth/dal";

// The frame of the admin pages. Each page still calls adminPage() itself: a layout does not re-run
// on every navigation, so it is never the gate.
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const admin = await adminPage("/users");
  return (
    <>
      <AppHeader user={admin} links={[{ href: "/users", label: "Users" }, { href: "/endpoints", label: "Endpoints" }, { href: "/user", label: "Portal" }]} />
      <main className="mx-auto max-w-7xl p-6">{children}</main>
    </>
  );
}
