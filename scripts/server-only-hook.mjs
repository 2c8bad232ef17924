// Outside Next's bundler, `server-only` resolves to its throwing entry unless the process runs with
// the react-server condition, which Next itself must not run under. The server process loads the
// gateway's lib modules directly, so this hook maps that one marker package to its empty entry.
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const empty = pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve("server-only")), "empty.js")).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === "server-only") return { url: empty, shortCircuit: true };
  return nextResolve(specifier, context);
}
