// The product's modules for a domain test, loaded after the test has set its environment (config() reads
// it once), migrated before the suite and closed after it.
import { afterAll, beforeAll } from "vitest";

type Opened = {
  db: { closeDb: () => void };
  cache: { closeCache: () => Promise<void> };
  migrate: { runMigrations: () => Promise<unknown> };
};

/**
 * Registers the suite's beforeAll/afterAll and returns the modules `load` gives, usable from the
 * tests (they are there once beforeAll has run).
 */
export function suiteModules<T extends Opened>(load: () => Promise<T>): T {
  let loaded: T | undefined;
  beforeAll(async () => {
    loaded = await load();
    await loaded.migrate.runMigrations();
  });
  afterAll(async () => {
    await loaded?.cache.closeCache();
    loaded?.db.closeDb();
  });
  return new Proxy({} as T, {
    get(_, name) {
      if (!loaded) throw new Error(`modules used before the suite's beforeAll: ${String(name)}`);
      return loaded[name as keyof T];
    },
  });
}
