// Process-wide singletons. `npm start` runs one process that loads lib/ twice: once bundled into
// dist/server.mjs (the server and the gateway) and once inside Next's own bundles (pages, actions).
// Module-level variables therefore exist twice, and only globalThis is common to both copies. Every
// piece of state that both must see (the database client, the cache, limiters, coalescers, the
// routing table) lives here, by name; a module-level Map of shared state would silently split in two.

const KEY = Symbol.for("tollgate.shared");
type Store = Map<string, unknown>;
const store = ((globalThis as { [KEY]?: Store })[KEY] ??= new Map());

/** The process's one `name`, made by `init` the first time either copy of lib/ asks for it. */
export function shared<T>(name: string, init: () => T): T {
  if (!store.has(name)) store.set(name, init());
  return store.get(name) as T;
}

/** Forgets `name` and hands it back to be closed, so that the next shared() call makes a new one. */
export function dropShared<T>(name: string): T | undefined {
  const value = store.get(name) as T | undefined;
  store.delete(name);
  return value;
}
