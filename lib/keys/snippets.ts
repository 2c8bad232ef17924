// How to connect a client to this deployment: ready-made snippets with its URL and, right after a key
// was created, that key filled in (else a placeholder). The OpenAI-style API is under <app>/v1; the
// Anthropic SDK and Claude Code add /v1/messages themselves, so they take the bare URL.
// Codex takes a config.toml provider (wire_api = "responses", the key from an environment variable).
// Plain functions, shared by the portal's keys page and the tests that run the snippets as they are.

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
      // Any model the key may call: one behind an OpenAI-compatible endpoint is translated. Claude Code's
      // background requests use the "haiku" model, which must be one the key may call too.
      code: `export ANTHROPIC_BASE_URL=${appUrl}
export ANTHROPIC_AUTH_TOKEN=${key}
export ANTHROPIC_MODEL=${model}
export ANTHROPIC_DEFAULT_HAIKU_MODEL=${model}
export CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1
claude`,
    },
    {
      id: "codex",
      title: "Codex",
      language: "toml",
      // web_search and multi-agent tools run inside OpenAI's API (a hosted tool, a tool namespace):
      // Tollgate refuses them by name, so Codex is told not to send them.
      code: `# In ~/.codex/config.toml (Codex 0.169 or later):
model = "${model}"
model_provider = "tollgate"
web_search = "disabled"

[agents]
enabled = false

[model_providers.tollgate]
name = "Tollgate"
base_url = "${v1}"
env_key = "TOLLGATE_API_KEY"
wire_api = "responses"

# Then, in your shell:
# export TOLLGATE_API_KEY=${key}
# codex`,
    },
  ];
}
