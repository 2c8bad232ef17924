"use client";
import * as T from "@radix-ui/react-tabs";

/** Radix Tabs with the app's look; `autoFocus` makes the first tab what a dialog focuses on opening. */
export function Tabs({
  tabs,
  defaultValue,
  autoFocus,
}: {
  tabs: { value: string; label: string; content: React.ReactNode }[];
  defaultValue?: string;
  autoFocus?: boolean;
}) {
  const first = defaultValue ?? tabs[0]?.value;
  return (
    <T.Root defaultValue={first}>
      <T.List className="mb-4 flex gap-1 overflow-x-auto border-b border-line" aria-label="Sections">
        {tabs.map((t) => (
          <T.Trigger
            key={t.value}
            value={t.value}
            data-autofocus={autoFocus && t.value === first ? "" : undefined}
            className="-mb-px shrink-0 border-b-2 border-transparent px-3 py-2 text-sm font-medium text-muted hover:text-fg data-[state=active]:border-primary data-[state=active]:text-fg"
          >
            {t.label}
          </T.Trigger>
        ))}
      </T.List>
      {tabs.map((t) => (
        <T.Content key={t.value} value={t.value} className="pb-4">
          {t.content}
        </T.Content>
      ))}
    </T.Root>
  );
}
