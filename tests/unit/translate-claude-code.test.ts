import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { translateRequest } from "@/lib/translate";

// A request exactly as Claude Code 2.1.332 (the pinned test client) sends its first turn in print mode,
// captured from the CLI: a billing-header system block, cached system blocks, twelve tools (one with
// defer_loading), a system turn after the user's, adaptive thinking, context editing, an effort hint.
const request = JSON.parse(readFileSync("tests/fixtures/claude-code-2.1.332-request.json", "utf8"));
const terms = { model: "qwen3-coder", defaultMaxTokens: 8192, capField: "max_tokens" as const };

describe("a real Claude Code request, to an openai-style endpoint", () => {
  const { body, dropped } = translateRequest("anthropic", "openai", request, terms);
  const messages = body.messages as { role: string; content: unknown }[];

  it("keeps every instruction: the system blocks as one leading system message, the mid-conversation system turn in place", () => {
    expect(messages.map((m) => m.role)).toEqual(["system", "user", "system"]);
    expect(messages[0].content).toBe(request.system.map((b: { text: string }) => b.text).join("\n\n"));
    expect(messages[1].content).toEqual(request.messages[0].content.map((b: { text: string }) => ({ type: "text", text: b.text })));
    expect(messages[2].content).toBe(request.messages[1].content[0].text);
  });

  it("sends all twelve tools as functions with their schemas, and its caps, stream and user", () => {
    expect(body.tools).toEqual(request.tools.map((t: { name: string; description: string; input_schema: object }) => ({ type: "function", function: { name: t.name, description: t.description, parameters: t.input_schema } })));
    expect(body).toMatchObject({ model: "qwen3-coder", max_tokens: 32000, stream: true, user: request.metadata.user_id });
    expect(Object.keys(body).sort()).toEqual(["max_tokens", "messages", "model", "stream", "tools", "user"]);
  });

  it("lists what it dropped as advisory, and nothing else", () => {
    expect(dropped).toEqual([
      "thinking",
      "context_management",
      "output_config.effort",
      "system[1].cache_control",
      "system[2].cache_control",
      "messages[1].content[0].cache_control",
      "tools[10].defer_loading",
    ]);
  });
});
