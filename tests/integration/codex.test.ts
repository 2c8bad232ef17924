import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snippetsFor } from "@/lib/keys/snippets";
import { AGENT_RESUMED, AGENT_TEXT, CODEX_COMMAND, startAgentLlm, type AgentLlm } from "../support/agent-llm";
import { createEndpointAs, createKeyAs, createUserAs, signedInAdmin } from "../support/admin";
import { startApp, type App } from "../support/app";
import type { Session } from "../support/http";
import { unique } from "../support/names";

/**
 * The real Codex CLI (tests/clients pins 0.169.0) in `codex exec` mode, configured with exactly the
 * portal's Codex snippet, on models behind each endpoint style: an OpenAI-compatible server (Chat
 * Completions), an Anthropic one (Messages), both translated from Responses, and one that speaks
 * Responses itself. A plain answer is printed; a run in which the model calls Codex's exec_command
 * tool gets the command's output back and finishes; a context near full is compacted (Codex asks the
 * model for a summary with an ordinary request) and the run goes on.
 */

const CODEX = path.resolve("tests/clients/node_modules/.bin/codex");
const run = promisify(execFile);

let app: App;
let agent: AgentLlm;
let dir: string;
let key: string;
let userId: string;
let admin: Session;

beforeAll(async () => {
  agent = await startAgentLlm();
  app = await startApp({ valkey: true, smtp: false });
  admin = await signedInAdmin(app);
  const models = ["agent-plain", "agent-tools", "agent-compact"];
  await createEndpointAs(app, admin, { name: "vllm", baseUrl: `${agent.url}/v1`, apiStyle: "openai", models });
  await createEndpointAs(app, admin, { name: "claude", baseUrl: `${agent.url}/v1`, apiStyle: "anthropic", models });
  await createEndpointAs(app, admin, { name: "openai", baseUrl: `${agent.url}/v1`, apiStyle: "openai-responses", models });
  userId = await createUserAs(app, admin, unique("codex"), "user");
  key = await createKeyAs(app, admin, userId);
  dir = await mkdtemp(path.join(tmpdir(), "tollgate-codex-"));
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await agent?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs `codex exec` with the portal's snippet for `model` as its config.toml (plus `extra` top-level settings); what it printed. */
async function codex(model: string, prompt: string, extra = "", apiKey = key): Promise<{ stdout: string; stderr: string }> {
  const snippet = snippetsFor(app.url, apiKey, model).find((s) => s.id === "codex")!.code;
  const code = snippet.replace(/^(model_provider = .*)$/m, `$1\n${extra}`);
  const home = await mkdtemp(path.join(dir, "home-"));
  const work = path.join(home, "work");
  await mkdir(work);
  await writeFile(path.join(home, "config.toml"), code);
  const exported = /^# export TOLLGATE_API_KEY=(.+)$/m.exec(code)![1];
  const child = run(CODEX, ["exec", "--skip-git-repo-check", prompt], {
    cwd: work,
    timeout: 90_000,
    env: { NODE_ENV: "production", PATH: process.env.PATH, HOME: home, CODEX_HOME: home, TOLLGATE_API_KEY: exported },
  });
  child.child.stdin?.end();
  return await child;
}

describe("Codex through the gateway", () => {
  for (const endpoint of ["vllm", "claude", "openai"]) {
    it(`prints the answer of a model behind the ${endpoint} endpoint, and runs a tool call to the end`, async () => {
      const before = agent.requests.length;
      expect((await codex(`agent-plain@${endpoint}`, "Say hello")).stdout.trim()).toBe(AGENT_TEXT);
      const answer = (await codex(`agent-tools@${endpoint}`, "Run something")).stdout;
      expect(answer).toMatch(/Result: /);
      const sent = agent.requests.slice(before);
      // The command the model asked for ran, and its output went back upstream in that style's tool result.
      expect(JSON.stringify(sent.at(-2)!.body)).not.toContain(CODEX_COMMAND.cmd);
      expect(JSON.stringify(sent.at(-1)!.body)).toMatch(/exited with code 0.*Output:.*tollgate-tool-ran/);
      expect(sent.every((r) => r.path === { vllm: "/v1/chat/completions", claude: "/v1/messages", openai: "/v1/responses" }[endpoint])).toBe(true);
    });
  }

  it("compacts a context near full as Codex 0.169 does (a summary asked with an ordinary request), and goes on", async () => {
    const before = agent.requests.length;
    const { stdout } = await codex("agent-compact@vllm", "Run something", "model_auto_compact_token_limit = 10000");
    expect(stdout.trim()).toBe(AGENT_RESUMED);
    const sent = agent.requests.slice(before);
    const last = (r: (typeof sent)[number]) => String(r.body.messages.at(-1).content);
    // The tool call whose answer filled the context, the summary asked for, the turn resumed from it.
    expect(sent.map((r) => r.path)).toEqual(["/v1/chat/completions", "/v1/chat/completions", "/v1/chat/completions"]);
    expect(last(sent[1])).toMatch(/CONTEXT CHECKPOINT COMPACTION/);
    expect(last(sent[2])).toContain(AGENT_TEXT);
    const { rows } = await app.db.execute({ sql: "SELECT status FROM usage_events WHERE user_id = ? ORDER BY rowid DESC LIMIT 3", args: [userId] });
    expect(rows.map((r) => r.status)).toEqual(["ok", "ok", "ok"]);
  });

  it("stops at once for a user whose budget is spent: one refused call (insufficient_quota), Codex's quota message, no retries", async () => {
    const spent = await createUserAs(app, admin, unique("spent"), "user", { dailyLimit: 500 });
    const failed = await codex("agent-plain@vllm", "Say hello", "", await createKeyAs(app, admin, spent)).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/Quota exceeded/);
    const { rows } = await app.db.execute({ sql: "SELECT status FROM usage_events WHERE user_id = ?", args: [spent] });
    expect(rows.map((r) => r.status)).toEqual(["budget_exceeded"]);
  });
});
