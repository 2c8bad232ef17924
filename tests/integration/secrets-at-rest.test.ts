import { createClient } from "@libsql/client";
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, inject, it, vi } from "vitest";
import { unique } from "../support/names";
import { suiteModules } from "../support/domain";

// Secrets at rest against a real SQLite file (in-process cache), through lib/endpoints and db/ as the
// server uses them: the data folder's modes, the upstream keys encrypted in the column and absent from
// the file's bytes, keys left in clear by the version before sealed by the start-up step, and each
// key bound to its endpoint. ENCRYPTION_KEYS is unset: the key is generated into the data folder, as
// on a first start with a local file. Rotation has a file (and a database) of its own.

const dir = mkdtempSync(path.join(inject("tmpRoot"), "secrets-at-rest-"));
// Not there yet: the first start creates it.
const dataDir = path.join(dir, "data");
const dbFile = path.join(dataDir, "tollgate.db");
process.env.DATABASE_URL = `file:${dbFile}`;
delete process.env.VALKEY_URL;
delete process.env.ENCRYPTION_KEYS;
delete process.env.AUTH_SECRET;
delete process.env.NEXTAUTH_SECRET;

// Loaded after the environment above is in place: config() reads it once.
const load = async () => ({
  endpoints: await import("@/lib/endpoints"),
  schemas: await import("@/lib/endpoints/schemas"),
  config: await import("@/lib/config"),
  db: await import("@/db"),
  schema: await import("@/db/schema"),
  orm: await import("drizzle-orm"),
  cache: await import("@/lib/cache"),
  migrate: await import("@/db/migrate"),
});
const m = suiteModules(load);
const system = { id: "system", username: "system" };
const add = (fields: Record<string, unknown>) => m.endpoints.createEndpoint(system, m.schemas.CreateEndpoint.parse({ apiStyle: "openai", models: ["m"], ...fields }));

const modeOf = (p: string) => statSync(p).mode & 0o777;
const FILES = [dbFile, `${dbFile}-wal`, `${dbFile}-shm`, path.join(dataDir, "auth-secret"), path.join(dataDir, "encryption-key")];

/** The column as stored, read with SQL. */
const column = async (id: string) => (await m.db.getClient().execute({ sql: "SELECT upstream_api_key FROM model_endpoints WHERE id = ?", args: [id] })).rows[0]?.upstream_api_key;
/** True when the text is anywhere in the database's files: the file itself and its write-ahead log. */
const inFiles = (text: string) => [dbFile, `${dbFile}-wal`].some((f) => existsSync(f) && readFileSync(f).includes(Buffer.from(text, "utf8")));
const routedKey = async (id: string) => (await m.endpoints.listRoutingEndpoints()).find((e) => e.id === id)?.upstreamApiKey;

/**
 * A secret of the test's own, unlike anything else in the file. Built at run time so that the test
 * module's text (which is not in the database anyway) never holds it whole.
 */
const secret = (what: string) => ["sk", what, "5ecret", unique("k")].join("-");


describe("the data folder", () => {
  it("is created owner-only: folder 0700; database, -wal, -shm and the generated secrets 0600", async () => {
    await add({ name: unique("modes"), baseUrl: "https://api.example.test/v1", apiKey: secret("modes") }); // a write: the WAL is in use
    expect(modeOf(dataDir)).toBe(0o700);
    for (const file of FILES) {
      expect(existsSync(file), file).toBe(true);
      expect(modeOf(file), file).toBe(0o600);
    }
  });

  it("left loose by an earlier version (0755 / 0644), is made owner-only at the next start", async () => {
    // A second connection keeps the -wal and -shm files in place while the server's closes.
    const other = createClient({ url: `file:${dbFile}` });
    await other.execute("SELECT count(*) FROM model_endpoints");
    try {
      chmodSync(dataDir, 0o755);
      for (const file of FILES) chmodSync(file, 0o644);
      m.db.closeDb();
      // The next start opens the database again: the same path (config → db open) as scripts/start.ts.
      await m.db.getClient().execute("SELECT 1");
      expect(modeOf(dataDir)).toBe(0o700);
      for (const file of FILES) expect(modeOf(file), file).toBe(0o600);
      await add({ name: unique("after"), baseUrl: "https://api.example.test/v1" });
    } finally {
      other.close();
    }
  });
});

describe("upstream keys at rest", () => {
  it("are in neither the column nor the database file in clear; the gateway's read has them, the admin list does not", async () => {
    const key = secret("fresh");
    const name = unique("sealed");
    const { id } = await add({ name, baseUrl: "https://api.example.test/v1", apiKey: key });
    const stored = String(await column(id));
    const { id: keyId } = m.config.config().encryptionKeys[0];
    expect(stored).toMatch(new RegExp(`^enc:v1:${keyId}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$`));
    expect(stored).not.toContain(key);
    expect(inFiles(key)).toBe(false);
    expect(inFiles(name)).toBe(true); // the search reads the bytes where the row is
    expect(await routedKey(id)).toBe(key);
    const listed = (await m.endpoints.listEndpoints()).find((e) => e.id === id);
    expect(listed?.hasApiKey).toBe(true);
    expect(JSON.stringify(listed)).not.toContain(key);
  });

  it("keys stored in clear by the version before are encrypted by the start-up step, leaving no copy in the file; again, it changes nothing", async () => {
    const key = secret("legacy");
    const { id } = await add({ name: unique("legacy"), baseUrl: "https://api.example.test/v1" });
    // The one write past lib/endpoints: what the version before encryption stored, a key in clear.
    // No module of this version can write one, by design; drizzle as that version used it, not raw SQL.
    const { modelEndpoints } = m.schema;
    await m.db.getDb().update(modelEndpoints).set({ upstreamApiKey: key }).where(m.orm.eq(modelEndpoints.id, id));
    expect(await column(id)).toBe(key);
    expect(inFiles(key)).toBe(true);
    expect(await routedKey(id)).toBe(key); // read as it is until then (an upgrade in progress)

    const first = await m.endpoints.sealClearKeys();
    expect(first.sealed).toBeGreaterThanOrEqual(1);
    expect(String(await column(id))).toMatch(/^enc:v1:/);
    expect(inFiles(key)).toBe(false); // nor in a free page or the write-ahead log
    expect(await routedKey(id)).toBe(key);

    const stored = await column(id);
    expect(await m.endpoints.sealClearKeys()).toMatchObject({ sealed: 0, rotated: 0, unreadable: [] });
    expect(await column(id)).toBe(stored);
  });

  it("edits keep the key under its endpoint: kept across a base URL change, replaced, removed", async () => {
    const [key, replaced] = [secret("kept"), secret("replaced")];
    const name = unique("edited");
    const { id } = await add({ name, baseUrl: "https://api.example.test/v1", apiKey: key });
    const edit = (fields: Record<string, unknown>) =>
      m.endpoints.updateEndpoint(system, id, m.schemas.UpdateEndpoint.parse({ name, apiStyle: "openai", models: ["m"], baseUrl: "https://api.example.test/v1", ...fields }));
    const before = await column(id);
    await edit({ baseUrl: "https://eu.api.example.test/v1" });
    expect(await column(id)).not.toBe(before); // sealed again under the new base URL
    expect(await routedKey(id)).toBe(key);
    await edit({ baseUrl: "https://eu.api.example.test/v1", apiKey: replaced });
    expect(await routedKey(id)).toBe(replaced);
    expect(inFiles(replaced)).toBe(false);
    await edit({ baseUrl: "https://eu.api.example.test/v1", removeApiKey: "on" });
    expect(await column(id)).toBeNull();
    expect(await routedKey(id)).toBeNull();
  });

  it("a base URL changed past the app, or a key copied into another row, does not decrypt: logged, the endpoint used without a key, nothing else affected", async () => {
    const [keyA, keyB] = [secret("a"), secret("b")];
    const [nameA, nameB, nameC] = [unique("moved"), unique("intact"), unique("copied")];
    const { id: a } = await add({ name: nameA, baseUrl: "https://api.example.test/v1", apiKey: keyA });
    const { id: b } = await add({ name: nameB, baseUrl: "https://api.example.test/v1", apiKey: keyB });
    const { id: c } = await add({ name: nameC, baseUrl: "https://api.example.test/v1" });
    // What someone with write access to the database alone could do to have a key sent elsewhere.
    const { modelEndpoints } = m.schema;
    const db = m.db.getDb();
    await db.update(modelEndpoints).set({ baseUrl: "http://127.0.0.1:9/v1" }).where(m.orm.eq(modelEndpoints.id, a));
    await db.update(modelEndpoints).set({ upstreamApiKey: String(await column(b)) }).where(m.orm.eq(modelEndpoints.id, c));

    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const routing = await m.endpoints.listRoutingEndpoints();
      const keyOf = (id: string) => routing.find((e) => e.id === id)?.upstreamApiKey;
      expect([keyOf(a), keyOf(b), keyOf(c)]).toEqual([null, keyB, null]);
      const logged = errors.mock.calls.map((call) => call.join(" ")).join("\n");
      for (const name of [nameA, nameC]) expect(logged).toMatch(new RegExp(`upstream API key of endpoint "${name}" cannot be decrypted`));
      expect(logged).not.toContain(keyA);
      expect(logged).not.toContain(keyB);
      const tested = await m.endpoints.testConnection(a);
      expect(tested).toMatchObject({ ok: false, message: expect.stringMatching(/^The stored API key cannot be decrypted/) });
    } finally {
      errors.mockRestore();
    }
    // Entering the key again through the app mends it; the damaged rows go, so no other test meets them.
    await m.endpoints.deleteEndpoint(system, c);
    await m.endpoints.updateEndpoint(system, a, m.schemas.UpdateEndpoint.parse({ name: nameA, baseUrl: "http://127.0.0.1:9/v1", apiStyle: "openai", models: ["m"], apiKey: keyA }));
    expect(await routedKey(a)).toBe(keyA);
    for (const id of [a, b]) await m.endpoints.deleteEndpoint(system, id);
  });
});
