import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeKey, isSealed, keyIdOf, newKeyText, seal, sealedKeyId, SealError, unseal, type EncryptionKey } from "@/lib/cipher";

// lib/cipher: AES-256-GCM sealing of secrets at rest, with the key id in every sealed value.

const key = (): EncryptionKey => decodeKey(newKeyText())!;
const CONTEXT = "model_endpoints.upstream_api_key\nrow-1\nhttps://api.example.test/v1";
const SECRET = "sk-upstream-5ecret-0123456789";

/** The SealError a call throws (fails the test when it throws none, or another kind). */
function sealError(fn: () => unknown): SealError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SealError);
    return e as SealError;
  }
  throw new Error("expected a SealError");
}

/** A sealed value with one of its base64url parts changed by one bit. */
function flip(sealed: string, part: "iv" | "tag" | "ct"): string {
  const fields = sealed.split(":");
  const index = { iv: 3, tag: 4, ct: 5 }[part];
  const bytes = Buffer.from(fields[index], "base64url");
  bytes[0] ^= 1;
  fields[index] = bytes.toString("base64url");
  return fields.join(":");
}

describe("sealing", () => {
  it("round-trips, names its key id and never holds the secret", () => {
    const k = key();
    const sealed = seal(SECRET, CONTEXT, [k]);
    expect(sealed).toMatch(/^enc:v1:[0-9a-f]{8}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/);
    expect(sealedKeyId(sealed)).toBe(k.id);
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain(SECRET);
    expect(sealed).not.toContain(Buffer.from(SECRET).toString("base64url"));
    expect(unseal(sealed, CONTEXT, [k])).toBe(SECRET);
    // A fresh IV each time: the same secret never seals to the same text.
    expect(seal(SECRET, CONTEXT, [k])).not.toBe(sealed);
    expect(unseal(seal("", CONTEXT, [k]), CONTEXT, [k])).toBe("");
    expect(unseal(seal("ключ 🔑", CONTEXT, [k]), CONTEXT, [k])).toBe("ключ 🔑");
  });

  it("the key id is the first 8 hex characters of the key's SHA-256", () => {
    const k = key();
    expect(k.id).toBe(createHash("sha256").update(k.key).digest("hex").slice(0, 8));
    expect(keyIdOf(k.key)).toBe(k.id);
  });

  it("a value under a key id the ring does not hold is refused as unknown_key, naming the id", () => {
    const [a, b] = [key(), key()];
    const e = sealError(() => unseal(seal(SECRET, CONTEXT, [a]), CONTEXT, [b]));
    expect(e.reason).toBe("unknown_key");
    expect(e.keyId).toBe(a.id);
    expect(e.message).toContain(a.id);
  });

  it("a value whose id names a key but that was sealed with another is refused, not misread", () => {
    const [a, b] = [key(), key()];
    const forged = seal(SECRET, CONTEXT, [b]).replace(`:${b.id}:`, `:${a.id}:`);
    expect(sealError(() => unseal(forged, CONTEXT, [a, b])).reason).toBe("refused");
  });

  it.each(["iv", "tag", "ct"] as const)("a changed %s is refused by the tag check", (part) => {
    const k = key();
    const sealed = seal(SECRET, CONTEXT, [k]);
    const e = sealError(() => unseal(flip(sealed, part), CONTEXT, [k]));
    expect(e.reason).toBe("refused");
    expect(e.message).not.toContain(SECRET);
  });

  it("a value opened under another context (another row, another base URL) is refused", () => {
    const k = key();
    const sealed = seal(SECRET, CONTEXT, [k]);
    expect(sealError(() => unseal(sealed, CONTEXT.replace("row-1", "row-2"), [k])).reason).toBe("refused");
    expect(sealError(() => unseal(sealed, CONTEXT.replace("api.example.test", "evil.example"), [k])).reason).toBe("refused");
  });

  it("malformed values are refused as such", () => {
    const k = key();
    const sealed = seal(SECRET, CONTEXT, [k]);
    const fields = sealed.split(":");
    for (const bad of [
      "sk-in-clear",
      "enc:v1:",
      fields.slice(0, 5).join(":"),
      [...fields, "x"].join(":"),
      [...fields.slice(0, 3), "", ...fields.slice(4)].join(":"),
      [...fields.slice(0, 3), "AAAA", ...fields.slice(4)].join(":"),
      [...fields.slice(0, 5), "not base64url!"].join(":"),
      sealed.replace(k.id, "XYZ"),
    ]) {
      expect(sealError(() => unseal(bad, CONTEXT, [k])).reason, bad).toBe("malformed");
    }
  });

  it("during a rotation (`new,old`) seals under the newest key and opens values under either", () => {
    const [oldKey, newKey] = [key(), key()];
    const underOld = seal(SECRET, CONTEXT, [oldKey]);
    const ring = [newKey, oldKey];
    expect(sealedKeyId(seal(SECRET, CONTEXT, ring))).toBe(newKey.id);
    expect(unseal(underOld, CONTEXT, ring)).toBe(SECRET);
    expect(unseal(seal(SECRET, CONTEXT, ring), CONTEXT, [newKey])).toBe(SECRET);
    // An instance still on the old key alone reads what was sealed before, not what the new key sealed.
    expect(unseal(underOld, CONTEXT, [oldKey])).toBe(SECRET);
    expect(sealError(() => unseal(seal(SECRET, CONTEXT, ring), CONTEXT, [oldKey])).reason).toBe("unknown_key");
  });

  it("sealing without a key is an error, not a clear value", () => {
    expect(() => seal(SECRET, CONTEXT, [])).toThrow(/No encryption key/);
  });
});

describe("decodeKey: the formats ENCRYPTION_KEYS accepts", () => {
  const raw = randomBytes(32);
  it.each([
    ["64 hex characters", raw.toString("hex")],
    ["64 hex characters in capitals", raw.toString("hex").toUpperCase()],
    ["base64 with padding", raw.toString("base64")],
    ["base64 without padding", raw.toString("base64").replace(/=$/, "")],
    ["base64url", raw.toString("base64url")],
    ["surrounded by spaces", `  ${raw.toString("base64url")} `],
  ])("%s", (_what, text) => {
    expect(decodeKey(text)?.key.equals(raw)).toBe(true);
    expect(decodeKey(text)?.id).toBe(keyIdOf(raw));
  });

  it.each([
    ["empty", ""],
    ["a passphrase", "correct horse battery staple"],
    ["16 bytes as hex", randomBytes(16).toString("hex")],
    ["31 bytes as base64", randomBytes(31).toString("base64")],
    ["33 bytes as base64", randomBytes(33).toString("base64")],
    ["64 characters that are not hex", "g".repeat(64)],
    ["base64 with a stray character", raw.toString("base64").slice(0, 42) + "!="],
  ])("refuses %s", (_what, text) => {
    expect(decodeKey(text)).toBeUndefined();
  });

  it("newKeyText() makes a fresh, valid key each time", () => {
    const [a, b] = [newKeyText(), newKeyText()];
    expect(decodeKey(a)).toBeDefined();
    expect(a).not.toBe(b);
  });
});
