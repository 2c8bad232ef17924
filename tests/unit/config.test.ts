import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decodeKey, keyIdOf } from "@/lib/cipher";
import { parseConfig } from "@/lib/config";

const tmp = () => mkdtempSync(path.join(os.tmpdir(), "tollgate-config-"));

describe("configuration", () => {
  it("runs on embedded defaults and keeps a generated secret in the data folder", () => {
    const dir = tmp();
    const cfg = parseConfig({ DATABASE_URL: `file:${dir}/tollgate.db` });
    expect(cfg).toMatchObject({ adminUser: "admin", adminPassword: "changeme", valkeyUrl: undefined, smtp: undefined, dataDir: dir, https: false, secureCookies: false, bcryptCost: 12, passwordHashing: "pool" });
    expect(cfg.authSecret.length).toBeGreaterThanOrEqual(40);
    expect(readFileSync(path.join(dir, "auth-secret"), "utf8").trim()).toBe(cfg.authSecret);
    expect(statSync(path.join(dir, "auth-secret")).mode & 0o077).toBe(0);
    expect(parseConfig({ DATABASE_URL: `file:${dir}/tollgate.db` }).authSecret).toBe(cfg.authSecret); // stable across starts
    expect(parseConfig({ DATABASE_URL: `file:${dir}/tollgate.db`, AUTH_SECRET: "given" }).authSecret).toBe("given");
  });

  it("fails with one line naming the variable", () => {
    const dir = tmp();
    const bad: [Record<string, string>, RegExp][] = [
      [{ VALKEY_URL: "http://x" }, /^Invalid configuration: VALKEY_URL /],
      [{ SMTP_PORT: "70000" }, /^Invalid configuration: SMTP_PORT /],
      [{ SMTP_PORT: "abc" }, /^Invalid configuration: SMTP_PORT /],
      [{ ADMIN_USER: "Bad Name" }, /^Invalid configuration: ADMIN_USER /],
      [{ ADMIN_PASSWORD: "short" }, /^Invalid configuration: ADMIN_PASSWORD /],
      [{ DATABASE_URL: "postgres://x" }, /^Invalid configuration: DATABASE_URL /],
      [{ APP_URL: "not a url" }, /^Invalid configuration: APP_URL /],
      [{ BCRYPT_COST: "4" }, /^Invalid configuration: BCRYPT_COST /],
      [{ BCRYPT_COST: "16" }, /^Invalid configuration: BCRYPT_COST /],
      [{ PASSWORD_HASHING: "threads" }, /^Invalid configuration: PASSWORD_HASHING /],
      [{ SMTP_HOST: "mail.example" }, /^Invalid configuration: SMTP_FROM is required/],
    ];
    for (const [env, message] of bad) {
      expect(() => parseConfig({ DATABASE_URL: `file:${dir}/t.db`, ...env })).toThrow(message);
    }
  });

  it("reads SMTP and the public URL", () => {
    const cfg = parseConfig({ DATABASE_URL: `file:${tmp()}/t.db`, SMTP_HOST: "mail.example", SMTP_PORT: "2525", SMTP_FROM: "x@y.z", APP_URL: "https://gate.example/" });
    expect(cfg.smtp).toEqual({ host: "mail.example", port: 2525, secure: false, user: undefined, password: undefined, from: "x@y.z" });
    expect(cfg.appUrl).toBe("https://gate.example");
    expect(cfg.secureCookies).toBe(true);
    expect(cfg.https).toBe(true);
  });
});

describe("ENCRYPTION_KEYS", () => {
  const raw = () => randomBytes(32);
  const modeOf = (p: string) => statSync(p).mode & 0o777;

  it("with a local file and the variable unset: one key generated into the data folder (0600), kept across starts", () => {
    const dir = path.join(tmp(), "fresh", "data");
    const cfg = parseConfig({ DATABASE_URL: `file:${dir}/tollgate.db` });
    const file = path.join(dir, "encryption-key");
    expect(cfg.encryptionKeys).toHaveLength(1);
    expect(cfg.encryptionKeys[0].id).toBe(decodeKey(readFileSync(file, "utf8"))!.id);
    expect(cfg.encryptionKeysFrom).toBe(file);
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(dir)).toBe(0o700); // the data folder, created by the first start
    expect(parseConfig({ DATABASE_URL: `file:${dir}/tollgate.db` }).encryptionKeys[0].key.equals(cfg.encryptionKeys[0].key)).toBe(true);
  });

  it("given: newest first, each in any of the accepted formats, ids derived from the keys; no file generated", () => {
    const dir = tmp();
    const [a, b, c] = [raw(), raw(), raw()];
    const cfg = parseConfig({ DATABASE_URL: `file:${dir}/t.db`, ENCRYPTION_KEYS: ` ${a.toString("base64url")}, ${b.toString("hex")} ,${c.toString("base64")}` });
    expect(cfg.encryptionKeys.map((k) => k.id)).toEqual([keyIdOf(a), keyIdOf(b), keyIdOf(c)]);
    expect(cfg.encryptionKeys[0].key.equals(a)).toBe(true);
    expect(cfg.encryptionKeysFrom).toBe("ENCRYPTION_KEYS");
    expect(existsSync(path.join(dir, "encryption-key"))).toBe(false);
  });

  it("a remote DATABASE_URL requires it: one line naming ENCRYPTION_KEYS", () => {
    for (const url of ["libsql://db.example.turso.io", "http://127.0.0.1:8080", "https://db.example", "ws://127.0.0.1:8080", "wss://db.example"]) {
      let message = "";
      try {
        parseConfig({ DATABASE_URL: url });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, url).toMatch(/^Invalid configuration: ENCRYPTION_KEYS is required with a remote DATABASE_URL/);
      expect(message).not.toContain("\n");
    }
    expect(parseConfig({ DATABASE_URL: "libsql://db.example.turso.io", ENCRYPTION_KEYS: raw().toString("hex"), AUTH_SECRET: "s" }).encryptionKeys).toHaveLength(1);
  });

  it("bad values fail with one line naming ENCRYPTION_KEYS and never repeating a key", () => {
    const good = raw().toString("base64url");
    const short = randomBytes(16).toString("hex");
    const cases: [string, RegExp][] = [
      ["not-a-key", /^Invalid configuration: ENCRYPTION_KEYS is not a key: each must be 32 bytes as base64/],
      [short, /^Invalid configuration: ENCRYPTION_KEYS is not a key/],
      [`${good},${short}`, /^Invalid configuration: entry 2 of ENCRYPTION_KEYS is not a key/],
      [`${good},`, /^Invalid configuration: entry 2 of ENCRYPTION_KEYS is empty/],
      [`${good},,${raw().toString("hex")}`, /^Invalid configuration: entry 2 of ENCRYPTION_KEYS is empty/],
      [`${good},${Buffer.from(good, "base64url").toString("hex")}`, /^Invalid configuration: ENCRYPTION_KEYS lists the same key twice \(entries 1 and 2\)/],
    ];
    for (const [value, message] of cases) {
      let error = "";
      try {
        parseConfig({ DATABASE_URL: `file:${tmp()}/t.db`, ENCRYPTION_KEYS: value });
      } catch (e) {
        error = (e as Error).message;
      }
      expect(error, value).toMatch(message);
      expect(error).not.toContain("\n");
      for (const part of value.split(",")) if (part) expect(error).not.toContain(part);
    }
  });

  it("a damaged generated key file fails the start with one line instead of sealing under a new key", () => {
    const dir = tmp();
    parseConfig({ DATABASE_URL: `file:${dir}/t.db` });
    const file = path.join(dir, "encryption-key");
    writeFileSync(file, "damaged\n");
    expect(() => parseConfig({ DATABASE_URL: `file:${dir}/t.db` })).toThrow(/^Invalid configuration: ENCRYPTION_KEYS is unset and .*encryption-key does not hold a key/);
  });

  it("takes a bcrypt cost from 10 to 15, and the inline hashing of the benchmark's baseline", () => {
    const dir = tmp();
    expect(parseConfig({ DATABASE_URL: `file:${dir}/t.db`, BCRYPT_COST: "10" }).bcryptCost).toBe(10);
    expect(parseConfig({ DATABASE_URL: `file:${dir}/t.db`, BCRYPT_COST: "15" }).bcryptCost).toBe(15);
    expect(parseConfig({ DATABASE_URL: `file:${dir}/t.db`, PASSWORD_HASHING: "inline" }).passwordHashing).toBe("inline");
  });
});
