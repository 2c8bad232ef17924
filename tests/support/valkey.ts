import { spawn, type ChildProcess } from "node:child_process";
import { createConnection } from "node:net";
import { freePort, waitFor } from "./ports";

export type ValkeyServer = { url: string; port: number; stop: () => Promise<void>; process: ChildProcess };

/** A real valkey-server on loopback, without persistence, on a free (or given) port. */
export async function startValkey(port?: number): Promise<ValkeyServer> {
  const p = port ?? (await freePort());
  const child = spawn("valkey-server", ["--port", String(p), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no"], {
    stdio: "ignore",
  });
  await waitFor(`valkey-server on ${p}`, () => ping(p), 10_000);
  return {
    url: `redis://127.0.0.1:${p}`,
    port: p,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" }, () => socket.write("PING\r\n"));
    socket.once("data", (d) => {
      socket.destroy();
      resolve(d.toString().startsWith("+PONG"));
    });
    socket.once("error", () => resolve(false));
  });
}
