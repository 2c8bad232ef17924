// Stands in for the `server-only` marker package in the bundled server (scripts/build-server.mjs).
export {};
