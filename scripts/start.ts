// `npm start` / `npm run dev`: the Tollgate server process.
// 1. Resolves the configuration (one clear line and exit 1 when it is invalid).
// 2. Applies pending migrations, builds the usage rollups once after an upgrade from before them,
//    encrypts upstream API keys still stored in clear (by a version before encryption at rest), creates
//    the default admin on first start, and starts the password hashing threads (lib/users/hash-pool).
// 3. Serves HTTP on PORT: the gateway (/v1/*) straight from Node (lib/gateway/node), and so the refusal
//    of sign-ins while the password hashing pool is full; everything else through Next in the same
//    process. One process means one SQLite connection and one in-process cache shared by the admin
//    pages and the gateway, so an eviction made by an admin action reaches the gateway before the
//    action returns even without Valkey.
import { register } from "node:module";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

// From source (npm run dev) the lib modules are loaded as they are; the built server (dist/server.mjs,
// see scripts/build-server.mjs) has `server-only` compiled away.
if (import.meta.url.endsWith(".ts")) register("./server-only-hook.mjs", import.meta.url);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dev = process.argv[2] === "dev";

async function main() {
  const { parseConfig } = await import("@/lib/config");
  let cfg;
  try {
    cfg = parseConfig(process.env);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
  // What Next's middleware (edge runtime, no file system) and next-auth read from the environment.
  process.env.NEXTAUTH_SECRET = cfg.authSecret;
  process.env.NEXTAUTH_URL = cfg.appUrl;
  process.env.APP_URL = cfg.appUrl;

  const { runMigrations } = await import("@/db/migrate");
  const { ensureDefaultAdmin, warmPasswordHashing } = await import("@/lib/users");
  const { sealClearKeys } = await import("@/lib/endpoints");
  await runMigrations();
  // Here rather than in runMigrations: the column and its encryption belong to lib/endpoints, which
  // db/ (below lib/) does not import; and `npm run db:migrate` stays a schema step.
  const { sealed } = await sealClearKeys();
  if (sealed > 0) console.log(`Encrypted ${sealed} upstream API key${sealed === 1 ? "" : "s"} stored in clear.`);
  // An upgrade from before the usage rollups: a ledger and no rollups yet. Built once, before serving
  // (the usage figures are read through them); otherwise two index probes.
  const { backfillRollups } = await import("@/lib/usage/rollups");
  const backfilled = await backfillRollups();
  if (backfilled) console.log(`Built the usage rollups of ${backfilled.users} user${backfilled.users === 1 ? "" : "s"} from the ledger.`);
  const { connectCache } = await import("@/lib/cache");
  await connectCache();
  const { budgetStore } = await import("@/lib/budgets");
  const budgetsReady = budgetStore().start();
  if (await ensureDefaultAdmin()) console.log(`Created the default admin "${cfg.adminUser}"; the password must be changed at first login.`);
  await warmPasswordHashing();

  const { port, host: hostname } = cfg;
  const { default: next } = await import("next");
  const app = next({ dev, dir: root, hostname, port });
  const handle = app.getRequestHandler();
  await app.prepare();
  await budgetsReady;
  const { serveGateway } = await import("@/lib/gateway/node");
  const { stampClientIp } = await import("@/lib/auth/client-ip");
  const { flushKeyUse } = await import("@/lib/keys");
  const { gatewayHeaders, siteHeaders } = await import("@/lib/security/headers");
  // Set here, at run time, on everything Next serves (pages, actions, route handlers, error pages,
  // static files): next.config's headers() are fixed at build time, and HSTS follows APP_URL. Next
  // keeps headers already on the response and sets none of these itself; the pages' CSP, which needs a
  // fresh nonce per response, comes from middleware.ts. The direct gateway path sets its own
  // (lib/gateway/node.ts), the same as /v1 gets here when it goes through Next.
  const site = Object.entries(siteHeaders({ https: cfg.https }));
  const gateway = Object.entries(gatewayHeaders({ https: cfg.https }));
  const { refuseSignInEarly } = await import("@/lib/auth/sign-in-admission");

  const server = http.createServer((req, res) => {
    stampClientIp(req);
    if (!cfg.gateway.viaNext && req.url?.startsWith("/v1/")) {
      serveGateway(req, res).catch((e) => {
        console.error("[gateway]", e);
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end();
      });
      return;
    }
    for (const [name, value] of req.url?.startsWith("/v1/") ? gateway : site) res.setHeader(name, value);
    // A sign-in that finds the password hashing pool full is refused here, before Next (see the function).
    if (refuseSignInEarly(req, res)) return;
    handle(req, res);
  });
  // Longer than the usual 60 s idle timeout of load balancers, so they close idle connections first.
  server.keepAliveTimeout = 65_000;
  const nextUpgrade = app.getUpgradeHandler();
  const { refuseGatewayUpgrade } = await import("@/lib/gateway/node");
  server.on("upgrade", (req, socket, head) => {
    // The gateway answers over plain HTTP: a WebSocket (Codex can try one on /v1/responses) is refused at once.
    if (req.url?.startsWith("/v1/")) return refuseGatewayUpgrade(socket);
    nextUpgrade(req, socket, head);
  });
  server.listen(port, hostname, () => console.log(`Tollgate ready on ${cfg.appUrl} (listening on ${hostname}:${port}${dev ? ", development" : ""})`));

  const shutdown = () => {
    server.close();
    // Last-used marks still in memory are written before leaving.
    flushKeyUse().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
