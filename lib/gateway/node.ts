import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { config } from "@/lib/config";
import { gatewayHeaders } from "@/lib/security/headers";
import { handleCompletion, handleCountTokens, handleMe, handleModels } from "./index";

// The gateway served straight from Node's HTTP server (scripts/start.ts sends /v1/* here), without
// Next's router in between: a Next route handler alone costs about a millisecond per call on a small
// machine, more than the whole gateway's own work. app/v1/* route handlers call the same functions,
// for hosts where no custom server runs.

const ROUTES: Record<string, (req: IncomingMessage, signal: AbortSignal) => Promise<Response>> = {
  "POST /v1/chat/completions": (req, signal) => handleCompletion({ headers: headersOf(req), body: req, signal }, "openai"),
  "POST /v1/messages": (req, signal) => handleCompletion({ headers: headersOf(req), body: req, signal }, "anthropic"),
  "POST /v1/messages/count_tokens": (req, signal) => handleCountTokens({ headers: headersOf(req), body: req, signal }),
  "GET /v1/models": (req) => handleModels({ headers: headersOf(req) }),
  "GET /v1/me/permissions": (req) => handleMe({ headers: headersOf(req) }),
};

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  return headers;
}

export async function serveGateway(req: IncomingMessage, res: ServerResponse) {
  // On every answer, the 404 below and the server's 500 included (headers set here survive writeHead).
  for (const [name, value] of Object.entries(gatewayHeaders({ https: config().https }))) res.setHeader(name, value);
  const path = (req.url ?? "").split("?")[0];
  const route = ROUTES[`${req.method} ${path}`];
  if (!route) {
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: `Unknown gateway route ${req.method} ${path}`, type: "invalid_request_error", param: null, code: "not_found" } }));
    return;
  }
  const controller = new AbortController();
  // The client closing the connection before the answer is complete aborts the upstream call.
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const response = await route(req, controller.signal);
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => (headers[k] = v));
  // An API key is the gateway's only credential: no answer of it ever sets a cookie (tests assert it),
  // and none would reach the client if one slipped in.
  delete headers["set-cookie"];
  // An answer given before the request body was read (e.g. 413) closes the connection.
  if (!req.complete) res.shouldKeepAlive = false;
  res.writeHead(response.status, headers);
  if (!response.body) return void res.end();
  const reader = response.body.getReader();
  controller.signal.addEventListener("abort", () => void reader.cancel().catch(() => undefined), { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await new Promise<void>((resolve) => res.once("drain", resolve).once("close", resolve));
    }
  } catch {
    // the stream was cancelled because the client went away; nothing left to send
  }
  res.end();
}
