import { AppHeader } from "@/components/app-header";
import { navFor } from "@/components/nav";
import { getSession } from "@/lib/auth/dal";

// The frame of the portal. Like the admin layout it is not the gate: each portal page calls
// userPage() itself.
export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  const user = await getSession();
  const me = user && !user.mustChangePassword ? user : null;
  return (
    <>
      {me && <AppHeader user={me} links={navFor(me.role)} />}
      <main className="mx-auto max-w-5xl px-4 py-6 sm:px-6">{children}</main>
    </>
  );
}
