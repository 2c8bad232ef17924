import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

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
});

export type Config = {
  databaseUrl: string;
  databaseAuthToken?: string;
  dataDir: string;
  valkeyUrl?: string;
  valkeyPrefix: string;
  authSecret: string;
  adminUser: string;
  adminPassword: string;
  smtp?: { host: string; port: number; secure: boolean; user?: string; password?: string; from: string };
  appUrl: string;
  port: number;
  host: string;
  secureCookies: boolean;
  bcryptCost: number;
  passwordHashing: "pool" | "inline";
  gateway: { upstreamTimeoutMs: number; maxBodyBytes: number; viaNext: boolean };
};

function dataDirOf(databaseUrl: string): string {
  if (!databaseUrl.startsWith("file:")) return path.resolve("data");
  const file = databaseUrl.slice("file:".length).replace(/^\/\/(localhost)?/, "");
  return path.dirname(path.resolve(file));
}

/** AUTH_SECRET / NEXTAUTH_SECRET, else one generated on first start and kept in the data folder. */
function resolveSecret(env: z.infer<typeof EnvSchema>, dataDir: string): string {
  const given = env.AUTH_SECRET ?? env.NEXTAUTH_SECRET;
  if (given) return given;
  const file = path.join(dataDir, "auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
  return secret;
}

export function parseConfig(source: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid configuration: ${String(issue.path[0])} ${issue.message}`);
  }
  const env = parsed.data;
  const dataDir = dataDirOf(env.DATABASE_URL);
  const port = env.PORT ?? 3000;
  const appUrl = (env.APP_URL ?? `http://localhost:${port}`).replace(/\/$/, "");
  if (env.SMTP_HOST && !env.SMTP_FROM) throw new Error("Invalid configuration: SMTP_FROM is required when SMTP_HOST is set");
  return {
    databaseUrl: env.DATABASE_URL,
    databaseAuthToken: env.DATABASE_AUTH_TOKEN,
    dataDir,
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
    secureCookies: appUrl.startsWith("https://"),
    bcryptCost: env.BCRYPT_COST ?? 12,
    // "inline" hashes on the event loop, as before the worker pool: a baseline for `npm run bench`
    // only, never for a deployment (one sign-in stalls every gateway call for the whole hash).
    passwordHashing: env.PASSWORD_HASHING ?? "pool",
    gateway: {
      // Time allowed until the upstream's response headers; a stream may then run as long as it runs.
      upstreamTimeoutMs: env.GATEWAY_UPSTREAM_TIMEOUT_MS ?? 120_000,
      maxBodyBytes: env.GATEWAY_MAX_BODY_BYTES ?? 10 * 1024 * 1024,
      // Route /v1 through Next's route handlers instead of the server's direct path (slower; what
      // hosts without this server run, and how the tests cover those handlers).
      viaNext: env.GATEWAY_VIA_NEXT === "true",
    },
  };
}

let cached: Config | undefined;
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
