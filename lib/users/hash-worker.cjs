// The bcrypt worker thread of lib/users/hash-pool.ts (piscina loads this file in each thread). Plain
// CommonJS loaded by its path at run time, so that neither Next's bundler nor esbuild ever sees it:
// the one file serves `npm start`, `npm run dev`, Next's server chunks and vitest alike. The thread
// does nothing else, so the synchronous calls are the cheap ones (no yielding to an event loop).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS on purpose (see above)
const bcrypt = require("bcryptjs");

exports.hash = ({ password, cost }) => bcrypt.hashSync(password, cost);
exports.compare = ({ password, hash }) => bcrypt.compareSync(password, hash);
