import path from "node:path";
import { defineConfig } from "vitest/config";

// `npm run test:unit`: the pure tests in tests/unit only (zod rules, budget windows, configuration,
// error shapes), with no build and no global setup (no valkey-server, no SMTP receiver): seconds, for
// the edit-and-test loop. `npm test` runs them too, once each, through vitest.config.ts, whose aliases
// these repeat (a config importing the other trips Vite's config loader).
export default defineConfig({
  resolve: {
    alias: {
      "@": import.meta.dirname,
      "server-only": path.join(import.meta.dirname, "tests/support/empty.ts"),
    },
  },
  test: {
    include: ["tests/unit/**/*.test.ts"],
  },
});
