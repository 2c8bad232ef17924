import { describe, expect, it } from "vitest";
import { translateRequest, UntranslatableField } from "@/lib/translate";
import { decodeAnthropicRequest, encodeAnthropicRequest } from "@/lib/translate/anthropic/request";
import type { ChatRequest } from "@/lib/translate/ir";
import { decodeOpenAIRequest, encodeOpenAIRequest } from "@/lib/translate/openai/request";

// Requests between the two API styles: a real-shaped client body in, the upstream's body out, field
// by field. Every client field is translated, dropped as advisory (its path listed) or refused.

type Json = Record<string, unknown>;
const terms = { model: "upstream-model", defaultMaxTokens: 4096, capField: "max_tokens" as const };
/** The upstream body and the dropped fields (the decoded request is the gateway's, for the answer). */
const sent = ({ body, dropped }: ReturnType<typeof translateRequest>) => ({ body, dropped });
/** An Anthropic client's body for an OpenAI-style upstream. */
const toOpenAI = (body: Json, capField: "max_tokens" | "max_completion_tokens" = "max_tokens") => sent(translateRequest("anthropic", "openai", body, { ...terms, capField }));
/** An OpenAI client's body for an Anthropic upstream. */
const toAnthropic = (body: Json) => sent(translateRequest("openai", "anthropic", body, terms));

/** The field a refused call names (and fails the test when the call is not refused). */
function refused(call: () => unknown): string {
  try {
    call();
  } catch (e) {
    expect(e).toBeInstanceOf(UntranslatableField);
    expect((e as UntranslatableField).message).toMatch(/cannot be translated|is not known/);
    return (e as UntranslatableField).field;
  }
  throw new Error("the call was not refused");
}

const user = (content: unknown) => ({ role: "user", content });
const png = "iVBORw0KGgo=";

describe("Anthropic client → OpenAI upstream", () => {
  it("turns a system string and text turns into messages, the cap under max_tokens", () => {
    const out = toOpenAI({
      model: "claude-sonnet-4-5",
      max_tokens: 1024,
      system: "Be brief.",
      messages: [user("Hi"), { role: "assistant", content: "Hello!" }, user([{ type: "text", text: "How are you?" }])],
    });
    expect(out).toEqual({
      body: {
        model: "upstream-model",
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Hi" },
          { role: "assistant", content: "Hello!" },
          { role: "user", content: "How are you?" },
        ],
        max_tokens: 1024,
      },
      dropped: [],
    });
  });

  it("joins system blocks into one system message and drops their cache_control", () => {
    const out = toOpenAI({
      model: "m",
      max_tokens: 10,
      system: [
        { type: "text", text: "You are Claude Code." },
        { type: "text", text: "Project notes.", cache_control: { type: "ephemeral" } },
      ],
      messages: [user([{ type: "text", text: "Hi", cache_control: { type: "ephemeral" } }])],
    });
    expect(out.body.messages).toEqual([
      { role: "system", content: "You are Claude Code.\n\nProject notes." },
      { role: "user", content: "Hi" },
    ]);
    expect(out.dropped).toEqual(["system[1].cache_control", "messages[0].content[0].cache_control"]);
  });

  it("writes the cap under the endpoint's cap field", () => {
    expect(toOpenAI({ model: "m", max_tokens: 300, messages: [user("x")] }, "max_completion_tokens").body).toEqual({
      model: "upstream-model",
      messages: [{ role: "user", content: "x" }],
      max_completion_tokens: 300,
    });
  });

  it("turns base64 and URL images into image_url parts", () => {
    const out = toOpenAI({
      model: "m",
      max_tokens: 10,
      messages: [
        user([
          { type: "image", source: { type: "base64", media_type: "image/png", data: png } },
          { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
          { type: "text", text: "What are these?" },
        ]),
      ],
    });
    expect(out.body.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: `data:image/png;base64,${png}` } },
          { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
          { type: "text", text: "What are these?" },
        ],
      },
    ]);
  });

  it("turns tools, temperature, top_p, stop sequences, the user id and stream into their OpenAI fields", () => {
    const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    const out = toOpenAI({
      model: "m",
      max_tokens: 10,
      messages: [user("Weather?")],
      tools: [{ name: "get_weather", description: "Weather by city", input_schema: schema, cache_control: { type: "ephemeral" } }, { name: "noop", input_schema: { type: "object" } }],
      tool_choice: { type: "auto" },
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ["END"],
      metadata: { user_id: "user-42" },
      stream: true,
    });
    expect(out).toEqual({
      body: {
        model: "upstream-model",
        messages: [{ role: "user", content: "Weather?" }],
        tools: [
          { type: "function", function: { name: "get_weather", description: "Weather by city", parameters: schema } },
          { type: "function", function: { name: "noop", parameters: { type: "object" } } },
        ],
        tool_choice: "auto",
        max_tokens: 10,
        temperature: 0.2,
        top_p: 0.9,
        stop: ["END"],
        user: "user-42",
        stream: true,
      },
      dropped: ["top_k", "tools[0].cache_control"],
    });
  });

  it.each([
    [{ type: "auto" }, "auto"],
    [{ type: "any" }, "required"],
    [{ type: "none" }, "none"],
    [{ type: "tool", name: "get_weather" }, { type: "function", function: { name: "get_weather" } }],
  ])("turns tool_choice %j into %j", (choice, expected) => {
    const out = toOpenAI({ model: "m", max_tokens: 1, messages: [user("x")], tools: [{ name: "get_weather", input_schema: { type: "object" } }], tool_choice: choice });
    expect(out.body.tool_choice).toEqual(expected);
    expect(out.body.parallel_tool_calls).toBeUndefined();
  });

  it("turns disable_parallel_tool_use into parallel_tool_calls: false", () => {
    const out = toOpenAI({
      model: "m",
      max_tokens: 1,
      messages: [user("x")],
      tools: [{ name: "t", input_schema: { type: "object" } }],
      tool_choice: { type: "any", disable_parallel_tool_use: true },
    });
    expect(out.body.tool_choice).toBe("required");
    expect(out.body.parallel_tool_calls).toBe(false);
  });

  it("turns a tool_use turn and a user turn of tool results (one an error) into tool_calls and tool messages, then the user's text", () => {
    const out = toOpenAI({
      model: "m",
      max_tokens: 100,
      messages: [
        user("Weather in Paris and Rome?"),
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Two cities.", signature: "sig" },
            { type: "text", text: "Checking." },
            { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
            { type: "tool_use", id: "toolu_2", name: "get_weather", input: { city: "Rome" } },
          ],
        },
        user([
          { type: "tool_result", tool_use_id: "toolu_1", content: "18°C" },
          { type: "tool_result", tool_use_id: "toolu_2", content: [{ type: "text", text: "no station" }], is_error: true },
          { type: "text", text: "Answer in French." },
        ]),
      ],
    });
    expect(out.body.messages).toEqual([
      { role: "user", content: "Weather in Paris and Rome?" },
      {
        role: "assistant",
        content: "Checking.",
        tool_calls: [
          { id: "toolu_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
          { id: "toolu_2", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: "tool", tool_call_id: "toolu_1", content: "18°C" },
      { role: "tool", tool_call_id: "toolu_2", content: "Error: no station" },
      { role: "user", content: "Answer in French." },
    ]);
    expect(out.dropped).toEqual(["messages[1].content[0]"]);
  });

  it("gives an assistant turn of tool calls only a null content, and drops redacted thinking", () => {
    const out = toOpenAI({
      model: "m",
      max_tokens: 1,
      messages: [user("x"), { role: "assistant", content: [{ type: "redacted_thinking", data: "abc" }, { type: "tool_use", id: "t1", name: "ls", input: {} }] }],
    });
    expect((out.body.messages as Json[])[1]).toEqual({ role: "assistant", content: null, tool_calls: [{ id: "t1", type: "function", function: { name: "ls", arguments: "{}" } }] });
    expect(out.dropped).toEqual(["messages[1].content[0]"]);
  });

  it("drops the advisory fields Claude Code sends: thinking, context_management, output_config effort, service_tier", () => {
    const out = toOpenAI({
      model: "m",
      max_tokens: 1,
      messages: [user("x")],
      thinking: { type: "enabled", budget_tokens: 1024 },
      context_management: { edits: [] },
      output_config: { effort: "high" },
      service_tier: "auto",
    });
    expect(out.dropped).toEqual(["thinking", "context_management", "service_tier", "output_config.effort"]);
    expect(Object.keys(out.body)).toEqual(["model", "messages", "max_tokens"]);
  });

  it("refuses what an OpenAI-style upstream cannot do, naming the field", () => {
    const base = { model: "m", max_tokens: 1 };
    expect(refused(() => toOpenAI({ ...base, messages: [user([{ type: "document", source: { type: "text", media_type: "text/plain", data: "x" } }])] }))).toBe("messages[0].content[0]");
    expect(refused(() => toOpenAI({ ...base, messages: [user("x")], tools: [{ type: "web_search_20250305", name: "web_search" }] }))).toBe("tools[0]");
    expect(refused(() => toOpenAI({ ...base, messages: [user("x")], tools: [{ type: "bash_20250124", name: "bash" }] }))).toBe("tools[0]");
    expect(refused(() => toOpenAI({ ...base, messages: [user("x")], mcp_servers: [{ type: "url", url: "https://mcp.example", name: "x" }] }))).toBe("mcp_servers");
    expect(refused(() => toOpenAI({ ...base, messages: [user("x")], container: "c_1" }))).toBe("container");
    expect(refused(() => toOpenAI({ ...base, messages: [user("x")], output_config: { format: { type: "json_schema", schema: {} } } }))).toBe("output_config.format");
    expect(refused(() => toOpenAI({ ...base, messages: [user("x")], stop_sequences: ["a", "b", "c", "d", "e"] }))).toBe("stop_sequences");
    const image = { type: "image", source: { type: "base64", media_type: "image/png", data: png } };
    expect(refused(() => toOpenAI({ ...base, messages: [user([{ type: "tool_result", tool_use_id: "t", content: [{ type: "text", text: "shot:" }, image] }])] }))).toBe("messages[0].content[0].content[1]");
  });

  it("refuses a top-level field it does not know", () => {
    expect(refused(() => toOpenAI({ model: "m", max_tokens: 1, messages: [user("x")], speculative_decoding: true }))).toBe("speculative_decoding");
  });

  it("sends no tool_choice or parallel flag, and no empty tool list, when there are no tools", () => {
    const out = toOpenAI({ model: "m", max_tokens: 1, messages: [user("x")], tools: [], tool_choice: { type: "auto", disable_parallel_tool_use: true } });
    expect(out.body).toEqual({ model: "upstream-model", messages: [{ role: "user", content: "x" }], max_tokens: 1 });
    const back = toAnthropic({ model: "m", messages: [user("x")], tools: [], tool_choice: "none", parallel_tool_calls: false });
    expect(back.body).toEqual({ model: "upstream-model", max_tokens: 4096, messages: [{ role: "user", content: [{ type: "text", text: "x" }] }] });
  });

  it("keeps a custom tool (type custom) as a function", () => {
    const out = toOpenAI({ model: "m", max_tokens: 1, messages: [user("x")], tools: [{ type: "custom", name: "t", input_schema: { type: "object" } }] });
    expect(out.body.tools).toEqual([{ type: "function", function: { name: "t", parameters: { type: "object" } } }]);
  });
});

describe("OpenAI client → Anthropic upstream", () => {
  it("folds system and developer messages into system, and defaults max_tokens", () => {
    const out = toAnthropic({
      model: "gpt-4o",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "developer", content: [{ type: "text", text: "Use metric units." }] },
        user("Hi"),
        { role: "assistant", content: "Hello!" },
        user("Weather?"),
      ],
    });
    expect(out).toEqual({
      body: {
        model: "upstream-model",
        max_tokens: 4096,
        system: [
          { type: "text", text: "Be brief." },
          { type: "text", text: "Use metric units." },
        ],
        messages: [
          { role: "user", content: [{ type: "text", text: "Hi" }] },
          { role: "assistant", content: [{ type: "text", text: "Hello!" }] },
          { role: "user", content: [{ type: "text", text: "Weather?" }] },
        ],
      },
      dropped: [],
    });
  });

  it("sends no empty text blocks, which Anthropic refuses", () => {
    const out = toAnthropic({ model: "m", messages: [{ role: "system", content: "" }, user([{ type: "text", text: "" }, { type: "text", text: "Hi" }])] });
    expect(out.body).toEqual({ model: "upstream-model", max_tokens: 4096, messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] });
  });

  it("takes the smaller of max_tokens and max_completion_tokens", () => {
    expect(toAnthropic({ model: "m", messages: [user("x")], max_tokens: 500, max_completion_tokens: 200 }).body.max_tokens).toBe(200);
    expect(toAnthropic({ model: "m", messages: [user("x")], max_completion_tokens: 300 }).body.max_tokens).toBe(300);
  });

  it("turns data-URL and web image_url parts into base64 and URL images, dropping detail", () => {
    const out = toAnthropic({
      model: "m",
      messages: [
        user([
          { type: "text", text: "Compare:" },
          { type: "image_url", image_url: { url: `data:image/jpeg;base64,${png}`, detail: "high" } },
          { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
        ]),
      ],
    });
    expect(out.body.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "Compare:" },
          { type: "image", source: { type: "base64", media_type: "image/jpeg", data: png } },
          { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
        ],
      },
    ]);
    expect(out.dropped).toEqual(["messages[0].content[1].image_url.detail"]);
  });

  it("turns tools, temperature, top_p, stop, user and stream into their Anthropic fields", () => {
    const schema = { type: "object", properties: { city: { type: "string" } } };
    const out = toAnthropic({
      model: "m",
      messages: [user("Weather?")],
      tools: [
        { type: "function", function: { name: "get_weather", description: "Weather by city", parameters: schema, strict: true } },
        { type: "function", function: { name: "now" } },
      ],
      temperature: 0.7,
      top_p: 0.5,
      stop: "END",
      user: "user-42",
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(out).toEqual({
      body: {
        model: "upstream-model",
        max_tokens: 4096,
        messages: [{ role: "user", content: [{ type: "text", text: "Weather?" }] }],
        tools: [
          { name: "get_weather", description: "Weather by city", input_schema: schema },
          { name: "now", input_schema: { type: "object", properties: {} } },
        ],
        temperature: 0.7,
        top_p: 0.5,
        stop_sequences: ["END"],
        metadata: { user_id: "user-42" },
        stream: true,
      },
      dropped: ["tools[0].function.strict"],
    });
  });

  it.each([
    ["auto", { type: "auto" }],
    ["required", { type: "any" }],
    ["none", { type: "none" }],
    [{ type: "function", function: { name: "get_weather" } }, { type: "tool", name: "get_weather" }],
  ])("turns tool_choice %j into %j", (choice, expected) => {
    const out = toAnthropic({ model: "m", messages: [user("x")], tools: [{ type: "function", function: { name: "get_weather" } }], tool_choice: choice });
    expect(out.body.tool_choice).toEqual(expected);
  });

  it("turns parallel_tool_calls: false into disable_parallel_tool_use, with or without a tool_choice", () => {
    const tools = [{ type: "function", function: { name: "t" } }];
    expect(toAnthropic({ model: "m", messages: [user("x")], tools, parallel_tool_calls: false }).body.tool_choice).toEqual({ type: "auto", disable_parallel_tool_use: true });
    expect(toAnthropic({ model: "m", messages: [user("x")], tools, tool_choice: "required", parallel_tool_calls: false }).body.tool_choice).toEqual({ type: "any", disable_parallel_tool_use: true });
    expect(toAnthropic({ model: "m", messages: [user("x")], parallel_tool_calls: false }).body.tool_choice).toBeUndefined();
  });

  it("folds consecutive tool messages and the user message after them into one user turn, tool results first", () => {
    const out = toAnthropic({
      model: "m",
      messages: [
        user("Weather in Paris and Rome?"),
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
            { id: "call_2", type: "function", function: { name: "get_weather", arguments: "" } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "18°C" },
        { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "21°C" }] },
        user("Answer in French."),
      ],
    });
    expect(out.body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Weather in Paris and Rome?" }] },
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } },
          { type: "tool_use", id: "call_2", name: "get_weather", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "call_1", content: "18°C" },
          { type: "tool_result", tool_use_id: "call_2", content: "21°C" },
          { type: "text", text: "Answer in French." },
        ],
      },
    ]);
  });

  it("keeps an earlier refusal in the history as text, and drops the reasoning an assistant turn carries", () => {
    const out = toAnthropic({
      model: "m",
      messages: [user("x"), { role: "assistant", content: null, refusal: "I can't help with that.", reasoning_content: "policy", name: "bot" }, user("Why?")],
    });
    expect(out.body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "x" }] },
      { role: "assistant", content: [{ type: "text", text: "I can't help with that." }] },
      { role: "user", content: [{ type: "text", text: "Why?" }] },
    ]);
    expect(out.dropped).toEqual(["messages[1].name", "messages[1].reasoning_content"]);
  });

  it("drops the advisory fields, and the no-op values of the conditional ones", () => {
    const out = toAnthropic({
      model: "m",
      messages: [user("x")],
      store: true,
      service_tier: "auto",
      metadata: { app: "x" },
      seed: 7,
      prediction: { type: "content", content: "x" },
      reasoning_effort: "high",
      n: 1,
      logprobs: false,
      frequency_penalty: 0,
      presence_penalty: 0,
      logit_bias: {},
      response_format: { type: "text" },
      modalities: ["text"],
      temperature: null,
      stop: null,
    });
    expect(out.dropped).toEqual([
      "store",
      "service_tier",
      "metadata",
      "seed",
      "prediction",
      "reasoning_effort",
      "n",
      "logprobs",
      "logit_bias",
      "frequency_penalty",
      "presence_penalty",
      "response_format",
      "modalities",
    ]);
    expect(out.body).toEqual({ model: "upstream-model", max_tokens: 4096, messages: [{ role: "user", content: [{ type: "text", text: "x" }] }] });
  });

  it("refuses what Anthropic cannot do, naming the field", () => {
    const base = { model: "m", messages: [user("x")] };
    const cases: [Json, string][] = [
      [{ ...base, n: 2 }, "n"],
      [{ ...base, logprobs: true }, "logprobs"],
      [{ ...base, top_logprobs: 3 }, "top_logprobs"],
      [{ ...base, logit_bias: { "50256": -100 } }, "logit_bias"],
      [{ ...base, frequency_penalty: 0.5 }, "frequency_penalty"],
      [{ ...base, presence_penalty: -1 }, "presence_penalty"],
      [{ ...base, response_format: { type: "json_object" } }, "response_format"],
      [{ ...base, audio: { voice: "alloy", format: "wav" } }, "audio"],
      [{ ...base, modalities: ["text", "audio"] }, "modalities"],
      [{ ...base, web_search_options: {} }, "web_search_options"],
      [{ ...base, functions: [{ name: "f" }] }, "functions"],
      [{ ...base, function_call: "auto" }, "function_call"],
      [{ ...base, temperature: 1.5 }, "temperature"],
      [{ ...base, unknown_knob: 1 }, "unknown_knob"],
      [{ model: "m", messages: [user([{ type: "input_audio", input_audio: { data: "x", format: "wav" } }])] }, "messages[0].content[0]"],
      [{ model: "m", messages: [user([{ type: "file", file: { file_id: "f" } }])] }, "messages[0].content[0]"],
      [{ model: "m", messages: [user("x"), { role: "assistant", tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{oops" } }] }] }, "messages[1].tool_calls[0].function.arguments"],
      [{ model: "m", messages: [user("x"), { role: "assistant", tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "[1]" } }] }] }, "messages[1].tool_calls[0].function.arguments"],
    ];
    for (const [body, field] of cases) expect(refused(() => toAnthropic(body)), JSON.stringify(body)).toBe(field);
    expect(() => toAnthropic({ ...base, functions: [{ name: "f" }] })).toThrow(/use tools/);
  });

  it("keeps include_usage in the request for the stream encoder, and sends no stream_options upstream", () => {
    const decoded = decodeOpenAIRequest({ model: "m", messages: [user("x")], stream: true, stream_options: { include_usage: true } });
    expect(decoded.request.includeUsage).toBe(true);
    expect(decoded.request.stream).toBe(true);
    expect(encodeOpenAIRequest(decoded.request, { model: "u", capField: "max_tokens" }).body).toEqual({ model: "u", messages: [{ role: "user", content: "x" }], stream: true });
  });
});

describe("the decoders and encoders alone", () => {
  const request: ChatRequest = {
    model: "m",
    system: [{ type: "text", text: "S" }],
    messages: [{ role: "user", content: [{ type: "text", text: "x" }] }],
    stream: false,
  };

  it("encode for Anthropic with the default cap when the client sent none", () => {
    expect(encodeAnthropicRequest(request, { model: "u", defaultMaxTokens: 8192 }).body).toEqual({
      model: "u",
      max_tokens: 8192,
      system: [{ type: "text", text: "S" }],
      messages: [{ role: "user", content: [{ type: "text", text: "x" }] }],
    });
  });

  it("encode for OpenAI with no cap field when the client sent no cap", () => {
    expect(encodeOpenAIRequest(request, { model: "u", capField: "max_completion_tokens" }).body).toEqual({
      model: "u",
      messages: [
        { role: "system", content: "S" },
        { role: "user", content: "x" },
      ],
    });
  });

  it("decode Anthropic's thinking blocks into reasoning parts, signature kept, and tool results with their error flag", () => {
    const { request: decoded } = decodeAnthropicRequest({
      model: "m",
      max_tokens: 5,
      messages: [
        user("x"),
        { role: "assistant", content: [{ type: "thinking", thinking: "hmm", signature: "sig" }, { type: "tool_use", id: "t", name: "f", input: { a: 1 } }] },
        user([{ type: "tool_result", tool_use_id: "t", content: "boom", is_error: true }]),
      ],
    });
    expect(decoded.messages[1].content).toEqual([
      { type: "reasoning", text: "hmm", signature: "sig" },
      { type: "tool_call", id: "t", name: "f", arguments: '{"a":1}' },
    ]);
    expect(decoded.messages[2].content).toEqual([{ type: "tool_result", toolCallId: "t", content: [{ type: "text", text: "boom" }], isError: true, at: "messages[2].content[0]" }]);
    expect(decoded.maxTokens).toBe(5);
  });

  it("send Anthropic's signed thinking back to Anthropic unchanged (Anthropic → Anthropic through the IR)", () => {
    const body = {
      model: "m",
      max_tokens: 5,
      messages: [user("x"), { role: "assistant", content: [{ type: "thinking", thinking: "hmm", signature: "sig" }, { type: "redacted_thinking", data: "zz" }, { type: "text", text: "ok" }] }],
    };
    expect(encodeAnthropicRequest(decodeAnthropicRequest(body).request, { model: "m", defaultMaxTokens: 1 }).body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "x" }] },
      body.messages[1],
    ]);
  });
});

describe("a Claude Code request to an OpenAI-compatible server", () => {
  // Shaped after what Claude Code sends: system blocks with cache_control, tools with input_schema
  // (the last with cache_control), metadata.user_id, thinking, context_management, and a history
  // with a tool call and its result.
  const claudeCode = {
    model: "claude-sonnet-4-5-20250929",
    max_tokens: 32000,
    temperature: 1,
    stream: true,
    system: [
      { type: "text", text: "You are Claude Code, Anthropic's official CLI for Claude.", cache_control: { type: "ephemeral" } },
      { type: "text", text: "You are an interactive CLI tool that helps users with software engineering tasks.", cache_control: { type: "ephemeral" } },
    ],
    tools: [
      {
        name: "Bash",
        description: "Executes a given bash command",
        input_schema: { type: "object", properties: { command: { type: "string" }, timeout: { type: "number" } }, required: ["command"], additionalProperties: false, $schema: "http://json-schema.org/draft-07/schema#" },
      },
      {
        name: "Read",
        description: "Reads a file from the local filesystem.",
        input_schema: { type: "object", properties: { file_path: { type: "string" } }, required: ["file_path"], additionalProperties: false },
      },
      {
        name: "Edit",
        description: "Performs exact string replacements in files.",
        input_schema: { type: "object", properties: { file_path: { type: "string" }, old_string: { type: "string" }, new_string: { type: "string" } }, required: ["file_path", "old_string", "new_string"] },
        cache_control: { type: "ephemeral" },
      },
    ],
    tool_choice: { type: "auto" },
    metadata: { user_id: "user_abc_account_def_session_123" },
    thinking: { type: "enabled", budget_tokens: 31999 },
    context_management: { edits: [{ type: "clear_thinking_20251015", keep: "all" }] },
    messages: [
      { role: "user", content: [{ type: "text", text: "<system-reminder>Context.</system-reminder>" }, { type: "text", text: "What is in README.md?" }] },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "I should read the file.", signature: "EqQBCkYI..." },
          { type: "text", text: "Let me read it." },
          { type: "tool_use", id: "toolu_01A", name: "Read", input: { file_path: "/repo/README.md" } },
        ],
      },
      {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "toolu_01A", content: [{ type: "text", text: "# Tollgate\nAn LLM gateway." }], cache_control: { type: "ephemeral" } }],
      },
    ],
  };

  it("becomes this exact OpenAI body", () => {
    const out = toOpenAI(claudeCode, "max_completion_tokens");
    expect(out.body).toEqual({
      model: "upstream-model",
      messages: [
        { role: "system", content: "You are Claude Code, Anthropic's official CLI for Claude.\n\nYou are an interactive CLI tool that helps users with software engineering tasks." },
        {
          role: "user",
          content: [
            { type: "text", text: "<system-reminder>Context.</system-reminder>" },
            { type: "text", text: "What is in README.md?" },
          ],
        },
        { role: "assistant", content: "Let me read it.", tool_calls: [{ id: "toolu_01A", type: "function", function: { name: "Read", arguments: '{"file_path":"/repo/README.md"}' } }] },
        { role: "tool", tool_call_id: "toolu_01A", content: "# Tollgate\nAn LLM gateway." },
      ],
      tools: claudeCode.tools.map((t) => ({ type: "function", function: { name: t.name, description: t.description, parameters: t.input_schema } })),
      tool_choice: "auto",
      max_completion_tokens: 32000,
      temperature: 1,
      user: "user_abc_account_def_session_123",
      stream: true,
    });
    expect(out.dropped.sort()).toEqual(
      ["context_management", "messages[1].content[0]", "messages[2].content[0].cache_control", "system[0].cache_control", "system[1].cache_control", "thinking", "tools[2].cache_control"].sort(),
    );
  });
});
