import { createClient, type Client } from "@libsql/client";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { inject } from "vitest";
import { freePort, waitFor } from "./ports";

export type App = {
  url: string;
  dbFile: string;
  valkeyPrefix: string;
  db: Client;
  logs: () => string;
  stop: () => Promise<void>;
};

const root = path.resolve(__dirname, "../..");
let counter = 0;

/**
 * The built app (`next build` ran before the tests) started the way `npm start` starts it, on its own
 * port and its own SQLite file; with the shared valkey-server or with the in-process cache; with the
 * SMTP receiver as its mail server unless told otherwise.
 */
export async function startApp(opts: { valkey?: boolean; smtp?: boolean; env?: Record<string, string>; shareWith?: App; dbFile?: string } = {}): Promise<App> {
  const port = await freePort();
  const dir = path.join(inject("tmpRoot"), `app-${process.pid}-${counter++}`);
  mkdirSync(dir, { recursive: true });
  // A second instance of the same deployment: same database, same Valkey namespace, same secret. Or
  // a database file the test prepared (an upgrade).
  const dbFile = opts.shareWith?.dbFile ?? opts.dbFile ?? path.join(dir, "tollgate.db");
  const prefix = opts.shareWith?.valkeyPrefix ?? `t${process.pid}-${counter}:`;
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    APP_URL: url,
    DATABASE_URL: `file:${dbFile}`,
    BCRYPT_COST: "10",
    VALKEY_PREFIX: prefix,
    AUTH_SECRET: "test-secret-shared-by-instances-of-one-deployment",
    ...(opts.valkey ? { VALKEY_URL: inject("valkeyUrl") } : {}),
    ...(opts.smtp !== false ? { SMTP_HOST: "127.0.0.1", SMTP_PORT: String(inject("smtpPort")), SMTP_FROM: "tollgate@example.test" } : {}),
    ...opts.env,
  };
  if (!opts.valkey) delete env.VALKEY_URL;
  let output = "";
  const child: ChildProcess = spawn(process.execPath, ["--enable-source-maps", "dist/server.mjs"], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, so that stop() ends Next's workers too
  });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  try {
    await waitFor(`the app on ${port}`, async () => {
      if (child.exitCode !== null) throw new Error(`app exited (${child.exitCode}):\n${output}`);
      const res = await fetch(`${url}/login`);
      return res.status === 200;
    }, 60_000, 200);
  } catch (e) {
    kill(child);
    throw e;
  }
  const db = createClient({ url: `file:${dbFile}` });
  return {
    url,
    dbFile,
    valkeyPrefix: prefix,
    db,
    logs: () => output,
    stop: async () => {
      db.close();
      await kill(child);
    },
  };
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      child.kill("SIGTERM");
    }
    setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* gone already */
      }
    }, 3000).unref();
  });
}
