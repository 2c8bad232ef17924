import { z } from "zod";
import { describe, expect, it } from "vitest";
import { KEY_STATUSES } from "@/db/enums";
import { KeyId, KeyLabel, KeyStatusField } from "@/lib/keys/schemas";
import { UserId } from "@/lib/users/schemas";
import { fieldErrorsOf } from "../support/zod";

// The rules of the API Keys tab, as app/(admin)/users/actions.ts applies them: createKeyAction takes
// { userId: UserId, label: KeyLabel }, setKeyStatusAction and deleteKeyAction { keyId: KeyId, ... }.

const ID = "0123456789abcdef0123456789abcdef";
const CreateKeyAction = z.object({ userId: UserId, label: KeyLabel });
const ByKeyId = z.object({ keyId: KeyId });
const SetKeyStatusAction = z.object({ keyId: KeyId, status: KeyStatusField });

describe("key ids", () => {
  it("takes 32 lowercase hex characters", () => {
    expect(KeyId.parse(ID)).toBe(ID);
    expect(ByKeyId.parse({ keyId: ID })).toEqual({ keyId: ID });
  });

  it("answers a malformed id as an unknown key, at the key id", () => {
    for (const keyId of ["not-an-id", 7, undefined, null, "' OR 1=1 --", ID.toUpperCase(), ID + "0", "tg-sk-" + "0".repeat(48)]) {
      expect(fieldErrorsOf(ByKeyId, { keyId }), String(keyId)).toEqual({ keyId: ["Unknown key"] });
    }
  });
});

describe("key labels", () => {
  it("trims a label; none or empty is an empty label", () => {
    for (const empty of ["", "   ", null, undefined]) expect(KeyLabel.parse(empty)).toBe("");
    expect(KeyLabel.parse("  laptop ")).toBe("laptop");
    expect(KeyLabel.parse("l".repeat(100))).toBe("l".repeat(100));
    expect(KeyLabel.parse(` ${"l".repeat(100)} `)).toBe("l".repeat(100)); // counted after trimming
  });

  it("refuses a label over 100 characters, or one that is not text, at the label only", () => {
    expect(fieldErrorsOf(CreateKeyAction, { userId: ID, label: "l".repeat(101) })).toEqual({ label: ["Label must be at most 100 characters"] });
    for (const label of [42, ["laptop"], { a: 1 }, true]) {
      expect(fieldErrorsOf(CreateKeyAction, { userId: ID, label }), JSON.stringify(label)).toEqual({ label: ["Label must be text"] });
    }
  });

  it("names the user id when it is malformed", () => {
    expect(CreateKeyAction.parse({ userId: ID, label: "ci" })).toEqual({ userId: ID, label: "ci" });
    expect(CreateKeyAction.parse({ userId: ID })).toEqual({ userId: ID, label: "" });
    expect(fieldErrorsOf(CreateKeyAction, { userId: "nope", label: "ci" })).toEqual({ userId: ["Unknown user"] });
  });
});

describe("key status", () => {
  it("takes active or suspended, and nothing else, at the status", () => {
    for (const status of KEY_STATUSES) expect(SetKeyStatusAction.parse({ keyId: ID, status })).toEqual({ keyId: ID, status });
    for (const status of ["deleted", "ACTIVE", "", 1, null, undefined]) {
      expect(fieldErrorsOf(SetKeyStatusAction, { keyId: ID, status }), String(status)).toEqual({ status: ["Status must be active or suspended"] });
    }
  });
});
