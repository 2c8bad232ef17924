import { randomBytes } from "node:crypto";
import path from "node:path";
import proxyaddr from "proxy-addr";
import { z } from "zod";
import { decodeKey, newKeyText, type Keyring } from "@/lib/cipher";
import { secretFile } from "./data-folder";
import { SESSION_DEFAULTS } from "./edge";

// The only module that reads process.env. Parsed once; an invalid value fails at start
// with one line naming the variable.

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const optionalInt = (min: number, max: number) =>
  optionalString.pipe(
    z
      .string()
      .regex(/^\d+$/, "must be a whole number")
      .transform(Number)
      .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
      .optional(),
  );

const EnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .default("file:./data/tollgate.db")
    .refine((v) => /^(file|libsql|https?|wss?):/.test(v), "must start with file:, libsql:, http(s): or ws(s):"),
  DATABASE_AUTH_TOKEN: optionalString,
  VALKEY_URL: optionalString.refine((v) => v === undefined || /^rediss?:\/\//.test(v), "must be a redis:// or rediss:// URL"),
  VALKEY_PREFIX: z.string().trim().default("tg:"),
  AUTH_SECRET: optionalString,
  NEXTAUTH_SECRET: optionalString,
  ADMIN_USER: z
    .string()
    .trim()
    .default("admin")
    .refine((v) => /^[a-z0-9_-]{3,32}$/.test(v), "must be 3-32 characters of a-z 0-9 - _"),
  ADMIN_PASSWORD: z.string().default("changeme").refine((v) => v.length >= 8, "must be at least 8 characters"),
  SMTP_HOST: optionalString,
  SMTP_PORT: optionalInt(1, 65535),
  SMTP_USER: optionalString,
  SMTP_PASSWORD: optionalString,
  SMTP_FROM: optionalString,
  SMTP_SECURE: optionalString.pipe(z.enum(["true", "false"]).optional()),
  APP_URL: optionalString.pipe(z.url().optional()),
  PORT: optionalInt(1, 65535),
  // Not HOSTNAME: container runtimes set that to the container's name.
  HOST: optionalString,
  BCRYPT_COST: optionalInt(10, 15),
  PASSWORD_HASHING: optionalString.pipe(z.enum(["pool", "inline"]).optional()),
  GATEWAY_UPSTREAM_TIMEOUT_MS: optionalInt(100, 3_600_000),
  GATEWAY_MAX_BODY_BYTES: optionalInt(1024, 100 * 1024 * 1024),
  GATEWAY_VIA_NEXT: optionalString.pipe(z.enum(["true", "false"]).optional()),
  BUDGET_IMAGE_TOKENS: optionalInt(1, 1_000_000),
  BUDGET_TOOLS_TOKENS: optionalInt(0, 1_000_000),
  TRUST_PROXY: optionalString.transform((v, ctx) => {
    const trust = parseTrustProxy(v);
    if (trust === "invalid") {
      ctx.addIssue({ code: "custom", message: "must be a number of proxy hops (e.g. 1), or proxy addresses / CIDRs separated by commas (e.g. 10.0.0.0/8, loopback)" });
      return z.NEVER;
    }
    return trust;
  }),
  SESSION_IDLE_MINUTES: optionalInt(1, 7 * 24 * 60),
  SESSION_MAX_HOURS: optionalInt(1, 30 * 24),
  // Parsed by encryptionKeys() below: whether it is required depends on DATABASE_URL.
  ENCRYPTION_KEYS: optionalString,
});

/**
 * Which proxies in front of the server to believe about the client's address (X-Forwarded-For):
 * none (unset), the nearest N hops, or the listed addresses and CIDRs (proxy-addr's names loopback,
 * linklocal and uniquelocal allowed).
 */
export type TrustProxy = { hops: number } | { addresses: string[] } | undefined;

function parseTrustProxy(value: string | undefined): TrustProxy | "invalid" {
  if (value === undefined || value === "false") return undefined;
  if (/^\d+$/.test(value)) return Number(value) === 0 ? undefined : { hops: Number(value) };
  const addresses = value.split(",").map((a) => a.trim()).filter(Boolean);
  try {
    proxyaddr.compile(addresses);
    return addresses.length ? { addresses } : "invalid";
  } catch {
    return "invalid";
  }
}

export type Config = {
  databaseUrl: string;
  databaseAuthToken?: string;
  /** The SQLite file, for a file: URL (undefined with a libSQL server). */
  databaseFile?: string;
  dataDir: string;
  /** The keys that seal secrets at rest (upstream API keys), newest first; the first seals. */
  encryptionKeys: Keyring;
  /** Where they came from, for messages: "ENCRYPTION_KEYS" or the generated key file. */
  encryptionKeysFrom: string;
  valkeyUrl?: string;
  valkeyPrefix: string;
  authSecret: string;
  adminUser: string;
  adminPassword: string;
  smtp?: { host: string; port: number; secure: boolean; user?: string; password?: string; from: string };
  appUrl: string;
  port: number;
  host: string;
  /** APP_URL is https: secure cookies and Strict-Transport-Security (lib/security/headers). */
  https: boolean;
  secureCookies: boolean;
  bcryptCost: number;
  passwordHashing: "pool" | "inline";
  gateway: { upstreamTimeoutMs: number; maxBodyBytes: number; viaNext: boolean };
  /** What a reservation counts for inputs whose bytes do not bound their tokens (lib/budgets/bounds). */
  budgetAllowances: { imageTokens: number; toolsTokens: number };
  trustProxy: TrustProxy;
  /** Sessions end after this long without a request, and this long after sign-in whatever happens. */
  session: { idleSeconds: number; maxSeconds: number };
};

function databaseFileOf(databaseUrl: string): string | undefined {
  if (!databaseUrl.startsWith("file:")) return undefined;
  return path.resolve(databaseUrl.slice("file:".length).replace(/^\/\/(localhost)?/, ""));
}

/** AUTH_SECRET / NEXTAUTH_SECRET, else one generated on first start and kept in the data folder (0600). */
function resolveSecret(env: z.infer<typeof EnvSchema>, dataDir: string): string {
  return env.AUTH_SECRET ?? env.NEXTAUTH_SECRET ?? secretFile(dataDir, "auth-secret", () => randomBytes(32).toString("base64url"));
}

const KEY_FORMAT = "32 bytes as base64 / base64url (43-44 characters) or 64 hex characters";

/**
 * ENCRYPTION_KEYS: comma-separated, newest first (`new,old` during a rotation). Unset with a local
 * SQLite file: one key generated on first start into the data folder (0600), like the auth secret.
 * Unset with a libSQL server: an error, since every instance must hold the same keys and a key
 * generated on one machine would leave the others unable to read what it sealed. No message ever
 * repeats a key: configuration errors end up in logs.
 */
function encryptionKeys(given: string | undefined, databaseFile: string | undefined, dataDir: string): { keys: Keyring; from: string } {
  if (given === undefined) {
    if (!databaseFile) {
      throw new Error("Invalid configuration: ENCRYPTION_KEYS is required with a remote DATABASE_URL (libsql:, http(s):, ws(s):): set the same keys on every instance");
    }
    const file = path.join(dataDir, "encryption-key");
    const key = decodeKey(secretFile(dataDir, "encryption-key", newKeyText));
    if (!key) throw new Error(`Invalid configuration: ENCRYPTION_KEYS is unset and ${file} does not hold a key (${KEY_FORMAT}): restore that file, or set ENCRYPTION_KEYS`);
    return { keys: [key], from: file };
  }
  const entries = given.split(",").map((e) => e.trim());
  const keys = entries.map((entry, i) => {
    const where = entries.length > 1 ? `entry ${i + 1} of ENCRYPTION_KEYS` : "ENCRYPTION_KEYS";
    if (entry === "") throw new Error(`Invalid configuration: ${where} is empty (keys are comma-separated, newest first)`);
    const key = decodeKey(entry);
    if (!key) throw new Error(`Invalid configuration: ${where} is not a key: each must be ${KEY_FORMAT}`);
    return key;
  });
  keys.forEach((k, i) => {
    const first = keys.findIndex((o) => o.id === k.id);
    if (first !== i) throw new Error(`Invalid configuration: ENCRYPTION_KEYS lists the same key twice (entries ${first + 1} and ${i + 1})`);
  });
  return { keys, from: "ENCRYPTION_KEYS" };
}

export function parseConfig(source: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid configuration: ${String(issue.path[0])} ${issue.message}`);
  }
  const env = parsed.data;
  const databaseFile = databaseFileOf(env.DATABASE_URL);
  const dataDir = databaseFile ? path.dirname(databaseFile) : path.resolve("data");
  const port = env.PORT ?? 3000;
  const appUrl = (env.APP_URL ?? `http://localhost:${port}`).replace(/\/$/, "");
  const https = appUrl.startsWith("https://");
  if (env.SMTP_HOST && !env.SMTP_FROM) throw new Error("Invalid configuration: SMTP_FROM is required when SMTP_HOST is set");
  const encryption = encryptionKeys(env.ENCRYPTION_KEYS, databaseFile, dataDir);
  return {
    databaseUrl: env.DATABASE_URL,
    databaseAuthToken: env.DATABASE_AUTH_TOKEN,
    databaseFile,
    dataDir,
    encryptionKeys: encryption.keys,
    encryptionKeysFrom: encryption.from,
    valkeyUrl: env.VALKEY_URL,
    valkeyPrefix: env.VALKEY_PREFIX,
    authSecret: resolveSecret(env, dataDir),
    adminUser: env.ADMIN_USER,
    adminPassword: env.ADMIN_PASSWORD,
    smtp: env.SMTP_HOST
      ? {
          host: env.SMTP_HOST,
          port: env.SMTP_PORT ?? 587,
          secure: env.SMTP_SECURE === "true",
          user: env.SMTP_USER,
          password: env.SMTP_PASSWORD,
          from: env.SMTP_FROM!,
        }
      : undefined,
    appUrl,
    port,
    host: env.HOST ?? "0.0.0.0",
    https,
    secureCookies: https,
    bcryptCost: env.BCRYPT_COST ?? 12,
    // "inline" hashes on the event loop, as before the worker pool: a baseline for `npm run bench`
    // only, never for a deployment (one sign-in stalls every gateway call for the whole hash).
    passwordHashing: env.PASSWORD_HASHING ?? "pool",
    budgetAllowances: { imageTokens: env.BUDGET_IMAGE_TOKENS ?? 3_000, toolsTokens: env.BUDGET_TOOLS_TOKENS ?? 1_024 },
    gateway: {
      // Time allowed until the upstream's response headers; a stream may then run as long as it runs.
      upstreamTimeoutMs: env.GATEWAY_UPSTREAM_TIMEOUT_MS ?? 120_000,
      maxBodyBytes: env.GATEWAY_MAX_BODY_BYTES ?? 10 * 1024 * 1024,
      // Route /v1 through Next's route handlers instead of the server's direct path (slower; what
      // hosts without this server run, and how the tests cover those handlers).
      viaNext: env.GATEWAY_VIA_NEXT === "true",
    },
    trustProxy: env.TRUST_PROXY,
    session: {
      idleSeconds: (env.SESSION_IDLE_MINUTES ?? SESSION_DEFAULTS.idleMinutes) * 60,
      maxSeconds: (env.SESSION_MAX_HOURS ?? SESSION_DEFAULTS.maxHours) * 3600,
    },
  };
}

let cached: Config | undefined;
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
