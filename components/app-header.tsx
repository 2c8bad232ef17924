import Link from "next/link";

/** The top bar of the admin pages and the portal: navigation, who is signed in, sign out. */
export function AppHeader({
  user,
  links,
}: {
  user: { username: string; displayName: string | null; role: string };
  links: { href: string; label: string }[];
}) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-7xl items-center justify-between gap-4 px-6 py-3">
        <nav className="flex items-center gap-6">
          <span className="text-lg font-semibold text-blue-700">Tollgate</span>
          {links.map((l) => (
            <Link key={l.href} href={l.href} className="text-sm font-medium text-slate-600 hover:text-slate-900">
              {l.label}
            </Link>
          ))}
        </nav>
        <div className="flex items-center gap-3 text-sm">
          <span className="text-slate-600" data-testid="signed-in-as">
            {user.displayName ?? user.username} <span className="text-slate-400">({user.role})</span>
          </span>
          <Link href="/change-password" className="text-slate-600 hover:text-slate-900">
            Password
          </Link>
          <form action="/logout" method="post">
            <button type="submit" className="rounded-md border border-slate-300 px-2 py-1 text-slate-700 hover:bg-slate-100">
              Sign out
            </button>
          </form>
        </div>
      </div>
    </header>
  );
}
