// Translation overhead: a translated call (client and endpoint of different API styles) against a
// native one to the same upstream answer, in one run, one call at a time, streaming and not; then the
// translation functions alone on an agent-sized request. Run through `npm run bench`, or alone:
// `tsx --conditions=react-server bench/translate.ts`.
import os from "node:os";
import { rmSync } from "node:fs";
import { ensureBuilt, startGateway, startStack, stop } from "./gateway";
import { ms, percentile, runWhenMain, table } from "./stats";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const PER_ROUND = 50;

type Route = { label: string; path: string; body: (stream: boolean) => Record<string, unknown>; headers?: Record<string, string> };

const prompt = [{ role: "user", content: "Hello, benchmark" }];
const ROUTES: Route[] = [
  { label: "OpenAI client → openai endpoint (native)", path: "/v1/chat/completions", body: (stream) => ({ model: "mock-gpt", messages: prompt, stream }) },
  { label: "Anthropic client → openai endpoint (translated)", path: "/v1/messages", body: (stream) => ({ model: "mock-gpt", max_tokens: 256, messages: prompt, stream }), headers: { "anthropic-version": "2023-06-01" } },
  { label: "Anthropic client → anthropic endpoint (native)", path: "/v1/messages", body: (stream) => ({ model: "mock-claude", max_tokens: 256, messages: prompt, stream }), headers: { "anthropic-version": "2023-06-01" } },
  { label: "OpenAI client → anthropic endpoint (translated)", path: "/v1/chat/completions", body: (stream) => ({ model: "mock-claude", messages: prompt, stream }) },
];

/** One call: its total time and (streams) the time to the first byte of answer text, ms. */
export async function timeCall(url: string, headers: Record<string, string>, body: string): Promise<{ total: number; first: number }> {
  const t = performance.now();
  const res = await fetch(url, { method: "POST", headers, body });
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  let first = NaN;
  const decoder = new TextDecoder();
  const reader = res.body!.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) if (Number.isNaN(first) && decoder.decode(r.value).includes("Hello")) first = performance.now() - t;
  return { total: performance.now() - t, first };
}

export async function run() {
  ensureBuilt();
  const stack = await startStack([
    { name: "oa", apiStyle: "openai", model: "mock-gpt" },
    { name: "an", apiStyle: "anthropic", model: "mock-claude" },
  ]);
  try {
    const { app, url } = await startGateway(stack);
    const headersOf = (r: Route) => ({ "content-type": "application/json", authorization: `Bearer ${stack.key}`, ...r.headers });
    console.log(`\n## translation: each route ${ROUNDS * PER_ROUND} calls one at a time, in ${ROUNDS} interleaved rounds, against the same mock upstream`);
    console.log(`node ${process.version}, ${os.cpus().length} CPU(s); ${stack.valkeyUrl ? "valkey-server" : "in-process cache"}; mock upstream, Tollgate and this load generator in three processes`);
    const rows: string[][] = [];
    for (const stream of [false, true]) {
      const times = ROUTES.map(() => ({ total: [] as number[], first: [] as number[] }));
      // Warm-up, then rounds that alternate the routes so that drift hits them alike.
      for (const r of ROUTES) for (let i = 0; i < 100; i++) await timeCall(url + r.path, headersOf(r), JSON.stringify(r.body(stream)));
      for (let round = 0; round < ROUNDS; round++)
        for (const [i, r] of ROUTES.entries())
          for (let k = 0; k < PER_ROUND; k++) {
            const t = await timeCall(url + r.path, headersOf(r), JSON.stringify(r.body(stream)));
            times[i].total.push(t.total);
            times[i].first.push(t.first);
          }
      const p50 = times.map((t) => ({ total: percentile(t.total.sort((a, b) => a - b), 0.5), first: percentile(t.first.sort((a, b) => a - b), 0.5), p99: percentile(t.total, 0.99) }));
      ROUTES.forEach((r, i) => rows.push([stream ? "stream" : "whole", r.label, ms(p50[i].total), ms(p50[i].p99), stream ? ms(p50[i].first) : "", i % 2 ? `${(p50[i].total - p50[i - 1].total >= 0 ? "+" : "")}${ms(p50[i].total - p50[i - 1].total)}` : ""]));
    }
    console.log("\n" + table(["answer", "route", "p50 ms", "p99 ms", "first text p50 ms", "translated − native p50 ms"], rows, [0, 1]));
    stop(app);
    await new Promise((r) => app.once("exit", r));
    console.log(`\n${await translationAlone()}`);
  } finally {
    for (const c of stack.children.reverse()) stop(c);
    rmSync(stack.dir, { recursive: true, force: true });
  }
}

/** The pure translation of an agent-sized call (Claude Code's shape: long system, 15 tools, 40 turns), µs. */
async function translationAlone(): Promise<string> {
  const { translateRequest, translateResponse, streamTranslator } = await import("@/lib/translate");
  const tool = (i: number) => ({ name: `tool_${i}`, description: "Does a thing. ".repeat(40), input_schema: { type: "object", properties: { path: { type: "string" }, n: { type: "integer" } }, required: ["path"] } });
  const turns = Array.from({ length: 20 }, (_, i) => [
    { role: "assistant", content: [{ type: "text", text: "Working on it. ".repeat(20) }, { type: "tool_use", id: `toolu_${i}`, name: "tool_1", input: { path: `src/${i}.ts` } }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: `toolu_${i}`, content: "line\n".repeat(200) }] },
  ]).flat();
  const body = {
    model: "m",
    max_tokens: 32000,
    system: [{ type: "text", text: "You are an agent. ".repeat(600), cache_control: { type: "ephemeral" } }],
    tools: Array.from({ length: 15 }, (_, i) => tool(i)),
    messages: [{ role: "user", content: "Fix the bug." }, ...turns, { role: "user", content: "Go on." }],
    metadata: { user_id: "u" },
    stream: true,
  };
  const answer = { id: "chatcmpl-1", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message: { role: "assistant", content: "Done. ".repeat(100) }, finish_reason: "stop" }], usage: { prompt_tokens: 9000, completion_tokens: 100, total_tokens: 9100 } };
  const chunk = (delta: object) => ({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta, finish_reason: null }] });
  const time = (n: number, fn: () => unknown) => {
    for (let i = 0; i < 200; i++) fn();
    const t: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      fn();
      t.push((performance.now() - s) * 1000);
    }
    t.sort((a, b) => a - b);
    return [percentile(t, 0.5).toFixed(1), percentile(t, 0.99).toFixed(1)];
  };
  const terms = { model: "m", defaultMaxTokens: 32000, capField: "max_tokens" as const };
  const size = (JSON.stringify(body).length / 1024).toFixed(0);
  const rows = [
    [`request, Anthropic → OpenAI (${size} KiB, 41 messages, 15 tools)`, ...time(2000, () => translateRequest("anthropic", "openai", body, terms))],
    ["whole answer, OpenAI → Anthropic", ...time(5000, () => translateResponse("openai", "anthropic", answer))],
    ["one streamed text event, OpenAI → Anthropic", ...time(20000, (() => {
      const t = streamTranslator("openai", "anthropic", { includeUsage: false });
      t.push(chunk({ role: "assistant", content: "" }));
      return () => t.push(chunk({ content: "word " }));
    })())],
  ];
  return `The translation alone, in this process (lib/translate), µs:\n\n${table(["work", "p50 µs", "p99 µs"], rows)}`;
}

runWhenMain(import.meta.url, run);
