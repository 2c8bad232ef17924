"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { createContext, useCallback, useContext, useMemo, useTransition } from "react";

// A list whose whole view (search, filters, sort, page) lives in the URL: every change is one
// navigation in a transition, so the list can say it is loading until the server's answer is shown.

type View = { navigate: (href: string, how?: "push" | "replace") => void; pending: boolean };
const ViewContext = createContext<View | null>(null);

export function useListView(): View {
  const view = useContext(ViewContext);
  if (!view) throw new Error("useListView outside <ListView>");
  return view;
}

/** The list's region: marked busy, with a progress bar, while a change of view loads. */
export function ListView({ label, children }: { label: string; children: React.ReactNode }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const navigate = useCallback(
    (href: string, how: "push" | "replace" = "push") => start(() => (how === "push" ? router.push(href, { scroll: false }) : router.replace(href, { scroll: false }))),
    [router],
  );
  const view = useMemo(() => ({ navigate, pending }), [navigate, pending]);
  return (
    <ViewContext.Provider value={view}>
      <section aria-label={label} aria-busy={pending} className="relative flex flex-col gap-4">
        <div className="h-1 overflow-hidden rounded-full" aria-hidden={!pending}>
          {pending && (
            <div role="progressbar" aria-label="Loading" className="h-full w-full animate-pulse rounded-full bg-primary" />
          )}
        </div>
        {children}
      </section>
    </ViewContext.Provider>
  );
}

/** A link to another view of the list: a plain click navigates in the list's transition. */
export function ViewLink({ href, onClick, ...props }: React.ComponentProps<typeof Link> & { href: string }) {
  const { navigate } = useListView();
  return (
    <Link
      href={href}
      {...props}
      onClick={(e) => {
        onClick?.(e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
    />
  );
}
