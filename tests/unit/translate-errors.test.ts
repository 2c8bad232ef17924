import { describe, expect, it } from "vitest";
import { errorBodyOf, translateErrorBody } from "@/lib/translate";
import { decodeAnthropicError, encodeAnthropicError } from "@/lib/translate/anthropic/error";
import type { ErrorKind } from "@/lib/translate/ir";
import { decodeOpenAIError, encodeOpenAIError } from "@/lib/translate/openai/error";

// Upstream error bodies in the client's style: JSON of either style (and of OpenAI-compatible
// servers' own shapes), or any text at all, where the status picks the kind.

const anthropicError = (type: string, message: string) => JSON.stringify({ type: "error", error: { type, message } });

describe("Anthropic upstream errors → OpenAI client", () => {
  it("keeps the message and turns the type into OpenAI's", () => {
    expect(translateErrorBody("anthropic", "openai", 429, anthropicError("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"))).toEqual({
      error: { message: "Number of request tokens has exceeded your per-minute rate limit", type: "rate_limit_error", param: null, code: "rate_limit_exceeded" },
    });
    expect(translateErrorBody("anthropic", "openai", 529, anthropicError("overloaded_error", "Overloaded"))).toEqual({
      error: { message: "Overloaded", type: "server_error", param: null, code: "overloaded" },
    });
  });

  it.each([
    ["invalid_request_error", "invalid_request"],
    ["authentication_error", "authentication"],
    ["permission_error", "permission"],
    ["not_found_error", "not_found"],
    ["rate_limit_error", "rate_limit"],
    ["overloaded_error", "overloaded"],
    ["api_error", "api_error"],
    ["request_too_large", "invalid_request"],
  ])("decodes the type %s as %s, whatever the status", (type, kind) => {
    expect(decodeAnthropicError(500, anthropicError(type, "m"))).toEqual({ kind, message: "m" });
  });

  it("decodes text (a proxy's HTML page) by its status, the message shortened", () => {
    const page = `<html><body>${"Bad gateway ".repeat(100)}</body></html>`;
    const { kind, message } = decodeAnthropicError(502, page);
    expect(kind).toBe("api_error");
    expect(message.length).toBe(501);
    expect(message.startsWith("<html><body>Bad gateway")).toBe(true);
    expect(message.endsWith("…")).toBe(true);
    expect(decodeAnthropicError(401, "")).toEqual({ kind: "authentication", message: "The upstream answered with status 401." });
    expect(decodeAnthropicError(529, "{not json")).toEqual({ kind: "overloaded", message: "{not json" });
  });
});

describe("OpenAI-style upstream errors → Anthropic client", () => {
  it("keeps the message and picks the kind by status", () => {
    const body = JSON.stringify({ error: { message: "Incorrect API key provided", type: "invalid_request_error", param: null, code: "invalid_api_key" } });
    expect(translateErrorBody("openai", "anthropic", 401, body)).toEqual({ type: "error", error: { type: "authentication_error", message: "Incorrect API key provided" } });
  });

  it("reads vLLM's and FastAPI's error shapes", () => {
    expect(decodeOpenAIError(400, JSON.stringify({ object: "error", message: "max_tokens is too large", type: "BadRequestError", param: null, code: 400 }))).toEqual({
      kind: "invalid_request",
      message: "max_tokens is too large",
    });
    expect(decodeOpenAIError(404, JSON.stringify({ detail: "Not Found" }))).toEqual({ kind: "not_found", message: "Not Found" });
    expect(decodeOpenAIError(500, JSON.stringify({ error: "model crashed" }))).toEqual({ kind: "api_error", message: "model crashed" });
  });

  it.each([
    [400, "invalid_request"],
    [401, "authentication"],
    [403, "permission"],
    [404, "not_found"],
    [413, "invalid_request"],
    [422, "invalid_request"],
    [429, "rate_limit"],
    [500, "api_error"],
    [502, "api_error"],
    [503, "overloaded"],
  ])("decodes a text body with status %i as %s", (status, kind) => {
    expect(decodeOpenAIError(status, "upstream trouble\n")).toEqual({ kind, message: "upstream trouble" });
  });
});

describe("the error encoders", () => {
  const kinds: ErrorKind[] = ["invalid_request", "authentication", "permission", "not_found", "rate_limit", "overloaded", "api_error"];

  it("write Anthropic's error body for every kind", () => {
    expect(kinds.map((k) => encodeAnthropicError(k, "m"))).toEqual(
      ["invalid_request_error", "authentication_error", "permission_error", "not_found_error", "rate_limit_error", "overloaded_error", "api_error"].map((type) => ({
        type: "error",
        error: { type, message: "m" },
      })),
    );
  });

  it("write OpenAI's error body for every kind", () => {
    expect(kinds.map((k) => encodeOpenAIError(k, "m"))).toEqual(
      [
        ["invalid_request_error", null],
        ["authentication_error", "invalid_api_key"],
        ["permission_error", null],
        ["invalid_request_error", "not_found"],
        ["rate_limit_error", "rate_limit_exceeded"],
        ["server_error", "overloaded"],
        ["server_error", null],
      ].map(([type, code]) => ({ error: { message: "m", type, param: null, code } })),
    );
    expect(errorBodyOf("openai", "rate_limit", "slow down")).toEqual(encodeOpenAIError("rate_limit", "slow down"));
  });

  it("round-trip: each kind survives its own style's encoder and decoder", () => {
    for (const kind of kinds) {
      expect(decodeAnthropicError(500, JSON.stringify(encodeAnthropicError(kind, "m"))).kind).toBe(kind);
    }
  });
});
