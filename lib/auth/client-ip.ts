import "server-only";
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import proxyaddr from "proxy-addr";
import { config, type TrustProxy } from "@/lib/config";
import { shared } from "@/lib/shared";

// The client's address, as the rest of the app may believe it. The server (scripts/start.ts) writes
// it into this header on every request, overwriting whatever the client sent; nothing else reads
// X-Forwarded-For. Without TRUST_PROXY it is the socket's address; with it, the X-Forwarded-For entry
// the trusted proxies vouch for (proxy-addr's rules), and only if that entry is an IP address.
export const CLIENT_IP_HEADER = "x-tollgate-client-ip";

type Trust = (address: string, hop: number) => boolean;

function compileTrust(trust: TrustProxy): Trust {
  if (!trust) return () => false;
  if ("hops" in trust) return (_address, hop) => hop < trust.hops;
  return proxyaddr.compile(trust.addresses);
}

export function clientIpOf(req: IncomingMessage): string {
  return resolveClientIp(req, shared("trust-proxy", () => compileTrust(config().trustProxy)));
}

/** The client address of a request given which proxies to trust (pure: the configuration is the caller's). */
export function resolveClientIp(req: Pick<IncomingMessage, "headers" | "socket">, trust: TrustProxy | Trust): string {
  if (typeof trust !== "function") trust = compileTrust(trust);
  const socket = req.socket.remoteAddress ?? "unknown";
  let address: string;
  try {
    address = proxyaddr(req as IncomingMessage, trust);
  } catch {
    address = socket;
  }
  return isIP(address) ? address : socket;
}

/** Called by the server for every request before anything else sees it. */
export function stampClientIp(req: IncomingMessage) {
  req.headers[CLIENT_IP_HEADER] = clientIpOf(req);
}

/** The address the server stamped, read from a request's headers (next-auth passes them as a plain object). */
export function stampedClientIp(headers: Headers | Record<string, unknown> | undefined): string {
  const value = headers instanceof Headers ? headers.get(CLIENT_IP_HEADER) : headers?.[CLIENT_IP_HEADER];
  return typeof value === "string" && isIP(value) ? value : "unknown";
}
