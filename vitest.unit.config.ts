import { defineConfig } from "vitest/config";
import { resolve } from "./vitest.shared.ts";

// `npm run test:unit`: the pure tests in tests/unit only (zod rules, budget windows, configuration,
// the gateway's call, meter, adapters and routing), with no build and no global setup (no
// valkey-server, no SMTP receiver): seconds, for the edit-and-test loop. `npm test` runs them too,
// once each, through vitest.config.ts.
export default defineConfig({
  resolve,
  test: {
    include: ["tests/unit/**/*.test.ts"],
  },
});
