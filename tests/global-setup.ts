import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startSmtpReceiver } from "./support/smtp";
import { startValkey } from "./support/valkey";

// Brings up the real services every test file shares: one valkey-server and one SMTP receiver, on
// free loopback ports, stopped when the run ends. Each file namespaces its Valkey keys.
export default async function setup(project: TestProject) {
  const root = mkdtempSync(path.join(os.tmpdir(), "tollgate-test-"));
  const valkey = await startValkey();
  const smtp = await startSmtpReceiver(path.join(root, "mail"));
  project.provide("valkeyUrl", valkey.url);
  project.provide("smtpPort", smtp.port);
  project.provide("mailDir", path.join(root, "mail"));
  project.provide("tmpRoot", root);
  return async () => {
    await smtp.stop();
    await valkey.stop();
    rmSync(root, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    valkeyUrl: string;
    smtpPort: number;
    mailDir: string;
    tmpRoot: string;
  }
}
