import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
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
  "POST /v1/responses": (req, signal) => handleCompletion({ headers: headersOf(req), body: req, signal }, "openai-responses"),
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

/**
 * A WebSocket upgrade on the gateway's routes: refused at once with a 400 and an OpenAI-shaped error
 * that says why, instead of a connection left hanging. Every route, /v1/responses included, is HTTP only.
 */
export function refuseGatewayUpgrade(socket: Duplex) {
  const body = JSON.stringify({
    error: {
      message: "Tollgate serves the gateway over plain HTTP only; WebSocket connections are not supported. Use POST /v1/responses with stream: true (Codex: a custom provider with wire_api = \"responses\" uses it).",
      type: "invalid_request_error",
      param: null,
      code: "websocket_not_supported",
    },
  });
  socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}
