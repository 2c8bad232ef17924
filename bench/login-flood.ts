// The bad sign-ins of bench/login-load.ts, in a process of their own so that they do not share an
// event loop with the gateway calls being timed. Started with the app's URL, the number of concurrent
// clients, and the known usernames' prefix and count; it signs in with wrong passwords without pause
// until told "stop" over IPC, then sends back what the attempts got.
import { csrfOf, signInAttempt } from "../tests/support/http";

const [url, concurrencyArg, knownPrefix, knownCountArg] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
const knownCount = Number(knownCountArg);

export type FloodOutcome = { attempts: number; seconds: number; compared: number; refused: number; limited: number; other: number; otherSample?: string };

let running = true;
let attempts = 0;
let unknown = 0;
let known = 0;
let ip = 0;
const outcome: FloodOutcome = { attempts: 0, seconds: 0, compared: 0, refused: 0, limited: 0, other: 0 };

// Alternately an unknown username (new each time) and one of the known users (in turn, so that none
// reaches the per-username limit of 10 failures); each attempt from an address of its own, past the
// per-address limit. So every admitted attempt costs a real bcrypt comparison.
async function client(i: number) {
  const csrf = await csrfOf(url); // one token serves all of a client's attempts, as an attacker would use it
  for (let n = 0; running; n++) {
    const username = (i + n) % 2 ? `ghost-${process.pid}-${unknown++}` : `${knownPrefix}${known++ % knownCount}`;
    ip++;
    const address = `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}`;
    const a = await signInAttempt(url, username, "wrong-password", { csrf, headers: { "x-forwarded-for": address } }).catch((e: Error) => ({ status: 0, error: e.message }));
    attempts++;
    if (a.status === 503) outcome.refused++;
    else if (a.error === "Invalid username or password.") outcome.compared++;
    else if (a.error?.startsWith("Too many failed sign-ins")) outcome.limited++;
    else {
      outcome.other++;
      outcome.otherSample ??= `${a.status} ${a.error}`;
    }
  }
}

const started = performance.now();
const clients = Array.from({ length: concurrency }, (_, i) => client(i));
process.send!("started");
process.on("message", async (m) => {
  if (m !== "stop") return;
  running = false;
  await Promise.all(clients);
  process.send!({ ...outcome, attempts, seconds: (performance.now() - started) / 1000 });
  process.disconnect();
});
