import { z } from "zod";
import type { ApiStyle } from "@/db/enums";
import { MIN_THINKING_BUDGET } from "@/lib/budgets/bounds";
import { GatewayError } from "./errors";
import type { Json } from "./request";

// The fields the gateway itself relies on (streaming, output caps, n, tools, thinking) are type-checked
// before a call is forwarded: `"stream": "true"` would otherwise pass as unstreamed here and stream
// upstream, unmetered, and a string cap would escape the budget's reservation. Everything else is the
// upstream's to judge, so objects are loose and unknown fields pass through untouched. The body is only
// checked, never replaced by zod's output, and messages are checked one level deep: no copy of their content.

// Each message is a phrase the field's path completes: "`stream` must be true or false".
const must = (what: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? "is required" : `must be ${what}`) });

const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
const object = (what = "an object") => z.custom<Json>(isObject, must(what));

const Model = z.string(must("a non-empty string")).min(1, must("a non-empty string"));
const Messages = z.array(object(), must("a non-empty array of messages")).min(1, must("a non-empty array of messages"));
const Stream = z.boolean(must("true or false"));
const Cap = z.int(must("a positive integer")).min(1, must("a positive integer"));
const N = z.int(must("an integer from 1 to 128")).min(1, must("an integer from 1 to 128")).max(128, must("an integer from 1 to 128"));
const Tools = z.array(object(), must("an array of tool objects"));

const Thinking = z
  .looseObject({ type: z.string(must("a string")) }, must("an object"))
  .refine((t) => t.type !== "enabled" || (Number.isInteger(t.budget_tokens) && (t.budget_tokens as number) >= MIN_THINKING_BUDGET), {
    path: ["budget_tokens"],
    error: `must be an integer of at least ${MIN_THINKING_BUDGET} when thinking is enabled`,
  });

// OpenAI documents its optional fields as nullable (null = not set).
const OpenAIFields = z.looseObject({
  model: Model,
  messages: Messages,
  stream: Stream.nullish(),
  stream_options: object().nullish(),
  max_tokens: Cap.nullish(),
  max_completion_tokens: Cap.nullish(),
  max_output_tokens: Cap.nullish(),
  n: N.nullish(),
  tools: Tools.nullish(),
});

const AnthropicFields = z.looseObject({
  model: Model,
  messages: Messages,
  max_tokens: Cap,
  stream: Stream.optional(),
  system: z.union([z.string(), z.array(object())], must("a string or an array of text blocks")).optional(),
  tools: Tools.optional(),
  thinking: Thinking.optional(),
});

const ResponsesFields = z.looseObject({
  model: Model,
  input: z.union([z.string(), z.array(object())], must("a string or an array of input items")),
  instructions: z.string(must("a string")).nullish(),
  stream: Stream.nullish(),
  max_output_tokens: Cap.nullish(),
  tools: Tools.nullish(),
});

const SCHEMAS = { openai: OpenAIFields, anthropic: AnthropicFields, "openai-responses": ResponsesFields } satisfies Record<ApiStyle, z.ZodType>;

/** `messages[2].content`, `thinking.budget_tokens`. */
const pathOf = (path: PropertyKey[]) => path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i ? "." : ""}${String(p)}`)).join("");

/** Throws a 400 naming the first field of `body` the gateway cannot rely on. */
export const checkRequestFields = (style: ApiStyle, body: Json) => check(SCHEMAS[style], body);

/** POST /v1/messages/count_tokens: a Messages request without its output cap. */
const CountTokensFields = AnthropicFields.omit({ max_tokens: true });
export const checkCountTokensFields = (body: Json) => check(CountTokensFields, body);

function check(schema: z.ZodType, body: Json): void {
  const result = schema.safeParse(body);
  if (result.success) return;
  const issue = result.error.issues[0];
  throw new GatewayError("invalid_request", `\`${pathOf(issue.path)}\` ${issue.message}`);
}

/**
 * A Responses call passed through to an endpoint that speaks Responses itself goes with `store: false`
 * (lib/gateway/styles): what needs a stored response, or a tool that runs inside the provider, is
 * refused by name rather than half-served.
 */
export function checkNativeResponsesFields(body: Json): void {
  for (const field of ["previous_response_id", "conversation"]) {
    if (body[field] !== undefined && body[field] !== null)
      throw new GatewayError(
        "invalid_request",
        `\`${field}\` cannot be used through Tollgate: it stores no responses upstream (store: false, so that no caller can continue another's through the endpoint's shared key). Send the whole conversation in \`input\`, as Codex does.`,
      );
  }
  if (body.background === true) throw new GatewayError("invalid_request", "`background` cannot be used through Tollgate: a background response must be stored upstream.");
  if (Array.isArray(body.tools))
    body.tools.forEach((tool, i) => {
      const type = (tool as Json | null)?.type;
      if (type !== "function" && type !== "custom" && type !== "local_shell")
        throw new GatewayError("invalid_request", `\`tools[${i}]\` (${String(type)}) is a hosted tool that runs inside the provider's API; Tollgate serves function, custom and local_shell tools (Codex: set web_search = "disabled").`);
    });
}
