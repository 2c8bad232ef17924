import path from "node:path";
import { defineConfig } from "vitest/config";

// `npm test`: every test file, tests/unit included. `npm run test:unit` runs tests/unit alone (vitest.unit.config.ts).
export default defineConfig({
  resolve: {
    alias: {
      "@": import.meta.dirname,
      // lib modules carry `import "server-only"`; outside Next's bundler it is an empty marker.
      "server-only": path.join(import.meta.dirname, "tests/support/empty.ts"),
    },
  },
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/global-setup.ts"],
    // Two cores: the files that start a Next server or Chromium run one after another.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
