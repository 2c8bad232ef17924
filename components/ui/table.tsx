import { cn } from "@/lib/cn";

// A data table that stays usable on a phone: from `md` up it is a table; below, every row becomes a
// card whose cells are labelled by their column (data-label), and the header row is not shown.

export function Table({ className, ...props }: React.TableHTMLAttributes<HTMLTableElement>) {
  return (
    <div className="rounded-lg border border-line bg-surface">
      <table {...props} className={cn("block w-full text-sm md:table", className)} />
    </div>
  );
}

export function TableHead({ children }: { children: React.ReactNode }) {
  return (
    <thead className="hidden bg-surface-2 text-left text-muted md:table-header-group">
      <tr>{children}</tr>
    </thead>
  );
}

export function TableBody({ children }: { children: React.ReactNode }) {
  return <tbody className="block md:table-row-group">{children}</tbody>;
}

export function Th({ className, ...props }: React.ThHTMLAttributes<HTMLTableCellElement>) {
  return <th scope="col" {...props} className={cn("px-4 py-2 font-medium", className)} />;
}

export function Row({ className, ...props }: React.HTMLAttributes<HTMLTableRowElement>) {
  return <tr {...props} className={cn("flex flex-col gap-1 border-t border-line px-4 py-3 first:border-t-0 md:table-row md:p-0 md:first:border-t", className)} />;
}

/** A cell; `label` names it on a phone, where there is no header row. */
export function Cell({ label, className, ...props }: React.TdHTMLAttributes<HTMLTableCellElement> & { label?: string }) {
  return (
    <td
      data-label={label}
      {...props}
      className={cn(
        "flex min-w-0 items-center gap-2 md:table-cell md:px-4 md:py-2",
        label && "before:w-20 before:shrink-0 before:text-xs before:font-medium before:text-muted before:content-[attr(data-label)] md:before:content-none",
        className,
      )}
    />
  );
}

/** The one row of an empty table. */
export function EmptyRow({ colSpan, children }: { colSpan: number; children: React.ReactNode }) {
  return (
    <tr className="block md:table-row">
      <td colSpan={colSpan} className="block px-4 py-8 text-center text-muted md:table-cell">
        {children}
      </td>
    </tr>
  );
}
