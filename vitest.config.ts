import { defineConfig } from "vitest/config";
import { resolve } from "./vitest.shared.ts";

// `npm test`: every test file, tests/unit included. `npm run test:unit` runs tests/unit alone (vitest.unit.config.ts).
export default defineConfig({
  resolve,
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
