import path from "node:path";

// What both vitest configs resolve alike: `@/` is the project root, and `server-only` (the marker lib
// modules carry) is an empty module outside Next's bundler.
export const resolve = {
  alias: {
    "@": import.meta.dirname,
    "server-only": path.join(import.meta.dirname, "tests/support/empty.ts"),
  },
};
