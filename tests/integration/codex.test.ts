import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snippetsFor } from "@/lib/keys/snippets";
import { createKeyAs, createUserAs } from "../support/admin";
import { AGENT_RESUMED, AGENT_TEXT, CODEX_COMMAND } from "../support/agent-llm";
import { cliDeployment, runCli, type CliDeployment } from "../support/cli";
import { unique } from "../support/names";

/**
 * The real Codex CLI (tests/clients pins 0.169.0) in `codex exec` mode, configured with exactly the
 * portal's Codex snippet, on models behind each endpoint style: an OpenAI-compatible server (Chat
 * Completions), an Anthropic one (Messages), both translated from Responses, and one that speaks
 * Responses itself. A plain answer is printed; a run in which the model calls Codex's exec_command
 * tool gets the command's output back and finishes; a context near full is compacted (Codex asks the
 * model for a summary with an ordinary request) and the run goes on.
 */

let d: CliDeployment;

beforeAll(async () => {
  const models = ["agent-plain", "agent-tools", "agent-compact"];
  d = await cliDeployment([
    { name: "vllm", apiStyle: "openai", models },
    { name: "claude", apiStyle: "anthropic", models },
    { name: "openai", apiStyle: "openai-responses", models },
  ]);
}, 120_000);

afterAll(() => d?.stop());

/** Runs `codex exec` with the portal's snippet for `model` as its config.toml (plus `extra` top-level settings); what it printed. */
async function codex(model: string, prompt: string, extra = "", apiKey = d.key): Promise<{ stdout: string; stderr: string }> {
  const snippet = snippetsFor(d.app.url, apiKey, model).find((s) => s.id === "codex")!.code;
  const code = snippet.replace(/^(model_provider = .*)$/m, `$1\n${extra}`);
  const home = await mkdtemp(path.join(d.dir, "home-"));
  const work = path.join(home, "work");
  await mkdir(work);
  await writeFile(path.join(home, "config.toml"), code);
  const exported = /^# export TOLLGATE_API_KEY=(.+)$/m.exec(code)![1];
  return runCli("codex", ["exec", "--skip-git-repo-check", prompt], { cwd: work, env: { HOME: home, CODEX_HOME: home, TOLLGATE_API_KEY: exported } });
}

describe("Codex through the gateway", () => {
  for (const endpoint of ["vllm", "claude", "openai"]) {
    it(`prints the answer of a model behind the ${endpoint} endpoint, and runs a tool call to the end`, async () => {
      const before = d.agent.requests.length;
      expect((await codex(`agent-plain@${endpoint}`, "Say hello")).stdout.trim()).toBe(AGENT_TEXT);
      const answer = (await codex(`agent-tools@${endpoint}`, "Run something")).stdout;
      expect(answer).toMatch(/Result: /);
      const sent = d.agent.requests.slice(before);
      // The command the model asked for ran, and its output went back upstream in that style's tool result.
      expect(JSON.stringify(sent.at(-2)!.body)).not.toContain(CODEX_COMMAND.cmd);
      expect(JSON.stringify(sent.at(-1)!.body)).toMatch(/exited with code 0.*Output:.*tollgate-tool-ran/);
      expect(sent.every((r) => r.path === { vllm: "/v1/chat/completions", claude: "/v1/messages", openai: "/v1/responses" }[endpoint])).toBe(true);
    });
  }

  it("compacts a context near full as Codex 0.169 does (a summary asked with an ordinary request), and goes on", async () => {
    const before = d.agent.requests.length;
    const { stdout } = await codex("agent-compact@vllm", "Run something", "model_auto_compact_token_limit = 10000");
    expect(stdout.trim()).toBe(AGENT_RESUMED);
    const sent = d.agent.requests.slice(before);
    const last = (r: (typeof sent)[number]) => String(r.body.messages.at(-1).content);
    // The tool call whose answer filled the context, the summary asked for, the turn resumed from it.
    expect(sent.map((r) => r.path)).toEqual(["/v1/chat/completions", "/v1/chat/completions", "/v1/chat/completions"]);
    expect(last(sent[1])).toMatch(/CONTEXT CHECKPOINT COMPACTION/);
    expect(last(sent[2])).toContain(AGENT_TEXT);
    const { rows } = await d.app.db.execute({ sql: "SELECT status FROM usage_events WHERE user_id = ? ORDER BY rowid DESC LIMIT 3", args: [d.userId] });
    expect(rows.map((r) => r.status)).toEqual(["ok", "ok", "ok"]);
  });

  it("stops at once for a user whose budget is spent: one refused call (insufficient_quota), Codex's quota message, no retries", async () => {
    const spent = await createUserAs(d.app, d.admin, unique("spent"), "user", { dailyLimit: 500 });
    const failed = await codex("agent-plain@vllm", "Say hello", "", await createKeyAs(d.app, d.admin, spent)).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/Quota exceeded/);
    const { rows } = await d.app.db.execute({ sql: "SELECT status FROM usage_events WHERE user_id = ?", args: [spent] });
    expect(rows.map((r) => r.status)).toEqual(["budget_exceeded"]);
  });
});
