// `npm start` / `npm run dev`: resolves the configuration (failing with one clear line when it is
// invalid), applies pending migrations, creates the default admin on first start, then runs Next with
// the resolved secret and URL in its environment (middleware on the edge runtime reads them from there).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { parseConfig } from "@/lib/config";

const mode = process.argv[2] === "dev" ? "dev" : "start";

async function main() {
  let cfg;
  try {
    cfg = parseConfig(process.env);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
  const { runMigrations } = await import("@/db/migrate");
  const { ensureDefaultAdmin } = await import("@/lib/users");
  const { closeDb } = await import("@/db");
  await runMigrations();
  if (await ensureDefaultAdmin()) {
    console.log(`Created the default admin "${cfg.adminUser}"; the password must be changed at first login.`);
  }
  closeDb();

  const port = process.env.PORT ?? "3000";
  const env = { ...process.env, NEXTAUTH_SECRET: cfg.authSecret, NEXTAUTH_URL: cfg.appUrl, APP_URL: cfg.appUrl, PORT: port };
  const child = spawn(process.execPath, [createRequire(import.meta.url).resolve("next/dist/bin/next"), mode, "-p", port, ...process.argv.slice(3)], {
    env,
    stdio: "inherit",
  });
  const stop = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
