import Link from "next/link";
import { buttonClass } from "./button";
import { MAIN_HEADING_ID } from "./focus";

/** A page that only says something (not found, an error), in the app's look, with a way back. */
export function MessagePage({ title, children, action }: { title: string; children: React.ReactNode; action?: React.ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center p-4 sm:p-6">
      <div className="w-full max-w-md rounded-lg border border-line bg-surface p-6 shadow-sm sm:p-8">
        <p className="mb-1 text-sm font-semibold text-link">Tollgate</p>
        <h1 id={MAIN_HEADING_ID} tabIndex={-1} className="mb-2 text-2xl font-semibold">
          {title}
        </h1>
        <div className="mb-6 text-sm text-muted">{children}</div>
        <div className="flex flex-wrap gap-3">
          {action}
          <Link href="/" className={buttonClass("secondary")}>
            Back to the start page
          </Link>
        </div>
      </div>
    </main>
  );
}
