// The orange banner of an admin impersonation (SPEC §5), on every portal page while it lasts. Drawn
// from the data-access layer's answer (requireUser's `impersonator`), never from the raw cookie. End
// Impersonation is a plain form POST: it works before hydration and without JavaScript.

export function ImpersonationBanner({ username, admin }: { username: string; admin: string }) {
  return (
    <section aria-label="Admin impersonation" className="border-b-2 border-orange-700 bg-orange-400 text-black" data-testid="impersonation-banner">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-2 px-4 py-2 text-sm sm:px-6">
        <p>
          {/* One text node, so that the sentence reads (and is found) whole. */}
          <strong className="font-semibold">{`You are logged in as ${username} (Admin Impersonation)`}</strong>
          <span className="block text-xs sm:inline sm:pl-2">{`Signed in as ${admin}: every change is recorded under your name.`}</span>
        </p>
        <form method="post" action="/user/impersonation/end">
          <button type="submit" className="rounded-md border border-black bg-black px-3 py-1.5 text-sm font-medium whitespace-nowrap text-white hover:bg-neutral-800">
            End Impersonation
          </button>
        </form>
      </div>
    </section>
  );
}
