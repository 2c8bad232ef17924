import { seal, unseal } from "@/lib/cipher";
import { config } from "@/lib/config";
import type { Sealer } from "@/lib/translate/ir";

// The reasoning a Responses API client carries for us (its `encrypted_content`), sealed with the
// deployment's encryption keys (lib/cipher: AES-256-GCM, authenticated, bound to this context): an
// Anthropic thinking block goes out whole — text and signature — and comes back exactly as it was,
// and nothing a client makes up or alters opens.

const CONTEXT = "tollgate:responses:reasoning:v1";

export function reasoningSealer(keys = config().encryptionKeys): Sealer {
  return {
    seal: (reasoning) => seal(JSON.stringify(reasoning), CONTEXT, keys),
    open(sealed) {
      try {
        const value = JSON.parse(unseal(sealed, CONTEXT, keys)) as { text?: unknown };
        return typeof value?.text === "string" ? (value as ReturnType<Sealer["open"]>) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
