import "server-only";
import type { GatewayRequest } from "./request";

/** A web Request (Next route handler) as the gateway reads it. */
export function fromWebRequest(request: Request): GatewayRequest {
  const body = request.body;
  return {
    headers: request.headers,
    signal: request.signal,
    body: body
      ? {
          async *[Symbol.asyncIterator]() {
            const reader = body.getReader();
            try {
              for (;;) {
                const { done, value } = await reader.read();
                if (done) return;
                yield value;
              }
            } finally {
              reader.releaseLock();
            }
          },
        }
      : null,
  };
}
