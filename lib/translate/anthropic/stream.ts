import type { StreamDecoder, StreamEncoder } from "@/lib/translate/ir";

// Placeholder: the stream helper's module replaces this file.
export function anthropicStreamDecoder(): StreamDecoder {
  throw new Error("not implemented");
}
export function anthropicStreamEncoder(): StreamEncoder {
  throw new Error("not implemented");
}
