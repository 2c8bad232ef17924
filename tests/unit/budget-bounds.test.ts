import { describe, expect, it } from "vitest";
import type { Json } from "@/lib/gateway/request";
import { applyOutputCap, DEFAULT_ALLOWANCES, inputBound, MIN_THINKING_BUDGET, minimumCap, requestedOutput } from "@/lib/budgets/bounds";

// The token bounds reserved before a call is forwarded (issue 9): they must never be below what the
// provider then bills, and the cap must be on the body as sent.

const A = DEFAULT_ALLOWANCES;
const bytes = (body: unknown) => Buffer.byteLength(JSON.stringify(body), "utf8");
const user = (content: unknown) => ({ role: "user", content });
const base64Of = (size: number) => Buffer.alloc(Math.ceil((size * 3) / 4), 7).toString("base64").slice(0, size);

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe("the input bound of text", () => {
  it("is the UTF-8 length of the body as sent, multi-byte text included", () => {
    const body = { model: "m", messages: [user("héllo 世界 🎉")] };
    expect(inputBound("openai", body, A)).toEqual({ tokens: bytes(body) });
    expect(bytes(body)).toBeGreaterThan(JSON.stringify(body).length); // bytes, not UTF-16 units
    const sent = JSON.stringify(body, null, 2);
    expect(inputBound("openai", body, A, sent).tokens).toBe(Buffer.byteLength(sent));
  });

  it("is at least what the providers report for their documented examples", () => {
    // OpenAI's API reference: 19 prompt tokens; Anthropic's token counting guide: 14, and 403 with a tool.
    const openai = { model: "gpt-4o", messages: [{ role: "developer", content: "You are a helpful assistant." }, user("Hello!")] };
    expect(inputBound("openai", openai, A).tokens).toBeGreaterThanOrEqual(19);
    const scientist = { model: "claude-opus-4-6", max_tokens: 1024, system: "You are a scientist", messages: [user("Hello, Claude")] };
    expect(inputBound("anthropic", scientist, A).tokens).toBeGreaterThanOrEqual(14);
    const weather = {
      model: "claude-opus-4-6",
      max_tokens: 1024,
      tools: [
        {
          name: "get_weather",
          description: "Get the current weather in a given location",
          input_schema: { type: "object", properties: { location: { type: "string", description: "The city and state, e.g. San Francisco, CA" } }, required: ["location"] },
        },
      ],
      messages: [user("What's the weather like in San Francisco?")],
    };
    // The bytes alone fall short: the provider's hidden tool prompt is what the allowance is for.
    expect(bytes(weather)).toBeLessThan(403);
    expect(inputBound("anthropic", weather, A).tokens).toBeGreaterThanOrEqual(403);
  });

  it("covers the chat template's tokens even for many one-character messages", () => {
    // OpenAI's cookbook count: 3 tokens per message + role + content (+1 for a name), + 3 to prime the
    // reply; a token is at least one byte, so content and role count at most their bytes.
    const messages = Array.from({ length: 500 }, (_, i) => (i % 2 ? { role: "assistant", content: "é" } : { role: "user", content: "a", name: "x" }));
    const template = 3 + messages.reduce((sum, m) => sum + 3 + bytes(m.role) - 2 + bytes(m.content) - 2 + ("name" in m ? 1 + bytes(m.name) - 2 : 0), 0);
    expect(inputBound("openai", { model: "m", messages }, A).tokens).toBeGreaterThanOrEqual(template);
  });
});

describe("images", () => {
  const megabyte = `data:image/png;base64,${base64Of(1_000_000)}`;

  it("counts a 1 MB base64 image as the allowance, not its bytes", () => {
    const body = { model: "m", messages: [user([{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url: megabyte, detail: "high" } }])] };
    const { tokens, unbounded } = inputBound("openai", body, A);
    expect(unbounded).toBeUndefined();
    expect(tokens).toBe(bytes(body) - megabyte.length + A.imageTokens);
    expect(tokens).toBeGreaterThan(A.imageTokens);
    expect(tokens).toBeLessThan(A.imageTokens + 200);
  });

  it("counts an image by URL as a whole image, though its URL is a few bytes", () => {
    const url = "https://example.com/cat.jpg";
    const body = { model: "m", messages: [user([{ type: "image_url", image_url: { url } }])] };
    expect(inputBound("openai", body, A).tokens).toBe(bytes(body) - url.length + A.imageTokens);
    const bare = { model: "m", messages: [user([{ type: "image_url", image_url: url }])] }; // compatible servers' form
    expect(inputBound("openai", bare, A).tokens).toBe(bytes(bare) - url.length + A.imageTokens);
  });

  it("counts Anthropic images by data and by URL, inside tool results too, at the allowance given", () => {
    const data = base64Of(300_000);
    const url = "https://example.com/chart.png";
    const body = {
      model: "m",
      max_tokens: 100,
      messages: [
        user([{ type: "image", source: { type: "base64", media_type: "image/png", data } }]),
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "shot", input: {} }] },
        user([{ type: "tool_result", tool_use_id: "t1", content: [{ type: "image", source: { type: "url", url } }, { type: "text", text: "done" }] }]),
      ],
    };
    const allowances = { imageTokens: 1600, toolsTokens: 0 };
    expect(inputBound("anthropic", body, allowances)).toEqual({ tokens: bytes(body) - data.length - url.length + 2 * 1600 });
  });
});

describe("tools", () => {
  const fn = { type: "function", function: { name: "f", parameters: { type: "object", properties: {} } } };

  it("adds the hidden tool prompt once when a call has tools, and not for an empty list", () => {
    const withTools = { model: "m", messages: [user("hi")], tools: [fn, fn] };
    expect(inputBound("openai", withTools, A).tokens).toBe(bytes(withTools) + A.toolsTokens);
    const legacy = { model: "m", messages: [user("hi")], functions: [fn.function] };
    expect(inputBound("openai", legacy, A).tokens).toBe(bytes(legacy) + A.toolsTokens);
    const none = { model: "m", messages: [user("hi")], tools: [] };
    expect(inputBound("openai", none, A).tokens).toBe(bytes(none));
    const custom = { model: "m", max_tokens: 5, messages: [user("hi")], tools: [{ name: "f", input_schema: { type: "object" } }, { type: "custom", name: "g", input_schema: { type: "object" } }] };
    expect(inputBound("anthropic", custom, A)).toEqual({ tokens: bytes(custom) + A.toolsTokens });
  });

  it("bounds Anthropic-defined client tools, counting each one's unseen schema as another allowance", () => {
    const tools = [{ type: "bash_20250124", name: "bash" }, { type: "text_editor_20250728", name: "str_replace_based_edit_tool" }, { type: "computer_20250124", name: "computer", display_width_px: 1024, display_height_px: 768 }, { type: "memory_20250818", name: "memory" }];
    const body = { model: "m", max_tokens: 5, messages: [user("hi")], tools };
    expect(inputBound("anthropic", body, A)).toEqual({ tokens: bytes(body) + 5 * A.toolsTokens });
  });
});

describe("inputs no bound covers", () => {
  const anthropic = (messages: unknown[], extra: Json = {}) => ({ model: "m", max_tokens: 5, messages, ...extra });
  const openai = (messages: unknown[], extra: Json = {}) => ({ model: "m", messages, ...extra });
  const pdf = { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" } };
  const cases: [string, "openai" | "anthropic", Json, string][] = [
    ["a PDF document", "anthropic", anthropic([user([{ type: "text", text: "sum up" }, pdf])]), "messages[0].content[1]: a document (PDF or file)"],
    ["a plain-text document", "anthropic", anthropic([user([{ type: "document", source: { type: "text", media_type: "text/plain", data: "x" } }])]), "messages[0].content[0]: a document (PDF or file)"],
    ["a document inside a tool result", "anthropic", anthropic([user("a"), { role: "assistant", content: "b" }, user([{ type: "tool_result", tool_use_id: "t", content: [{ type: "text", text: "ok" }, pdf] }])]), "messages[2].content[0].content[1]: a document (PDF or file)"],
    ["an image by file id", "anthropic", anthropic([user([{ type: "image", source: { type: "file", file_id: "file_1" } }])]), "messages[0].content[0]: an image by file id (Files API)"],
    ["a container upload", "anthropic", anthropic([user([{ type: "container_upload", file_id: "file_1" }])]), "messages[0].content[0]: a file uploaded to the code execution container"],
    ["a server tool's earlier result", "anthropic", anthropic([user("a"), { role: "assistant", content: [{ type: "web_search_tool_result", tool_use_id: "s", content: [] }] }]), "messages[1].content[0]: a content block of type `web_search_tool_result`"],
    ["web search", "anthropic", anthropic([user("a")], { tools: [{ name: "f", input_schema: {} }, { type: "web_search_20250305", name: "web_search" }] }), "tools[1]: a server-side tool (`web_search_20250305`)"],
    ["web fetch", "anthropic", anthropic([user("a")], { tools: [{ type: "web_fetch_20250910", name: "web_fetch" }] }), "tools[0]: a server-side tool (`web_fetch_20250910`)"],
    ["code execution", "anthropic", anthropic([user("a")], { tools: [{ type: "code_execution_20250825", name: "code_execution" }] }), "tools[0]: a server-side tool (`code_execution_20250825`)"],
    ["an MCP toolset", "anthropic", anthropic([user("a")], { tools: [{ type: "mcp_toolset", mcp_server_name: "x" }] }), "tools[0]: a server-side tool (`mcp_toolset`)"],
    ["MCP servers", "anthropic", anthropic([user("a")], { mcp_servers: [{ type: "url", url: "https://mcp.example.com", name: "x" }] }), "mcp_servers: tools from remote MCP servers"],
    ["a document in the system prompt", "anthropic", anthropic([user("a")], { system: [{ type: "text", text: "s" }, pdf] }), "system[1]: a document (PDF or file)"],
    ["a file", "openai", openai([user([{ type: "text", text: "sum up" }, { type: "file", file: { file_id: "file-1" } }])]), "messages[0].content[1]: a file (PDF or document)"],
    ["audio", "openai", openai([user([{ type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } }])]), "messages[0].content[0]: audio input"],
    ["an earlier audio reply", "openai", openai([user("a"), { role: "assistant", audio: { id: "audio_1" } }]), "messages[1].audio: a previous audio reply"],
    ["an unknown content part", "openai", openai([user([{ type: "video_url", video_url: { url: "https://example.com/v.mp4" } }])]), "messages[0].content[0]: a content part of type `video_url`"],
    ["a built-in tool", "openai", openai([user("a")], { tools: [{ type: "web_search" }] }), "tools[0]: a built-in tool (`web_search`)"],
    ["web search options", "openai", openai([user("a")], { web_search_options: {} }), "web_search_options: web search results"],
  ];

  it.each(cases)("names %s and where it is", (_, style, body, where) => {
    const bound = inputBound(style, body, A);
    expect(bound.unbounded).toBe(where);
    expect(bound.tokens).toBeGreaterThanOrEqual(bytes(body) - 100); // still the bound of the rest
  });

  it("names the first of several", () => {
    const body = anthropic([user([pdf])], { mcp_servers: [{ type: "url", url: "u", name: "x" }] });
    expect(inputBound("anthropic", body, A).unbounded).toBe("messages[0].content[0]: a document (PDF or file)");
  });

  it("bounds text, tool calls and results, thinking, search results and typed text parts", () => {
    const body = anthropic(
      [
        user([{ type: "text", text: "a" }, { type: "search_result", source: "s", title: "t", content: [{ type: "text", text: "x" }] }]),
        { role: "assistant", content: [{ type: "thinking", thinking: "hm", signature: "c2ln" }, { type: "redacted_thinking", data: "ZW5j" }, { type: "tool_use", id: "t", name: "f", input: { type: "document" } }] },
        user([{ type: "tool_result", tool_use_id: "t", content: "plain" }]),
      ],
      { system: "s" },
    );
    expect(inputBound("anthropic", body, A)).toEqual({ tokens: bytes(body) });
    const chat = openai([{ role: "system", content: [{ type: "text", text: "s" }] }, { role: "assistant", content: [{ type: "refusal", refusal: "no" }], tool_calls: [] }, { role: "tool", tool_call_id: "c", content: "r" }], { tools: [{ type: "custom", custom: { name: "g" } }] });
    expect(inputBound("openai", chat, A)).toEqual({ tokens: bytes(chat) + A.toolsTokens });
  });
});

describe("the requested output", () => {
  it("is the smallest cap an OpenAI client sent, and its n", () => {
    expect(requestedOutput("openai", {})).toEqual({ cap: undefined, n: 1 });
    expect(requestedOutput("openai", { max_tokens: 300 })).toEqual({ cap: 300, n: 1 });
    expect(requestedOutput("openai", { max_completion_tokens: 500, n: 3 })).toEqual({ cap: 500, n: 3 });
    expect(requestedOutput("openai", { max_tokens: 900, max_completion_tokens: 500 })).toEqual({ cap: 500, n: 1 });
    expect(requestedOutput("openai", { max_tokens: 400, max_completion_tokens: 500 })).toEqual({ cap: 400, n: 1 });
    expect(requestedOutput("openai", { max_output_tokens: 250, max_tokens: 400 })).toEqual({ cap: 250, n: 1 });
    expect(requestedOutput("openai", { max_tokens: null, n: null })).toEqual({ cap: undefined, n: 1 });
  });

  it("is max_tokens for Anthropic, always one choice", () => {
    expect(requestedOutput("anthropic", { max_tokens: 4096, n: 4, max_completion_tokens: 10 })).toEqual({ cap: 4096, n: 1 });
  });
});

describe("capping the output", () => {
  type Case = [label: string, sent: Json, capField: "max_tokens" | "max_completion_tokens", expected: Json, lowered: boolean];
  const cap = 1000;
  const cases: Case[] = [
    ["adds the endpoint's field when the client sent none", {}, "max_completion_tokens", { max_completion_tokens: cap }, true],
    ["adds max_tokens when that is the endpoint's field", {}, "max_tokens", { max_tokens: cap }, true],
    ["keeps a max_tokens below the cap, adding nothing", { max_tokens: 200 }, "max_completion_tokens", { max_tokens: 200 }, false],
    ["keeps a cap equal to it", { max_completion_tokens: cap }, "max_completion_tokens", { max_completion_tokens: cap }, false],
    ["lowers a max_tokens above it", { max_tokens: 5000 }, "max_completion_tokens", { max_tokens: cap }, true],
    ["lowers a max_completion_tokens above it", { max_completion_tokens: 5000 }, "max_tokens", { max_completion_tokens: cap }, true],
    ["lowers the one field above it and keeps the other", { max_tokens: 200, max_completion_tokens: 5000 }, "max_tokens", { max_tokens: 200, max_completion_tokens: cap }, true],
    ["lowers both when both are above it", { max_tokens: 3000, max_completion_tokens: 5000 }, "max_tokens", { max_tokens: cap, max_completion_tokens: cap }, true],
    ["keeps both when both are below it", { max_tokens: 300, max_completion_tokens: 500 }, "max_tokens", { max_tokens: 300, max_completion_tokens: 500 }, false],
    ["lowers the Responses API's max_output_tokens", { max_output_tokens: 5000 }, "max_tokens", { max_output_tokens: cap }, true],
    ["replaces a null cap with the endpoint's field", { max_tokens: null }, "max_completion_tokens", { max_completion_tokens: cap }, true],
    ["replaces a cap that is not a number", { max_tokens: "5000" }, "max_tokens", { max_tokens: cap }, true],
  ];

  it.each(cases)("openai: %s", (_, sent, capField, expected, lowered) => {
    const body = deepFreeze({ model: "m", messages: [user("hi")], ...sent });
    expect(applyOutputCap("openai", body, cap, capField)).toEqual({ body: { model: "m", messages: [user("hi")], ...expected }, lowered });
  });

  it("anthropic: lowers max_tokens above the cap, keeps it below, adds it when missing, whatever the endpoint field", () => {
    const body = (extra: Json) => deepFreeze({ model: "m", messages: [user("hi")], ...extra });
    expect(applyOutputCap("anthropic", body({ max_tokens: 8192 }), cap, "max_completion_tokens")).toEqual({ body: body({ max_tokens: cap }), lowered: true });
    expect(applyOutputCap("anthropic", body({ max_tokens: 512 }), cap, "max_completion_tokens")).toEqual({ body: body({ max_tokens: 512 }), lowered: false });
    expect(applyOutputCap("anthropic", body({}), cap, "max_completion_tokens")).toEqual({ body: body({ max_tokens: cap }), lowered: true });
  });

  describe("Anthropic thinking", () => {
    const thinking = (budget_tokens: number) => ({ type: "enabled", budget_tokens });
    const body = (max_tokens: number, t: Json) => deepFreeze({ model: "m", max_tokens, messages: [user("hi")], thinking: t });

    it("keeps a budget below the lowered max_tokens", () => {
      expect(applyOutputCap("anthropic", body(16000, thinking(2000)), 4000, "max_tokens")).toEqual({ body: body(4000, thinking(2000)), lowered: true });
    });

    it("lowers a budget to one below the lowered max_tokens, keeping its other fields", () => {
      const t = { ...thinking(10000), display: "summarized" };
      expect(applyOutputCap("anthropic", body(16000, t), 4000, "max_tokens")).toEqual({ body: body(4000, { ...t, budget_tokens: 3999 }), lowered: true });
      expect(applyOutputCap("anthropic", body(16000, thinking(8000)), MIN_THINKING_BUDGET + 1, "max_tokens").body.thinking).toEqual(thinking(MIN_THINKING_BUDGET));
    });

    it("drops thinking when less than the minimum budget would fit", () => {
      const { body: capped, lowered } = applyOutputCap("anthropic", body(16000, thinking(8000)), MIN_THINKING_BUDGET, "max_tokens");
      expect(capped).toEqual({ model: "m", max_tokens: MIN_THINKING_BUDGET, messages: [user("hi")] });
      expect(lowered).toBe(true);
    });

    it("leaves disabled thinking, and a budget over an unlowered max_tokens (interleaved thinking), as sent", () => {
      expect(applyOutputCap("anthropic", body(16000, { type: "disabled" }), 500, "max_tokens").body.thinking).toEqual({ type: "disabled" });
      expect(applyOutputCap("anthropic", body(4000, thinking(20000)), 8000, "max_tokens")).toEqual({ body: body(4000, thinking(20000)), lowered: false });
    });
  });

  it("never changes the body it is given", () => {
    const sent = { model: "m", max_tokens: 16000, messages: [user("hi")], thinking: { type: "enabled", budget_tokens: 12000 } };
    const before = structuredClone(sent);
    const { body } = applyOutputCap("anthropic", sent, 2000, "max_tokens");
    expect(sent).toEqual(before);
    expect(body).not.toBe(sent);
    expect(body.thinking).not.toBe(sent.thinking);
  });
});

describe("the minimum cap", () => {
  it("is the client's own cap or the model's maximum, up to 1024", () => {
    expect(minimumCap(undefined, 8192)).toBe(1024);
    expect(minimumCap(4096, 8192)).toBe(1024);
    expect(minimumCap(200, 8192)).toBe(200);
    expect(minimumCap(undefined, 512)).toBe(512);
  });
});

describe("a Responses API body (passed through to an openai-responses endpoint)", () => {
  it("bounds its input items: text by bytes, images by the allowance, files and hosted tools named as unbounded", () => {
    const image = `data:image/png;base64,${base64Of(1_000_000)}`;
    const body = { model: "m", input: [{ role: "user", content: [{ type: "input_text", text: "Look" }, { type: "input_image", image_url: image }] }] };
    expect(inputBound("openai-responses", body, A)).toEqual({ tokens: bytes(body) - image.length + A.imageTokens });
    const file = { model: "m", input: [{ role: "user", content: [{ type: "input_file", file_id: "file_1" }] }] };
    expect(inputBound("openai-responses", file, A).unbounded).toBe("input[0].content[0]: a file or audio input");
    const hosted = { model: "m", input: "Hi", tools: [{ type: "function", name: "f", parameters: {} }, { type: "web_search" }] };
    expect(inputBound("openai-responses", hosted, A).unbounded).toBe("tools[1]: a built-in tool (`web_search`)");
  });

  it("caps the output with max_output_tokens, lowering it or adding it", () => {
    expect(applyOutputCap("openai-responses", { model: "m", input: "Hi" }, 500, "max_tokens")).toEqual({ body: { model: "m", input: "Hi", max_output_tokens: 500 }, lowered: true });
    expect(applyOutputCap("openai-responses", { model: "m", input: "Hi", max_output_tokens: 900 }, 500, "max_tokens").body.max_output_tokens).toBe(500);
    expect(requestedOutput("openai-responses", { max_output_tokens: 700 })).toEqual({ cap: 700, n: 1 });
  });
});
