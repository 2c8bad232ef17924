import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snippetsFor } from "@/lib/keys/snippets";
import { createKeyAs, createUserAs } from "../support/admin";
import { AGENT_TEXT } from "../support/agent-llm";
import { cliDeployment, runCli, type CliDeployment } from "../support/cli";
import { unique } from "../support/names";

/**
 * The real Claude Code CLI (tests/clients pins its version) in print mode, set up with exactly the
 * environment of the portal's Claude Code snippet, on a model behind an openai-style endpoint: every
 * request it makes is translated to Chat Completions, and the model's answer is what it prints.
 */

/** The `export NAME=value` lines of the portal's Claude Code snippet. */
function snippetEnv(appUrl: string, key: string, model: string): Record<string, string> {
  const code = snippetsFor(appUrl, key, model).find((s) => s.id === "claude-code")!.code;
  return Object.fromEntries([...code.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
}

let d: CliDeployment;

beforeAll(async () => {
  d = await cliDeployment([{ name: "vllm", apiStyle: "openai", models: ["agent-plain"] }]);
}, 120_000);

afterAll(() => d?.stop());

/** `claude -p <prompt>` with the environment of the portal's snippet for `key`. */
const claude = (prompt: string, key = d.key) => runCli("claude", ["-p", prompt], { cwd: d.dir, env: { HOME: d.dir, ...snippetEnv(d.app.url, key, "agent-plain") } });

describe("Claude Code through the gateway", () => {
  it("prints the self-hosted model's answer, every request translated and billed", async () => {
    expect(snippetEnv(d.app.url, d.key, "agent-plain")).toMatchObject({ ANTHROPIC_BASE_URL: d.app.url, ANTHROPIC_AUTH_TOKEN: d.key, ANTHROPIC_MODEL: "agent-plain" });
    const { stdout } = await claude("Say hello");
    expect(stdout.trim()).toBe(AGENT_TEXT);
    const calls = d.agent.requests.filter((r) => r.path === "/v1/chat/completions");
    expect(calls.length).toBeGreaterThan(0);
    // Its main request: the conversation with Claude Code's own tools, as Chat Completions functions.
    const main = calls.find((r) => Array.isArray(r.body.tools) && r.body.tools.length > 0);
    expect(main?.body.tools.map((t: { function: { name: string } }) => t.function.name)).toContain("Bash");
    expect(main?.body.messages[0].role).toBe("system");
    const { rows } = await d.app.db.execute({ sql: "SELECT status, model FROM usage_events WHERE user_id = ?", args: [d.userId] });
    expect(rows.length).toBe(calls.length);
    for (const r of rows) expect(r).toMatchObject({ status: "ok", model: "agent-plain" });
  });

  it("stops at once for a user whose budget is spent, printing Tollgate's reason, with one refused call and no retries", async () => {
    const spent = await createUserAs(d.app, d.admin, unique("spent"), "user", { dailyLimit: 500 });
    const failed = await claude("Say hello", await createKeyAs(d.app, d.admin, spent)).then(
      () => undefined,
      (e: { code: number; stdout: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toMatch(/429.*Your daily token budget cannot hold this request: 0 of 500 tokens used\. It resets at/);
    const { rows } = await d.app.db.execute({ sql: "SELECT status FROM usage_events WHERE user_id = ?", args: [spent] });
    expect(rows.map((r) => r.status)).toEqual(["budget_exceeded"]);
  });
});
