"use client";
import { CopyButton } from "@/components/keys/copy-button";

// How to connect a client to this deployment: ready-made snippets with its URL and, right after a key
// was created, that key filled in (else a placeholder). The OpenAI-style API is under <app>/v1; the
// Anthropic SDK and Claude Code add /v1/messages themselves, so they take the bare URL.
// Codex (a config.toml provider with wire_api = "responses") is added once the gateway serves the
// Responses API; it does not yet, so it is not offered.

export const KEY_PLACEHOLDER = "YOUR_API_KEY";

type Snippet = { id: string; title: string; language: string; code: string };

export function snippetsFor(appUrl: string, key: string, model: string): Snippet[] {
  const v1 = `${appUrl}/v1`;
  return [
    {
      id: "openai-python",
      title: "OpenAI SDK (Python)",
      language: "python",
      code: `from openai import OpenAI

client = OpenAI(base_url="${v1}", api_key="${key}")
reply = client.chat.completions.create(
    model="${model}",
    messages=[{"role": "user", "content": "Hello"}],
)
print(reply.choices[0].message.content)`,
    },
    {
      id: "openai-js",
      title: "OpenAI SDK (JavaScript)",
      language: "js",
      code: `import OpenAI from "openai";

const client = new OpenAI({ baseURL: "${v1}", apiKey: "${key}" });
const reply = await client.chat.completions.create({
  model: "${model}",
  messages: [{ role: "user", content: "Hello" }],
});
console.log(reply.choices[0].message.content);`,
    },
    {
      id: "anthropic-python",
      title: "Anthropic SDK (Python)",
      language: "python",
      code: `from anthropic import Anthropic

client = Anthropic(base_url="${appUrl}", api_key="${key}")
reply = client.messages.create(
    model="${model}",
    max_tokens=1024,
    messages=[{"role": "user", "content": "Hello"}],
)
print(reply.content[0].text)`,
    },
    {
      id: "anthropic-js",
      title: "Anthropic SDK (JavaScript)",
      language: "js",
      code: `import Anthropic from "@anthropic-ai/sdk";

const client = new Anthropic({ baseURL: "${appUrl}", apiKey: "${key}" });
const reply = await client.messages.create({
  model: "${model}",
  max_tokens: 1024,
  messages: [{ role: "user", content: "Hello" }],
});
console.log(reply.content[0].text);`,
    },
    {
      id: "curl",
      title: "curl",
      language: "shell",
      code: `curl ${v1}/chat/completions \\
  -H "Authorization: Bearer ${key}" \\
  -H "Content-Type: application/json" \\
  -d '{"model": "${model}", "messages": [{"role": "user", "content": "Hello"}]}'`,
    },
    {
      id: "claude-code",
      title: "Claude Code",
      language: "shell",
      code: `export ANTHROPIC_BASE_URL=${appUrl}
export ANTHROPIC_AUTH_TOKEN=${key}
claude`,
    },
  ];
}

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
