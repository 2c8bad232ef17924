import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, inject, it, vi } from "vitest";
import { keyIdOf } from "@/lib/cipher";
import { unique } from "../support/names";
import { suiteModules } from "../support/domain";

// Rotating the encryption key of the upstream keys, on a database of its own (rotation reads every
// row): this test process is an instance that holds only the old key, and `npm run keys:rotate` runs
// as the operator runs it, a process of its own with ENCRYPTION_KEYS=new,old. Also: the start refusing
// a remote database without ENCRYPTION_KEYS, in one line.

const root = path.resolve(__dirname, "../..");
const dir = mkdtempSync(path.join(inject("tmpRoot"), "secrets-rotation-"));
const dbFile = path.join(dir, "tollgate.db");
const dbUrl = `file:${dbFile}`;
const [OLD, NEW] = [randomBytes(32), randomBytes(32)];
// Written two ways, as an operator may: the old one as base64url, the new one as hex.
const [OLD_TEXT, NEW_TEXT] = [OLD.toString("base64url"), NEW.toString("hex")];
process.env.DATABASE_URL = dbUrl;
process.env.ENCRYPTION_KEYS = OLD_TEXT;
delete process.env.VALKEY_URL;

const load = async () => ({
  endpoints: await import("@/lib/endpoints"),
  schemas: await import("@/lib/endpoints/schemas"),
  db: await import("@/db"),
  cache: await import("@/lib/cache"),
  migrate: await import("@/db/migrate"),
});
const m = suiteModules(load);
const system = { id: "system", username: "system" };

type Run = { code: number; stdout: string; stderr: string };
/** A script of the project run as its npm script runs it (tsx), with these variables. */
function run(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", ...args], { cwd: root, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
const rotate = (keys: string) => run(["--conditions=react-server", "scripts/rotate-keys.ts"], { DATABASE_URL: dbUrl, ENCRYPTION_KEYS: keys });

const column = async (id: string) => String((await m.db.getClient().execute({ sql: "SELECT upstream_api_key FROM model_endpoints WHERE id = ?", args: [id] })).rows[0].upstream_api_key);
const keyIdInColumn = async (id: string) => (await column(id)).split(":")[2];
/** True when the text is anywhere in the database file or its write-ahead log. */
const inFiles = (text: string) => [dbFile, `${dbFile}-wal`].some((f) => existsSync(f) && readFileSync(f).includes(Buffer.from(text)));


describe("npm run keys:rotate", () => {
  it("re-encrypts every key under the newest of `new,old`; an instance still on the old key reads them until then, and only then fails, without crashing", async () => {
    const keys = [["sk", "first", "5ecret", unique("k")].join("-"), ["sk", "second", "5ecret", unique("k")].join("-")];
    const names = [unique("rot-a"), unique("rot-b")];
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const input = m.schemas.CreateEndpoint.parse({ name: names[i], baseUrl: "https://api.example.test/v1", apiStyle: "openai", models: ["m"], apiKey: keys[i] });
      ids.push((await m.endpoints.createEndpoint(system, input)).id);
    }
    const routed = async () => (await m.endpoints.listRoutingEndpoints()).filter((e) => ids.includes(e.id)).map((e) => e.upstreamApiKey);
    expect(await Promise.all(ids.map(keyIdInColumn))).toEqual([keyIdOf(OLD), keyIdOf(OLD)]);

    // The rotation has begun (instances restarted with new,old), nothing re-encrypted yet: this instance,
    // still on the old key alone, reads every key.
    expect(await routed()).toEqual(keys);
    // The new key alone cannot yet read them: the command says so, names the endpoints, changes nothing.
    const tooEarly = await rotate(NEW_TEXT);
    expect(tooEarly.code).toBe(1);
    for (const name of names) expect(tooEarly.stderr).toContain(`Endpoint "${name}": It was encrypted under key id ${keyIdOf(OLD)}`);
    expect(await Promise.all(ids.map(keyIdInColumn))).toEqual([keyIdOf(OLD), keyIdOf(OLD)]);

    const underOld = await Promise.all(ids.map(column));
    expect(underOld.every(inFiles)).toBe(true);
    const rotated = await rotate(`${NEW_TEXT},${OLD_TEXT}`);
    expect(rotated.stderr).toBe("");
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain(`Keys from ENCRYPTION_KEYS: newest ${keyIdOf(NEW)}, older ${keyIdOf(OLD)}.`);
    expect(rotated.stdout).toContain(`Upstream API keys now under key ${keyIdOf(NEW)}: 2 re-encrypted, 0 encrypted from clear, 0 already under it.`);
    expect(await Promise.all(ids.map(keyIdInColumn))).toEqual([keyIdOf(NEW), keyIdOf(NEW)]);
    // The values under the retired key are gone from the file too (compacted), not left in free pages.
    expect(underOld.some(inFiles)).toBe(false);

    // Now the new key alone reads every row (the command opens each one), and a second run has nothing to do.
    const again = await rotate(NEW_TEXT);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`Upstream API keys now under key ${keyIdOf(NEW)}: 0 re-encrypted, 0 encrypted from clear, 2 already under it.`);

    // This instance, still on the old key alone after the re-encryption: a clear error in the log for
    // each endpoint, which it then uses without a key; nothing throws.
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      expect(await routed()).toEqual([null, null]);
      const logged = errors.mock.calls.map((call) => call.join(" ")).join("\n");
      for (const name of names) {
        expect(logged).toContain(`the upstream API key of endpoint "${name}" cannot be decrypted: It was encrypted under key id ${keyIdOf(NEW)}, which is not among this instance's keys.`);
      }
      expect(logged).toContain(`until key ${keyIdOf(NEW)} is added to ENCRYPTION_KEYS`);
      for (const key of keys) expect(logged).not.toContain(key);
      expect(await m.endpoints.testConnection(ids[0])).toMatchObject({ ok: false, message: expect.stringContaining("Add the key it was encrypted under to ENCRYPTION_KEYS") });
    } finally {
      errors.mockRestore();
    }
  });
});

describe("the start", () => {
  it("with a remote DATABASE_URL and no ENCRYPTION_KEYS stops with one line naming it", async () => {
    const start = await run(["scripts/start.ts"], { DATABASE_URL: "libsql://127.0.0.1:9", ENCRYPTION_KEYS: "", AUTH_SECRET: "s" });
    expect(start.code).toBe(1);
    expect(start.stdout).toBe("");
    expect(start.stderr.trim()).toBe(
      "Invalid configuration: ENCRYPTION_KEYS is required with a remote DATABASE_URL (libsql:, http(s):, ws(s):): set the same keys on every instance",
    );
  });

  it("with a malformed ENCRYPTION_KEYS stops with one line naming it, without the value", async () => {
    const start = await run(["scripts/start.ts"], { DATABASE_URL: dbUrl, ENCRYPTION_KEYS: `${NEW_TEXT},not-a-key-at-all` });
    expect(start.code).toBe(1);
    expect(start.stderr.trim()).toMatch(/^Invalid configuration: entry 2 of ENCRYPTION_KEYS is not a key: [^\n]+$/);
    expect(start.stderr).not.toContain("not-a-key-at-all");
    expect(start.stderr).not.toContain(NEW_TEXT);
  });
});
