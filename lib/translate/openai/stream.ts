import type { StreamDecoder, StreamEncoder } from "@/lib/translate/ir";

// Placeholder: the stream helper's module replaces this file.
export function openAIStreamDecoder(): StreamDecoder {
  throw new Error("not implemented");
}
export function openAIStreamEncoder(_opts: { includeUsage: boolean }): StreamEncoder {
  throw new Error("not implemented");
}
