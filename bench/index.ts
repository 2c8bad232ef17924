// `npm run bench`: runs every benchmark in turn, each in a process of its own (configuration is read
// once per process), and prints their tables to stdout. Add one by writing bench/<name>.ts with a
// `run()` that also runs when the file is executed directly, and listing it here.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const benchmarks = ["users-list", "gateway", "translate", "templates", "budgets", "permissions", "login-load", "usage"];

const started = performance.now();
let failed = false;
for (const name of benchmarks) {
  const t = performance.now();
  const r = spawnSync(process.execPath, ["--import", "tsx", "--conditions=react-server", path.join(here, `${name}.ts`)], { stdio: "inherit" });
  console.log(`\n(${name} took ${((performance.now() - t) / 1000).toFixed(1)} s${r.status === 0 ? "" : `, FAILED with exit code ${r.status}`})`);
  failed ||= r.status !== 0;
}
console.log(`\nAll benchmarks done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
process.exitCode = failed ? 1 : 0;
