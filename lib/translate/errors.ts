/**
 * A field of the client's request that changes the answer and cannot be expressed in the upstream's
 * API ("semantic"): the call is refused with a 400 naming it, before anything is sent upstream.
 */
export class UntranslatableField extends Error {
  constructor(
    /** The client's field path, e.g. `n`, `messages[2].content[0]`, `tools[1]`. */
    readonly field: string,
    /** Why, as the end of a sentence starting with the field: "cannot be translated: …". */
    readonly reason: string,
  ) {
    super(`\`${field}\` ${reason}`);
    this.name = "UntranslatableField";
  }
}
