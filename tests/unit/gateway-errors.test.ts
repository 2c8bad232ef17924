import Anthropic from "@anthropic-ai/sdk";
import { createServer, type Server } from "node:http";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorResponse, GatewayError, type ApiStyle } from "@/lib/gateway/errors";

// The gateway's error answers, served as they are to the official SDKs: each status must surface as
// the SDK's own error class, with the message intact.

let server: Server;
let url: string;
let next: { style: ApiStyle; error: GatewayError };

beforeAll(async () => {
  server = createServer(async (req, res) => {
    req.resume();
    const response = errorResponse(next.style, next.error);
    res.writeHead(response.status, { "content-type": "application/json" });
    res.end(await response.text());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const cases: [ConstructorParameters<typeof GatewayError>[0], number, string, string][] = [
  ["invalid_request", 400, "BadRequestError", "BadRequestError"],
  ["authentication", 401, "AuthenticationError", "AuthenticationError"],
  ["permission", 403, "PermissionDeniedError", "PermissionDeniedError"],
  ["not_found", 404, "NotFoundError", "NotFoundError"],
  ["rate_limit", 429, "RateLimitError", "RateLimitError"],
  ["upstream", 502, "InternalServerError", "InternalServerError"],
  ["unavailable", 503, "InternalServerError", "InternalServerError"],
  ["timeout", 504, "InternalServerError", "InternalServerError"],
];

describe("gateway errors as the SDKs see them", () => {
  for (const [kind, status, openaiClass, anthropicClass] of cases) {
    it(`${kind} → ${status}: OpenAI ${openaiClass}, Anthropic ${anthropicClass}`, async () => {
      next = { style: "openai", error: new GatewayError(kind, `openai ${kind}`) };
      const oe = await new OpenAI({ apiKey: "k", baseURL: url + "/v1", maxRetries: 0 }).chat.completions
        .create({ model: "m", messages: [{ role: "user", content: "x" }] })
        .catch((e) => e);
      expect(oe).toBeInstanceOf((OpenAI as unknown as Record<string, new () => Error>)[openaiClass]);
      expect(oe.status).toBe(status);
      expect(oe.error.message).toBe(`openai ${kind}`);

      next = { style: "anthropic", error: new GatewayError(kind, `anthropic ${kind}`) };
      const ae = await new Anthropic({ apiKey: "k", baseURL: url, maxRetries: 0 }).messages
        .create({ model: "m", max_tokens: 1, messages: [{ role: "user", content: "x" }] })
        .catch((e) => e);
      expect(ae).toBeInstanceOf((Anthropic as unknown as Record<string, new () => Error>)[anthropicClass]);
      expect(ae.status).toBe(status);
      expect(ae.error).toMatchObject({ type: "error", error: { message: `anthropic ${kind}` } });
    });
  }
});
