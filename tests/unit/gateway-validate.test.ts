import { describe, expect, it } from "vitest";
import { GatewayError } from "@/lib/gateway/errors";
import type { Json } from "@/lib/gateway/request";
import { checkRequestFields } from "@/lib/gateway/validate";

// The fields the gateway relies on are type-checked before a call is forwarded; a bad one is a 400 in
// the client's own error shape, naming the field. Everything else is left to the upstream.

const messages = [{ role: "user", content: "hi" }];
const openai = (extra: Json = {}): Json => ({ model: "gpt-4o", messages, ...extra });
const anthropic = (extra: Json = {}): Json => ({ model: "claude", max_tokens: 1024, messages, ...extra });

function refusal(style: "openai" | "anthropic", body: Json) {
  try {
    checkRequestFields(style, body);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).kind).toBe("invalid_request");
    expect((error as GatewayError).status).toBe(400);
    return (error as Error).message;
  }
  return undefined;
}

describe("bodies the gateway can rely on", () => {
  it("pass, unknown fields and content untouched", () => {
    const body = openai({
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 100,
      max_completion_tokens: 200,
      n: 128,
      tools: [{ type: "function", function: { name: "f" } }],
      tool_choice: "auto",
      reasoning_effort: "low",
      some_future_field: { nested: [1, 2] },
      messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "data:x" } }] }],
    });
    const before = structuredClone(body);
    expect(refusal("openai", body)).toBeUndefined();
    expect(body).toEqual(before);
    const claude = anthropic({
      stream: false,
      system: [{ type: "text", text: "s" }],
      tools: [{ type: "web_search_20250305", name: "web_search" }],
      thinking: { type: "enabled", budget_tokens: 1024 },
      mcp_servers: [],
    });
    expect(refusal("anthropic", claude)).toBeUndefined();
    expect(refusal("anthropic", anthropic({ system: "s", thinking: { type: "disabled" } }))).toBeUndefined();
    expect(refusal("anthropic", anthropic({ thinking: { type: "adaptive" } }))).toBeUndefined();
  });

  it("take null for OpenAI's optional fields, as OpenAI does", () => {
    expect(refusal("openai", openai({ stream: null, stream_options: null, max_tokens: null, max_completion_tokens: null, n: null, tools: null }))).toBeUndefined();
  });
});

describe("a field the gateway cannot rely on", () => {
  const cases: [string, "openai" | "anthropic", Json, string][] = [
    ["a missing model", "openai", { messages }, "`model` is required"],
    ["an empty model", "anthropic", anthropic({ model: "" }), "`model` must be a non-empty string"],
    ["a model that is not text", "openai", openai({ model: 4 }), "`model` must be a non-empty string"],
    ["missing messages", "anthropic", { model: "c", max_tokens: 5 }, "`messages` is required"],
    ["no messages", "openai", openai({ messages: [] }), "`messages` must be a non-empty array of messages"],
    ["messages that are not a list", "openai", openai({ messages: { role: "user" } }), "`messages` must be a non-empty array of messages"],
    ["a message that is not an object", "anthropic", anthropic({ messages: [messages[0], "hi"] }), "`messages[1]` must be an object"],
    ["a stream flag as text", "openai", openai({ stream: "true" }), "`stream` must be true or false"],
    ["a stream flag as a number", "anthropic", anthropic({ stream: 1 }), "`stream` must be true or false"],
    ["a null stream flag for Anthropic", "anthropic", anthropic({ stream: null }), "`stream` must be true or false"],
    ["stream options that are not an object", "openai", openai({ stream_options: [true] }), "`stream_options` must be an object"],
    ["a cap as text", "openai", openai({ max_tokens: "100" }), "`max_tokens` must be a positive integer"],
    ["a fractional cap", "openai", openai({ max_completion_tokens: 10.5 }), "`max_completion_tokens` must be a positive integer"],
    ["a zero cap", "openai", openai({ max_completion_tokens: 0 }), "`max_completion_tokens` must be a positive integer"],
    ["a negative cap", "anthropic", anthropic({ max_tokens: -1 }), "`max_tokens` must be a positive integer"],
    ["a Responses cap as text", "openai", openai({ max_output_tokens: "5" }), "`max_output_tokens` must be a positive integer"],
    ["no max_tokens for Anthropic", "anthropic", { model: "c", messages }, "`max_tokens` is required"],
    ["n of zero", "openai", openai({ n: 0 }), "`n` must be an integer from 1 to 128"],
    ["n above 128", "openai", openai({ n: 129 }), "`n` must be an integer from 1 to 128"],
    ["n as text", "openai", openai({ n: "2" }), "`n` must be an integer from 1 to 128"],
    ["tools that are not a list", "openai", openai({ tools: { type: "function" } }), "`tools` must be an array of tool objects"],
    ["a tool that is not an object", "anthropic", anthropic({ tools: [{ name: "f" }, "g"] }), "`tools[1]` must be an object"],
    ["thinking that is not an object", "anthropic", anthropic({ thinking: true }), "`thinking` must be an object"],
    ["thinking without a type", "anthropic", anthropic({ thinking: { budget_tokens: 2000 } }), "`thinking.type` is required"],
    ["enabled thinking without a budget", "anthropic", anthropic({ thinking: { type: "enabled" } }), "`thinking.budget_tokens` must be an integer of at least 1024 when thinking is enabled"],
    ["a budget under 1024", "anthropic", anthropic({ thinking: { type: "enabled", budget_tokens: 1023 } }), "`thinking.budget_tokens` must be an integer of at least 1024 when thinking is enabled"],
    ["a budget as text", "anthropic", anthropic({ thinking: { type: "enabled", budget_tokens: "2048" } }), "`thinking.budget_tokens` must be an integer of at least 1024 when thinking is enabled"],
    ["a system prompt that is a number", "anthropic", anthropic({ system: 42 }), "`system` must be a string or an array of text blocks"],
    ["a system prompt with a bare string block", "anthropic", anthropic({ system: ["s"] }), "`system` must be a string or an array of text blocks"],
  ];

  it.each(cases)("is refused with a message naming it: %s", (_, style, body, message) => {
    expect(refusal(style, body)).toBe(message);
  });

  it("is reported alone when there are several: the first in field order", () => {
    expect(refusal("openai", openai({ stream: "yes", n: 0 }))).toBe("`stream` must be true or false");
  });
});
