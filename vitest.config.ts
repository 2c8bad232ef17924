import { defineConfig } from "vitest/config";
import { resolve } from "./vitest.shared.ts";

// `npm test`: every test file, tests/unit included. `npm run test:unit` runs tests/unit alone (vitest.unit.config.ts).
//
// Two cores, two groups, one after the other:
// 1. every file but those below, two at a time: each starts its own app on its own port, SQLite file and
//    Valkey prefix (and its own Chromium), so they share nothing, and they spend much of their time
//    waiting on sockets and on the browser;
// 2. then, one at a time, the files whose assertions lean on timing and must not share the CPU (a
//    stream passed on chunk by chunk, a frozen or restarted valkey-server, sign-in under load, memory
//    held by a stream).
// The longest file, the shell audit, starts first (vitest runs the largest or, from its cache, the
// slowest files first), so that it never runs alone at the end.
const ALONE = [
  "tests/integration/cache.test.ts",
  "tests/integration/budgets-outage.test.ts",
  "tests/integration/sign-in-load-http.test.ts",
  "tests/integration/gateway-memory.test.ts",
  "tests/integration/gateway-valkey.test.ts",
  "tests/integration/gateway-loop.test.ts",
];

export default defineConfig({
  resolve,
  test: {
    globalSetup: ["tests/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    projects: [
      { extends: true, test: { name: "pairs", include: ["tests/**/*.test.ts"], exclude: ALONE, maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: "alone", include: ALONE, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
