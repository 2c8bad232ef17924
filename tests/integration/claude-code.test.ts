import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snippetsFor } from "@/lib/keys/snippets";
import { createKeyAs, createUserAs, readyUser } from "../support/admin";
import { callAction } from "../support/http";
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
  d = await cliDeployment([
    { name: "vllm", apiStyle: "openai", models: ["agent-plain"] },
    // For the CC profile on an anthropic-style endpoint (a model name of its own, so plain names still go to vllm).
    { name: "claude-api", apiStyle: "anthropic", models: ["agent-native"] },
  ]);
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

describe("Claude Code with an active CC profile", () => {
  it("sends every claude-* request to the profile's tool model with its caps and prefix: on an openai-style endpoint (translated) and an anthropic-style one", async () => {
    const expert = await readyUser(d.app, d.admin, { role: "expert", modelGrants: ["agent-plain@vllm", "agent-native@claude-api"] });
    const key = await createKeyAs(d.app, d.admin, expert.id);
    const act = async (name: string, payload: unknown) => {
      const r = await callAction(d.app.url, "/user/cc-profiles", name, payload, { session: expert.session });
      expect(r.state, r.body).toMatchObject({ ok: true });
      return r.state!.data as { id: string };
    };
    const profile = (name: string, toolModel: string) => ({ name, description: "", active: true, mode: "native", toolModel, toolMaxTokens: 1500, systemPromptPrefix: "Answer as the team's model.", streamThinking: true });
    const local = await act("createMyProfileAction", profile(unique("local"), "agent-plain@vllm"));
    await act("setMyActiveProfileAction", { profileId: local.id });

    // The snippet without a model: Claude Code asks for its own claude-* models, as it does out of the box.
    const env = { HOME: d.dir, ...snippetEnv(d.app.url, key, "agent-plain"), ANTHROPIC_MODEL: undefined, ANTHROPIC_DEFAULT_HAIKU_MODEL: undefined };
    const before = d.agent.requests.length;
    const { stdout } = await runCli("claude", ["-p", "Say hello"], { cwd: d.dir, env });
    expect(stdout.trim()).toBe(AGENT_TEXT);
    const sent = d.agent.requests.slice(before);
    expect(sent.length).toBeGreaterThan(0);
    for (const r of sent) {
      expect(r.path).toBe("/v1/chat/completions");
      expect(r.body.model).toBe("agent-plain");
      expect(r.body.max_tokens).toBeLessThanOrEqual(1500);
      expect(r.body.messages[0]).toMatchObject({ role: "system", content: expect.stringMatching(/^Answer as the team's model\./) });
    }
    const { rows } = await d.app.db.execute({ sql: "SELECT status, endpoint, model FROM usage_events WHERE user_id = ?", args: [expert.id] });
    expect(rows.length).toBe(sent.length);
    for (const r of rows) expect(r).toMatchObject({ status: "ok", endpoint: "vllm", model: "agent-plain" });

    const native = await act("createMyProfileAction", profile(unique("native"), "agent-native@claude-api"));
    await act("setMyActiveProfileAction", { profileId: native.id });
    const mark = d.agent.requests.length;
    expect((await runCli("claude", ["-p", "Say hello"], { cwd: d.dir, env })).stdout.trim()).toBe(AGENT_TEXT);
    const nativeSent = d.agent.requests.slice(mark).filter((r) => r.path === "/v1/messages");
    expect(nativeSent.length).toBeGreaterThan(0);
    for (const r of nativeSent) expect(r.body).toMatchObject({ model: "agent-native", max_tokens: expect.any(Number) });
    expect(Math.max(...nativeSent.map((r) => r.body.max_tokens as number))).toBeLessThanOrEqual(1500);

    // Disabled: Claude Code stops with the reason.
    await act("updateMyProfileAction", { id: native.id, ...profile("x", "agent-native@claude-api"), name: (await d.app.db.execute({ sql: "SELECT name FROM cc_profiles WHERE id = ?", args: [native.id] })).rows[0].name, active: false });
    const failed = await runCli("claude", ["-p", "Say hello"], { cwd: d.dir, env }).then(
      () => undefined,
      (e: { code: number; stdout: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toMatch(/403.*is disabled/);
  });
});
