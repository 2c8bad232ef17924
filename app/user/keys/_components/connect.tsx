"use client";
import { CopyButton } from "@/components/keys/copy-button";
import { KEY_PLACEHOLDER, snippetsFor } from "@/lib/keys/snippets";

/** The snippets, each copyable, and the models the user's keys may call. */
export function HowToConnect({ appUrl, apiKey, models }: { appUrl: string; apiKey?: string; models: string[] }) {
  const snippets = snippetsFor(appUrl, apiKey ?? KEY_PLACEHOLDER, models[0] ?? "MODEL_NAME");
  return (
    <section className="flex min-w-0 flex-col gap-4 rounded-lg border border-line bg-surface p-4 sm:p-6" aria-labelledby="connect-heading" data-testid="how-to-connect">
      <div>
        <h2 id="connect-heading" className="text-lg font-medium">
          How to connect
        </h2>
        <p className="text-sm text-muted">
          {apiKey
            ? "The snippets below have your new key filled in: copy them now, the key is not shown again."
            : `Replace ${KEY_PLACEHOLDER} with one of your keys.`}
        </p>
      </div>
      <div className="flex min-w-0 flex-col gap-2">
        {snippets.map((s, i) => (
          <details key={s.id} open={i === 0} className="min-w-0 rounded-md border border-line" data-snippet={s.id}>
            <summary className="cursor-pointer px-3 py-2 text-sm font-medium">{s.title}</summary>
            <div className="flex min-w-0 flex-col gap-2 border-t border-line p-3">
              {/* Long lines scroll inside the block (focusable, so a keyboard can scroll it too). */}
              <pre tabIndex={0} aria-label={`${s.title} snippet`} className="overflow-x-auto rounded bg-surface-2 p-3 font-mono text-xs">
                <code>{s.code}</code>
              </pre>
              <div>
                <CopyButton text={s.code} what={`the ${s.title} snippet`} />
              </div>
            </div>
          </details>
        ))}
      </div>
      <div>
        <h3 className="text-base font-medium">Models your keys may call</h3>
        {models.length === 0 ? (
          <p className="text-sm text-muted" data-testid="no-models">
            No models yet: ask an administrator for access.
          </p>
        ) : (
          <ul className="mt-1 flex flex-wrap gap-2" data-testid="models">
            {models.map((m) => (
              <li key={m} className="rounded bg-surface-2 px-2 py-1 font-mono text-xs">
                {m}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
