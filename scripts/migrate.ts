// `npm run db:migrate`: applies pending migrations from drizzle/ to DATABASE_URL and exits.
import { runMigrations } from "@/db/migrate";
import { closeDb } from "@/db";

runMigrations()
  .then(() => {
    closeDb();
    console.log("Migrations applied.");
  })
  .catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
