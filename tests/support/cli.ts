import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createEndpointAs, createKeyAs, createUserAs, signedInAdmin } from "./admin";
import { startAgentLlm, type AgentLlm } from "./agent-llm";
import { startApp, type App } from "./app";
import type { Session } from "./http";
import { unique } from "./names";

// What the tests of the real client CLIs (tests/clients pins them) share: a deployment whose endpoints
// all point at the agent mock, and a way to run a CLI as a user would, its prompt given, stdin closed.

export type CliDeployment = { app: App; agent: AgentLlm; admin: Session; userId: string; key: string; dir: string; stop(): Promise<void> };

/** The built app with valkey-server, the given endpoints on the agent mock, one user with a key, a scratch directory. */
export async function cliDeployment(endpoints: { name: string; apiStyle: string; models: string[] }[]): Promise<CliDeployment> {
  const agent = await startAgentLlm();
  const app = await startApp({ valkey: true, smtp: false });
  const admin = await signedInAdmin(app);
  for (const e of endpoints) await createEndpointAs(app, admin, { ...e, baseUrl: `${agent.url}/v1` });
  const userId = await createUserAs(app, admin, unique("cli"), "user");
  const key = await createKeyAs(app, admin, userId);
  const dir = await mkdtemp(path.join(tmpdir(), "tollgate-cli-"));
  return {
    app,
    agent,
    admin,
    userId,
    key,
    dir,
    async stop() {
      await app.stop();
      await agent.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const exec = promisify(execFile);

/** Runs `tests/clients/node_modules/.bin/<cli>`; rejects with the exec error (`code`, `stdout`, `stderr`) when it fails. */
export function runCli(cli: "claude" | "codex", args: string[], opts: { cwd: string; env: Record<string, string | undefined> }) {
  const child = exec(path.resolve(`tests/clients/node_modules/.bin/${cli}`), args, { cwd: opts.cwd, timeout: 90_000, env: { NODE_ENV: "production", PATH: process.env.PATH, ...opts.env } });
  child.child.stdin?.end(); // no piped prompt to wait for
  return child;
}
