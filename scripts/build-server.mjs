// Part of `npm run build`: bundles the server (scripts/start.ts and the lib modules it loads) into
// dist/server.mjs, so that `npm start` runs plain JavaScript with no TypeScript loader in the process.
// npm packages stay external (node_modules); `server-only` becomes an empty module.
import { build } from "esbuild";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

await build({
  entryPoints: [path.join(root, "scripts/start.ts")],
  outfile: path.join(root, "dist/server.mjs"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
  alias: { "server-only": path.join(root, "scripts/empty-module.js") },
  logLevel: "warning",
});
console.log("Built dist/server.mjs");
