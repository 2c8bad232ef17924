import { MAIN_HEADING_ID } from "@/components/ui/focus";

/**
 * The card of the pages a signed-out visitor sees under /user (forgot / reset password), in the
 * login page's look. No <main> of its own: the portal layout provides it.
 */
export function AuthCard({ title, lead, children }: { title: string; lead?: React.ReactNode; children: React.ReactNode }) {
  return (
    <div className="flex justify-center py-4 sm:py-10">
      <div className="w-full max-w-sm rounded-lg border border-line bg-surface p-6 shadow-sm sm:p-8">
        <p className="mb-1 text-sm font-semibold text-link">Tollgate</p>
        <h1 id={MAIN_HEADING_ID} tabIndex={-1} className="mb-1 text-2xl font-semibold">
          {title}
        </h1>
        {lead && <div className="mb-6 text-sm text-muted">{lead}</div>}
        {children}
      </div>
    </div>
  );
}
