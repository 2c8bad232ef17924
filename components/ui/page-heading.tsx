import { MAIN_HEADING_ID } from "./focus";

/**
 * A page's title and the line under it. The heading can take focus (tabIndex -1): it is where focus
 * goes when what had it disappears, e.g. the row of a user just deleted.
 */
export function PageHeading({ title, children, actions }: { title: string; children?: React.ReactNode; actions?: React.ReactNode }) {
  return (
    <div className="flex flex-wrap items-end justify-between gap-4">
      <div className="min-w-0">
        <h1 id={MAIN_HEADING_ID} tabIndex={-1} className="text-2xl font-semibold">
          {title}
        </h1>
        {children && <p className="text-sm text-muted">{children}</p>}
      </div>
      {actions && <div className="flex flex-wrap items-center gap-3">{actions}</div>}
    </div>
  );
}
