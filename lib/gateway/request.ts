import { jsonTooDeep, MAX_JSON_DEPTH } from "@/lib/json-depth";
import { GatewayError } from "./errors";

/** What a call needs of its request: a web Request (route handlers) or Node's request (lib/gateway/node). */
export type GatewayRequest = { headers: Headers; body: AsyncIterable<Uint8Array> | null; signal: AbortSignal };

export type Json = Record<string, unknown>;

/** The request body as a JSON object; 413 past `max` bytes (never buffered beyond it), 400 when not an object. */
export async function readJsonBody(request: GatewayRequest, max: number): Promise<Json> {
  const tooLarge = () => new GatewayError("too_large", `The request body is larger than ${max} bytes.`);
  if (Number(request.headers.get("content-length") ?? 0) > max) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    // Read by hand rather than with for-await: leaving the loop early would destroy a Node request,
    // and with it the socket the 413 answer has to go out on.
    const body = request.body[Symbol.asyncIterator]();
    for (;;) {
      const { done, value } = await body.next();
      if (done) break;
      size += value.byteLength;
      // Stop reading at the limit; the rest of the body is never buffered.
      if (size > max) throw tooLarge();
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (jsonTooDeep(text)) throw new GatewayError("invalid_request", `The request body is nested more than ${MAX_JSON_DEPTH} levels deep.`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new GatewayError("invalid_request", "The request body is not valid JSON.");
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new GatewayError("invalid_request", "The request body must be a JSON object.");
  return body as Json;
}
