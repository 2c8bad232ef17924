import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs, signedInAdmin } from "../support/admin";
import { snippetsFor } from "@/lib/keys/snippets";
import { AGENT_TEXT, startAgentLlm, type AgentLlm } from "../support/agent-llm";
import { startApp, type App } from "../support/app";
import type { Session } from "../support/http";
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

const CLAUDE = path.resolve("tests/clients/node_modules/.bin/claude");
const run = promisify(execFile);

let app: App;
let agent: AgentLlm;
let home: string;
let key: string;
let userId: string;
let admin: Session;

beforeAll(async () => {
  agent = await startAgentLlm();
  app = await startApp({ valkey: true, smtp: false });
  admin = await signedInAdmin(app);
  await createEndpointAs(app, admin, { name: "vllm", baseUrl: `${agent.url}/v1`, apiStyle: "openai", models: ["agent-plain"] });
  userId = await createUserAs(app, admin, unique("coder"), "user");
  key = await createKeyAs(app, admin, userId);
  home = await mkdtemp(path.join(tmpdir(), "tollgate-claude-"));
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await agent?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

describe("Claude Code through the gateway", () => {
  it("prints the self-hosted model's answer, every request translated and billed", async () => {
    const env = snippetEnv(app.url, key, "agent-plain");
    expect(env).toMatchObject({ ANTHROPIC_BASE_URL: app.url, ANTHROPIC_AUTH_TOKEN: key, ANTHROPIC_MODEL: "agent-plain" });
    const claude = run(CLAUDE, ["-p", "Say hello"], {
      cwd: home,
      timeout: 90_000,
      env: { NODE_ENV: "production", PATH: process.env.PATH, HOME: home, ...env },
    });
    claude.child.stdin?.end(); // no piped prompt to wait for
    const { stdout } = await claude;
    expect(stdout.trim()).toBe(AGENT_TEXT);
    const calls = agent.requests.filter((r) => r.path === "/v1/chat/completions");
    expect(calls.length).toBeGreaterThan(0);
    // Its main request: the conversation with Claude Code's own tools, as Chat Completions functions.
    const main = calls.find((r) => Array.isArray(r.body.tools) && r.body.tools.length > 0);
    expect(main?.body.tools.map((t: { function: { name: string } }) => t.function.name)).toContain("Bash");
    expect(main?.body.messages[0].role).toBe("system");
    const { rows } = await app.db.execute({ sql: "SELECT status, model FROM usage_events WHERE user_id = ?", args: [userId] });
    expect(rows.length).toBe(calls.length);
    for (const r of rows) expect(r).toMatchObject({ status: "ok", model: "agent-plain" });
  });

  it("stops at once for a user whose budget is spent, printing Tollgate's reason, with one refused call and no retries", async () => {
    const spent = await createUserAs(app, admin, unique("spent"), "user", { dailyLimit: 500 });
    const spentKey = await createKeyAs(app, admin, spent);
    const claude = run(CLAUDE, ["-p", "Say hello"], { cwd: home, timeout: 90_000, env: { NODE_ENV: "production", PATH: process.env.PATH, HOME: home, ...snippetEnv(app.url, spentKey, "agent-plain") } });
    claude.child.stdin?.end();
    const failed = await claude.then(
      () => undefined,
      (e: { code: number; stdout: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toMatch(/429.*Your daily token budget cannot hold this request: 0 of 500 tokens used\. It resets at/);
    const { rows } = await app.db.execute({ sql: "SELECT status FROM usage_events WHERE user_id = ?", args: [spent] });
    expect(rows.map((r) => r.status)).toEqual(["budget_exceeded"]);
  });
});
