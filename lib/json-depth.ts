// JSON nested without end (`[[[[…`) is refused before it is parsed: parsing, re-serialising or
// walking it would overflow the stack (a 100k-deep body once did, deep inside the gateway). Edge-safe:
// middleware uses it for server-action bodies, the gateway for request bodies.

/** Deeper than any request of this app (or an LLM API) has reason to be. */
export const MAX_JSON_DEPTH = 64;

/** True when the JSON text opens more than `max` arrays/objects inside each other (strings skipped). */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) return true;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return false;
}
