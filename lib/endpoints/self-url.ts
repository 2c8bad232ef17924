import { BlockList, isIP } from "node:net";

// The rule that keeps an endpoint from pointing at this deployment itself: a call forwarded there
// would come back into the gateway, be forwarded again, and so on (one such call once recursed about a
// thousand times a second). Pure, so that it is tested without a server; lib/endpoints gives it this
// process's addresses. It looks at the URL only (no DNS): a name that merely resolves to this machine
// gets through here, and is stopped by the gateway's hop header instead (lib/gateway/upstream.ts).

export type SelfAddress = {
  /** APP_URL: the public URL, whose origin is this deployment wherever it is reached from. */
  appUrl: string;
  /** PORT and HOST: where this process listens. */
  port: number;
  host: string;
  /** With HOST 0.0.0.0 / ::, every address and the name of this machine reach it too. */
  localAddresses: readonly string[];
};

/** Addresses that always mean "this machine": the loopback ranges and the unspecified addresses. */
function loopback(): BlockList {
  const list = new BlockList();
  list.addSubnet("127.0.0.0", 8, "ipv4");
  list.addAddress("0.0.0.0", "ipv4");
  list.addAddress("::1", "ipv6");
  list.addAddress("::", "ipv6");
  return list;
}
const LOOPBACK = loopback();

/** A host as the URL parser leaves it, comparable: lower case, no IPv6 brackets, no trailing dot. */
const bare = (host: string) => host.toLowerCase().replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");

function isLoopback(host: string) {
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  const family = isIP(host);
  return family !== 0 && LOOPBACK.check(host, family === 4 ? "ipv4" : "ipv6");
}

const portOf = (url: URL) => Number(url.port || (url.protocol === "https:" ? 443 : 80));

/** True when `baseUrl` reaches this deployment: its APP_URL origin, or the address and port it listens on. */
export function pointsAtSelf(baseUrl: string, self: SelfAddress): boolean {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return false; // not a URL: the schema says so at the field
  }
  if (url.origin === new URL(self.appUrl).origin) return true;
  if (portOf(url) !== self.port) return false;
  const host = bare(url.hostname);
  if (isLoopback(host)) return true;
  const listening = bare(self.host);
  if (host === listening) return true;
  // Listening on every interface: each of this machine's own addresses and names reaches it.
  const everywhere = listening === "0.0.0.0" || listening === "::";
  return everywhere && self.localAddresses.some((a) => bare(a) === host);
}
