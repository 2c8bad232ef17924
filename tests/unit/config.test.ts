import { mkdtempSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";

const tmp = () => mkdtempSync(path.join(os.tmpdir(), "tollgate-config-"));

describe("configuration", () => {
  it("runs on embedded defaults and keeps a generated secret in the data folder", () => {
    const dir = tmp();
    const cfg = parseConfig({ DATABASE_URL: `file:${dir}/tollgate.db` });
    expect(cfg).toMatchObject({ adminUser: "admin", adminPassword: "changeme", valkeyUrl: undefined, smtp: undefined, dataDir: dir, secureCookies: false, bcryptCost: 12, passwordHashing: "pool" });
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
  });

  it("takes a bcrypt cost from 10 to 15, and the inline hashing of the benchmark's baseline", () => {
    const dir = tmp();
    expect(parseConfig({ DATABASE_URL: `file:${dir}/t.db`, BCRYPT_COST: "10" }).bcryptCost).toBe(10);
    expect(parseConfig({ DATABASE_URL: `file:${dir}/t.db`, BCRYPT_COST: "15" }).bcryptCost).toBe(15);
    expect(parseConfig({ DATABASE_URL: `file:${dir}/t.db`, PASSWORD_HASHING: "inline" }).passwordHashing).toBe("inline");
  });
});
