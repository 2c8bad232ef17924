import { z } from "zod";
import { describe, expect, it } from "vitest";
import { API_STYLES } from "@/db/enums";
import { DEFAULT_MAX_OUTPUT_TOKENS, maxOutputOf } from "@/lib/endpoints/limits";
import {
  ApiStyleField,
  BaseUrl,
  CachePrice,
  CreateEndpoint,
  EndpointId,
  EndpointName,
  MaxOutputTokens,
  Models,
  OutputCapFieldInput,
  Price,
  UpdateEndpoint,
  UpstreamApiKey,
} from "@/lib/endpoints/schemas";
import { expectNonObjectsRefused, fieldErrorsOf, refusal } from "../support/zod";
import { VALID_ENDPOINT_FORM } from "../support/forms";

// The rules of the /endpoints forms, as the server actions apply them (app/(admin)/endpoints/actions.ts:
// CreateEndpoint, UpdateEndpoint with the id, and { id } alone for delete and test). Which field carries
// an error is decided here; the HTTP tests check one case per action for the wiring.

const ID = "0123456789abcdef0123456789abcdef";
const NAME_CHARS = "Use only letters, digits, spaces, . _ and -";
const NOT_A_URL = "Enter a URL such as https://api.openai.com/v1";
const HTTP_ONLY = "The base URL must start with http:// or https://";
const KEY_CHARS = "The API key may contain only printable characters without spaces";
const MODEL_RULE = "Each model name must be 1–200 characters, without spaces or @";
const MODELS_TYPE = "Enter the model names, one per line";
const PRICE_RULE = "Enter a price in EUR of 0 or more, e.g. 2.5 (empty = 0)";
const PRICE_TYPE = "Enter a price in EUR, e.g. 2.5";
const PRICE_MAX = "The price must be at most 10000 EUR per million tokens";
const CACHE_PRICE_RULE = "Enter a price in EUR of 0 or more, e.g. 0.25, or leave it empty for the default";
const MAX_OUTPUT_FORMAT = "Enter one line per model, e.g. gpt-4o = 32768, or a JSON object";
const maxOutputRule = (model: string) => `"${model}": enter a whole number of tokens from 1 to 10,000,000`;
const CAP_FIELD = "The output cap field must be max_tokens or max_completion_tokens";

const valid = VALID_ENDPOINT_FORM;

const UpdateEndpointAction = UpdateEndpoint.safeExtend({ id: EndpointId });
const ById = z.object({ id: EndpointId });

describe("single fields", () => {
  it("takes a name of letters, digits, spaces, . _ and -, trimmed, up to 64 characters", () => {
    expect(EndpointName.parse("  OpenAI main ")).toBe("OpenAI main");
    expect(EndpointName.parse("claude.eu_1")).toBe("claude.eu_1");
    expect(EndpointName.parse("n".repeat(64))).toBe("n".repeat(64));
  });

  it("drops a base URL's trailing slashes and keeps its path", () => {
    expect(BaseUrl.parse(" https://api.openai.com/v1/ ")).toBe("https://api.openai.com/v1");
    expect(BaseUrl.parse("http://127.0.0.1:8080/v1//")).toBe("http://127.0.0.1:8080/v1");
    expect(BaseUrl.parse("https://api.anthropic.com")).toBe("https://api.anthropic.com");
  });

  it("knows the three API styles", () => {
    expect(API_STYLES).toEqual(["openai", "anthropic", "openai-responses"]);
    for (const style of API_STYLES) expect(ApiStyleField.parse(style)).toBe(style);
  });

  it("reads an empty upstream key as none and trims a given one", () => {
    for (const empty of ["", "   ", null, undefined]) expect(UpstreamApiKey.parse(empty)).toBeNull();
    expect(UpstreamApiKey.parse("  sk-abc_DEF.123~!  ")).toBe("sk-abc_DEF.123~!");
    expect(UpstreamApiKey.parse("k".repeat(500))).toBe("k".repeat(500));
  });

  it("splits models on lines and commas, trims, drops empties and duplicates", () => {
    expect(Models.parse("gpt-4o\r\ngpt-4o-mini, gpt-4o\n\n o3 ")).toEqual(["gpt-4o", "gpt-4o-mini", "o3"]);
    expect(Models.parse(["claude-sonnet-4-5", " claude-haiku-4-5", "claude-sonnet-4-5", ""])).toEqual(["claude-sonnet-4-5", "claude-haiku-4-5"]);
    expect(Models.parse("m".repeat(200))).toEqual(["m".repeat(200)]);
    expect(Models.parse(Array.from({ length: 1000 }, (_, i) => `m-${i}`))).toHaveLength(1000);
    expect(Models.safeParse(Array.from({ length: 1001 }, (_, i) => `m-${i}`)).error?.issues.map((i) => i.message)).toEqual(["At most 1000 models per endpoint"]);
  });

  it("shortens a long bad model name in its message", () => {
    expect(Models.safeParse(`ok\n${"m".repeat(201)}`).error?.issues.map((i) => i.message)).toEqual([`${MODEL_RULE}: "${"m".repeat(40)}…"`]);
  });

  it("reads prices from form strings and JSON numbers, empty meaning 0", () => {
    for (const empty of ["", "  ", null, undefined]) expect(Price.parse(empty)).toBe(0);
    expect(Price.parse("2.5")).toBe(2.5);
    expect(Price.parse(" 3 ")).toBe(3);
    expect(Price.parse(".5")).toBe(0.5);
    expect(Price.parse("7.")).toBe(7);
    expect(Price.parse(15.75)).toBe(15.75);
    expect(Price.parse("10000")).toBe(10000);
    expect(Price.parse(0)).toBe(0);
  });

  it("refuses NaN and infinite prices", () => {
    for (const bad of [NaN, Infinity, -Infinity]) expect(Price.safeParse(bad).error?.issues, String(bad)).toHaveLength(1);
  });

  it("reads cache prices like prices, empty meaning the default (null), 0 meaning free", () => {
    for (const empty of ["", "  ", null, undefined]) expect(CachePrice.parse(empty)).toBeNull();
    expect(CachePrice.parse("0")).toBe(0);
    expect(CachePrice.parse(" 0.3 ")).toBe(0.3);
    expect(CachePrice.parse(3.75)).toBe(3.75);
  });

  it("reads output maxima from lines of model = tokens, a JSON object as text, or a JSON object; empty = none", () => {
    for (const empty of ["", " \n ", null, undefined, {}]) expect(MaxOutputTokens.parse(empty)).toEqual({});
    expect(MaxOutputTokens.parse("gpt-4o = 16384\r\n\n  o3=100000  \nllama3:8b = 8,192\nbig = 1_000_000")).toEqual({ "gpt-4o": 16384, o3: 100000, "llama3:8b": 8192, big: 1_000_000 });
    expect(MaxOutputTokens.parse(' {"gpt-4o": 16384, "o3": 10000000} ')).toEqual({ "gpt-4o": 16384, o3: 10_000_000 });
    expect(MaxOutputTokens.parse({ "gpt-4o": 1 })).toEqual({ "gpt-4o": 1 });
  });

  it("refuses output maxima that are not whole numbers from 1 to 10,000,000, lines without =, repeats and bad JSON", () => {
    const errors = (v: unknown) => MaxOutputTokens.safeParse(v).error?.issues.map((i) => i.message);
    expect(errors("m = 0")).toEqual([maxOutputRule("m")]);
    expect(errors("m = 10000001")).toEqual([maxOutputRule("m")]);
    expect(errors("m = 2.5")).toEqual([maxOutputRule("m")]);
    expect(errors("m = -5")).toEqual([maxOutputRule("m")]);
    expect(errors("m = lots")).toEqual([maxOutputRule("m")]);
    expect(errors("m = 1,00")).toEqual([maxOutputRule("m")]);
    expect(errors("m =")).toEqual([maxOutputRule("m")]);
    expect(errors({ m: "100" })).toEqual([maxOutputRule("m")]);
    expect(errors({ m: 1e8 })).toEqual([maxOutputRule("m")]);
    expect(errors("a = 1\njust-a-model")).toEqual([`Line 2: ${MAX_OUTPUT_FORMAT}`]);
    expect(errors("= 100")).toEqual([`Line 1: ${MAX_OUTPUT_FORMAT}`]);
    expect(errors("a = 1\na = 2")).toEqual(['"a" is listed twice']);
    expect(errors('{"a": 1,}')).toEqual([`${MAX_OUTPUT_FORMAT} (this JSON does not parse)`]);
    expect(errors("{")).toEqual([`${MAX_OUTPUT_FORMAT} (this JSON does not parse)`]);
    expect(errors(["a"])).toEqual([MAX_OUTPUT_FORMAT]);
    expect(errors(42)).toEqual([MAX_OUTPUT_FORMAT]);
    expect(errors("gpt 4o = 5")).toEqual([`${MODEL_RULE}: "gpt 4o"`]);
  });

  it("reads the output cap field, empty meaning max_tokens", () => {
    for (const empty of ["", null, undefined]) expect(OutputCapFieldInput.parse(empty)).toBe("max_tokens");
    expect(OutputCapFieldInput.parse("max_completion_tokens")).toBe("max_completion_tokens");
    expect(OutputCapFieldInput.safeParse("max_output_tokens").error?.issues.map((i) => i.message)).toEqual([CAP_FIELD]);
  });
});

describe("maxOutputOf", () => {
  it("is the endpoint's maximum for the model, else 32,768", () => {
    expect(DEFAULT_MAX_OUTPUT_TOKENS).toBe(32_768);
    const endpoint = { maxOutputTokens: { "gpt-4o": 16384 } };
    expect(maxOutputOf(endpoint, "gpt-4o")).toBe(16384);
    expect(maxOutputOf(endpoint, "o3")).toBe(32_768);
    expect(maxOutputOf({ maxOutputTokens: {} }, "toString")).toBe(32_768);
    expect(maxOutputOf({ maxOutputTokens: {} }, "__proto__")).toBe(32_768);
  });
});

describe("add endpoint", () => {
  it("reads the form: trailing slash removed, models split and de-duplicated, prices parsed, no key", () => {
    expect(CreateEndpoint.parse({ ...valid, baseUrl: " https://api.openai.com/v1/ ", models: "gpt-4o\r\ngpt-4o-mini, gpt-4o\n\n o3 ", eurPerMInput: "2.5", eurPerMOutput: "" })).toEqual({
      name: "valid-endpoint",
      baseUrl: "https://api.openai.com/v1",
      apiStyle: "openai",
      apiKey: null,
      models: ["gpt-4o", "gpt-4o-mini", "o3"],
      eurPerMInput: 2.5,
      eurPerMOutput: 0,
      eurPerMCacheRead: null,
      eurPerMCacheWrite: null,
      maxOutputTokens: {},
      outputCapField: "max_tokens",
    });
  });

  it("reads the cache prices, the output maxima of its own models and the cap field", () => {
    expect(
      CreateEndpoint.parse({ ...valid, eurPerMCacheRead: "0.1", eurPerMCacheWrite: "1.25", maxOutputTokens: "model-a = 16384", outputCapField: "max_completion_tokens" }),
    ).toMatchObject({ eurPerMCacheRead: 0.1, eurPerMCacheWrite: 1.25, maxOutputTokens: { "model-a": 16384 }, outputCapField: "max_completion_tokens" });
  });

  it("reads JSON values alike: a model array and number prices; a missing key is none", () => {
    const { apiKey: _none, ...withoutKey } = valid;
    expect(CreateEndpoint.parse({ ...withoutKey, apiStyle: "anthropic", models: ["a", "b", "a"], eurPerMInput: 3, eurPerMOutput: 15.75 })).toMatchObject({
      apiStyle: "anthropic",
      apiKey: null,
      models: ["a", "b"],
      eurPerMInput: 3,
      eurPerMOutput: 15.75,
    });
  });

  const cases: [string, Record<string, unknown>, string, unknown][] = [
    ["name missing", { name: undefined }, "name", "Name must be text"],
    ["name empty", { name: "   " }, "name", "Name is required"],
    ["name too long", { name: "n".repeat(65) }, "name", "Name must be at most 64 characters"],
    ["name with @", { name: "gpt@openai" }, "name", NAME_CHARS],
    ["name with a slash", { name: "a/b" }, "name", NAME_CHARS],
    ["name with a non-ASCII letter", { name: "münchen" }, "name", NAME_CHARS],
    ["name as a number", { name: 42 }, "name", "Name must be text"],
    ["base URL missing", { baseUrl: "" }, "baseUrl", "Base URL is required"],
    ["base URL not a URL", { baseUrl: "api.openai.com/v1" }, "baseUrl", NOT_A_URL],
    ["base URL not http(s)", { baseUrl: "ftp://files.example.test/v1" }, "baseUrl", HTTP_ONLY],
    ["base URL with javascript:", { baseUrl: "javascript:alert(1)" }, "baseUrl", HTTP_ONLY],
    ["base URL with credentials", { baseUrl: "https://user:pw@api.example.test/v1" }, "baseUrl", "Put the key in the API key field, not in the URL"],
    ["base URL with a query", { baseUrl: "https://api.example.test/v1?key=x" }, "baseUrl", "The base URL cannot have a query (?…) or a fragment (#…)"],
    ["base URL with a fragment", { baseUrl: "https://api.example.test/v1#top" }, "baseUrl", "The base URL cannot have a query (?…) or a fragment (#…)"],
    ["base URL with a space", { baseUrl: "https://api.example.test/my v1" }, "baseUrl", "The base URL cannot contain spaces"],
    ["base URL over 500 characters", { baseUrl: "https://api.example.test/" + "v".repeat(480) }, "baseUrl", "Base URL must be at most 500 characters"],
    ["base URL as an array", { baseUrl: ["https://api.example.test/v1"] }, "baseUrl", "Base URL must be text"],
    ["unknown API style", { apiStyle: "grpc" }, "apiStyle", "API style must be openai, anthropic or openai-responses"],
    ["API style missing", { apiStyle: undefined }, "apiStyle", "API style must be openai, anthropic or openai-responses"],
    ["API key over 500 characters", { apiKey: "k".repeat(501) }, "apiKey", "API key must be at most 500 characters"],
    ["API key with a space", { apiKey: "sk-abc def" }, "apiKey", KEY_CHARS],
    ["API key with a line break", { apiKey: "sk-abc\r\nx-injected: 1" }, "apiKey", KEY_CHARS],
    ["API key with a non-ASCII character", { apiKey: "sk-äbc" }, "apiKey", KEY_CHARS],
    ["API key as a number", { apiKey: 12345 }, "apiKey", "API key must be text"],
    ["no models", { models: "" }, "models", "Enter at least one model"],
    ["only separators", { models: " , \n ," }, "models", "Enter at least one model"],
    ["models missing", { models: undefined }, "models", MODELS_TYPE],
    ["a model with a space", { models: "gpt 4o" }, "models", `${MODEL_RULE}: "gpt 4o"`],
    ["a model with @", { models: "gpt-4o@openai" }, "models", `${MODEL_RULE}: "gpt-4o@openai"`],
    ["a model over 200 characters", { models: "m".repeat(201) }, "models", `${MODEL_RULE}: "${"m".repeat(40)}…"`],
    ["models as a number", { models: 7 }, "models", MODELS_TYPE],
    ["models as an array with a number", { models: ["a", 1] }, "models", expect.any(String)],
    ["negative input price", { eurPerMInput: "-1" }, "eurPerMInput", PRICE_RULE],
    ["text output price", { eurPerMOutput: "cheap" }, "eurPerMOutput", PRICE_RULE],
    ["price with a decimal comma", { eurPerMInput: "2,5" }, "eurPerMInput", "Use a point as the decimal separator, e.g. 2.5"],
    ["price over 10000", { eurPerMOutput: "10000.01" }, "eurPerMOutput", PRICE_MAX],
    ["price as a number over 10000", { eurPerMInput: 10001 }, "eurPerMInput", PRICE_MAX],
    ["price as a negative number", { eurPerMOutput: -0.5 }, "eurPerMOutput", PRICE_RULE],
    ["price in exponent notation", { eurPerMInput: "1e3" }, "eurPerMInput", PRICE_RULE],
    ["price as an object", { eurPerMInput: { eur: 1 } }, "eurPerMInput", PRICE_TYPE],
    ["price as a boolean", { eurPerMOutput: true }, "eurPerMOutput", PRICE_TYPE],
    ["negative cache read price", { eurPerMCacheRead: "-0.1" }, "eurPerMCacheRead", CACHE_PRICE_RULE],
    ["text cache write price", { eurPerMCacheWrite: "default" }, "eurPerMCacheWrite", CACHE_PRICE_RULE],
    ["cache price with a decimal comma", { eurPerMCacheRead: "0,3" }, "eurPerMCacheRead", "Use a point as the decimal separator, e.g. 2.5"],
    ["cache price over 10000", { eurPerMCacheWrite: 10001 }, "eurPerMCacheWrite", PRICE_MAX],
    ["cache price as an object", { eurPerMCacheRead: {} }, "eurPerMCacheRead", PRICE_TYPE],
    ["a max output of 0", { maxOutputTokens: "model-a = 0" }, "maxOutputTokens", maxOutputRule("model-a")],
    ["a max output over 10,000,000", { maxOutputTokens: "model-b = 10000001" }, "maxOutputTokens", maxOutputRule("model-b")],
    ["a max output line without =", { maxOutputTokens: "model-a 100" }, "maxOutputTokens", `Line 1: ${MAX_OUTPUT_FORMAT}`],
    ["a max output for a model the endpoint does not serve", { maxOutputTokens: "model-a = 100\ngpt-4o = 100" }, "maxOutputTokens", '"gpt-4o" is not one of this endpoint\'s models'],
    ["max outputs as JSON with another model", { maxOutputTokens: { "model-c": 100 } }, "maxOutputTokens", '"model-c" is not one of this endpoint\'s models'],
    ["max outputs as a number", { maxOutputTokens: 5 }, "maxOutputTokens", MAX_OUTPUT_FORMAT],
    ["unknown output cap field", { outputCapField: "max_output_tokens" }, "outputCapField", CAP_FIELD],
  ];

  for (const [what, patch, field, message] of cases) {
    it(`${what} → error at ${field} only`, () => {
      expect(fieldErrorsOf(CreateEndpoint, { ...valid, ...patch })).toEqual({ [field]: [message] });
      // The edit form has the same rules.
      expect(fieldErrorsOf(UpdateEndpointAction, { ...valid, id: ID, ...patch })).toEqual({ [field]: [message] });
    });
  }

  it("refuses a payload that is not an object at all with a form-level message and no field errors", () => {
    expectNonObjectsRefused(CreateEndpoint);
  });

  it("names an unserved model at the maxima beside another field's error, and not while the models themselves are wrong", () => {
    expect(fieldErrorsOf(CreateEndpoint, { ...valid, eurPerMInput: "-1", maxOutputTokens: "gpt-4o = 100" })).toEqual({
      eurPerMInput: [PRICE_RULE],
      maxOutputTokens: ['"gpt-4o" is not one of this endpoint\'s models'],
    });
    expect(fieldErrorsOf(CreateEndpoint, { ...valid, models: "", maxOutputTokens: "gpt-4o = 100" })).toEqual({ models: ["Enter at least one model"] });
  });
});

describe("edit endpoint", () => {
  it("reads the edit form: an empty key keeps the stored one, the remove box clears it", () => {
    expect(UpdateEndpointAction.parse({ ...valid, id: ID })).toMatchObject({ id: ID, apiKey: null, removeApiKey: false });
    expect(UpdateEndpointAction.parse({ ...valid, id: ID, apiKey: " sk-new " })).toMatchObject({ apiKey: "sk-new", removeApiKey: false });
    expect(UpdateEndpointAction.parse({ ...valid, id: ID, removeApiKey: "on" })).toMatchObject({ apiKey: null, removeApiKey: true });
    expect(UpdateEndpointAction.parse({ ...valid, id: ID, removeApiKey: true })).toMatchObject({ removeApiKey: true });
  });

  it("refuses a new key together with the remove box, at the key", () => {
    for (const removeApiKey of ["on", true, "true"]) {
      expect(fieldErrorsOf(UpdateEndpointAction, { ...valid, id: ID, apiKey: "sk-new", removeApiKey }), String(removeApiKey)).toEqual({
        apiKey: ["Enter a new key or remove the stored one, not both"],
      });
    }
    expect(fieldErrorsOf(UpdateEndpoint, { ...valid, apiKey: "sk-new", removeApiKey: "on" })).toEqual({ apiKey: ["Enter a new key or remove the stored one, not both"] });
  });

  it("refuses a remove flag of the wrong type at that flag only", () => {
    for (const removeApiKey of [7, "yes", null, {}]) {
      expect(fieldErrorsOf(UpdateEndpointAction, { ...valid, id: ID, removeApiKey }), JSON.stringify(removeApiKey)).toEqual({ removeApiKey: ["Must be on or off"] });
    }
  });

  it("refuses a payload that is not an object", () => {
    for (const payload of ["just a string", 42, null, [1, 2, 3]]) expect(refusal(UpdateEndpointAction, payload)?.fieldErrors).toEqual({});
  });
});

describe("endpoint ids (edit, delete, test)", () => {
  it("takes 32 lowercase hex characters", () => {
    expect(EndpointId.parse(ID)).toBe(ID);
    expect(ById.parse({ id: ID })).toEqual({ id: ID });
  });

  it("answers a malformed id with the same error as an unknown one, at the id", () => {
    for (const id of ["not-an-id", 7, undefined, "' OR 1=1 --", ID.toUpperCase(), ID.slice(1), null]) {
      expect(fieldErrorsOf(ById, { id }), String(id)).toEqual({ id: ["Unknown endpoint"] });
      expect(fieldErrorsOf(UpdateEndpointAction, { ...valid, id }), String(id)).toEqual({ id: ["Unknown endpoint"] });
    }
  });
});
