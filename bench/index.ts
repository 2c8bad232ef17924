// `npm run bench`: runs every benchmark in turn and prints its tables to stdout.
//
// Add a benchmark by writing bench/<name>.ts exporting `run()` and listing it below. Note that config()
// is read once per process: users-list points DATABASE_URL at its own temporary database before that
// first read, so a later benchmark in this list shares that database (and must run before its cleanup,
// or be run in its own process) rather than setting a URL of its own.
import { run as usersList } from "./users-list";

const benchmarks: [name: string, run: () => Promise<unknown>][] = [["users-list", usersList]];

async function main() {
  const started = performance.now();
  for (const [name, run] of benchmarks) {
    const t = performance.now();
    await run();
    console.log(`\n(${name} took ${((performance.now() - t) / 1000).toFixed(1)} s)`);
  }
  console.log(`\nAll benchmarks done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exitCode = 1;
});
