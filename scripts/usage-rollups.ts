// `npm run usage:rollups [-- --user ID]`: recomputes the usage rollups (usage_rollups) from the ledger
// (usage_events), for one user or for everyone, a user and a week at a time. Safe while the server runs.
import { parseArgs } from "node:util";
import { closeDb } from "@/db";
import { runMigrations } from "@/db/migrate";
import { rebuildRollups } from "@/lib/usage/rollups";

async function main() {
  const { values } = parseArgs({ options: { user: { type: "string" } } });
  await runMigrations();
  const started = performance.now();
  const { users } = await rebuildRollups(values.user);
  console.log(`Rebuilt the usage rollups of ${users} user${users === 1 ? "" : "s"} in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
}

main()
  .catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  })
  .finally(() => closeDb());
