import http from "node:http";
import type { AddressInfo } from "node:net";

// An upstream that spends all it may: every answer reports as output exactly the cap it was sent
// (`max_tokens` / `max_completion_tokens`) × n, and as input the body's length in bytes / 4 — the
// worst case a budget has to hold. Both API styles, streaming and not. It keeps every body it got.

export type Spender = { url: string; bodies: Record<string, unknown>[]; stop(): Promise<void> };

export async function startSpender(opts: { delayMs?: number } = {}): Promise<Spender> {
  const bodies: Record<string, unknown>[] = [];
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", async () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      bodies.push(body);
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      const n = typeof body.n === "number" ? body.n : 1;
      const cap = Number(body.max_completion_tokens ?? body.max_tokens ?? 16);
      const input = Math.ceil(Buffer.byteLength(raw) / 4);
      const output = cap * n;
      const anthropic = req.url?.endsWith("/messages");
      if (body.stream === true) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        const send = (data: unknown, event?: string) => res.write(`${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`);
        if (anthropic) {
          send({ type: "message_start", message: { id: "m", type: "message", role: "assistant", model: body.model, content: [], stop_reason: null, usage: { input_tokens: input, output_tokens: 1 } } }, "message_start");
          send({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }, "content_block_start");
          send({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "spent" } }, "content_block_delta");
          send({ type: "content_block_stop", index: 0 }, "content_block_stop");
          send({ type: "message_delta", delta: { stop_reason: "max_tokens" }, usage: { output_tokens: output } }, "message_delta");
          send({ type: "message_stop" }, "message_stop");
        } else {
          send({ id: "c", object: "chat.completion.chunk", created: 0, model: body.model, choices: [{ index: 0, delta: { role: "assistant", content: "spent" }, finish_reason: null }] });
          send({ id: "c", object: "chat.completion.chunk", created: 0, model: body.model, choices: [{ index: 0, delta: {}, finish_reason: "length" }] });
          send({ id: "c", object: "chat.completion.chunk", created: 0, model: body.model, choices: [], usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output } });
          res.write("data: [DONE]\n\n");
        }
        return res.end();
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify(
          anthropic
            ? { id: "m", type: "message", role: "assistant", model: body.model, content: [{ type: "text", text: "spent" }], stop_reason: "max_tokens", usage: { input_tokens: input, output_tokens: output } }
            : {
                id: "c",
                object: "chat.completion",
                created: 0,
                model: body.model,
                choices: Array.from({ length: n }, (_, index) => ({ index, message: { role: "assistant", content: "spent" }, finish_reason: "length" })),
                usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output },
              },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
