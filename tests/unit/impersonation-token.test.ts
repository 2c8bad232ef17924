import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { refusalFor } from "@/lib/impersonation/rules";
import { signImpersonation, verifyImpersonation } from "@/lib/impersonation/token";

const SECRET = "unit-secret";
const claims = { iid: "i".repeat(32), aid: "a".repeat(32), asid: "s".repeat(36), uid: "u".repeat(32) };
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000);

describe("the impersonation cookie's token", () => {
  it("round-trips its claims, with the expiry it was given", async () => {
    const until = inMinutes(30);
    const back = await verifyImpersonation(await signImpersonation(claims, SECRET, until), SECRET);
    expect(back).toEqual({ ...claims, exp: Math.floor(until.getTime() / 1000) });
  });

  it("is refused when expired, altered, signed with another secret, absent or not a JWT", async () => {
    const good = await signImpersonation(claims, SECRET, inMinutes(30));
    const [head, payload, sig] = good.split(".");
    const tampered = Buffer.from(JSON.stringify({ ...claims, uid: "v".repeat(32), exp: 9_999_999_999 })).toString("base64url");
    for (const [what, token] of [
      ["expired", await signImpersonation(claims, SECRET, inMinutes(-1))],
      ["another user in the payload", `${head}.${tampered}.${sig}`],
      ["another secret", await signImpersonation(claims, "other-secret", inMinutes(30))],
      ["no signature", `${head}.${payload}.`],
      ["alg none", `${Buffer.from('{"alg":"none"}').toString("base64url")}.${payload}.`],
      ["garbage", "not-a-token"],
      ["empty", ""],
      ["absent", undefined],
    ] as const) {
      expect(await verifyImpersonation(token, SECRET), what).toBeNull();
    }
  });

  it("never accepts next-auth's session token made with the same secret", async () => {
    const session = await encode({ token: { sub: claims.aid, ...claims }, secret: SECRET, maxAge: 600 });
    expect(await verifyImpersonation(session, SECRET)).toBeNull();
  });
});

describe("who may be impersonated", () => {
  const admin = { id: "a".repeat(32) };
  const user = (over: Partial<{ id: string; role: "user" | "subscriber" | "expert" | "admin"; active: boolean }> = {}) => ({ id: "u".repeat(32), role: "user" as const, active: true, ...over });
  it("an active user of any role but admin, never oneself, another admin, a suspended or a missing user", () => {
    for (const role of ["user", "subscriber", "expert"] as const) expect(refusalFor(admin, user({ role })), role).toBeNull();
    expect(refusalFor(admin, user({ id: admin.id, role: "admin" }))).toEqual({ status: 403, message: "You cannot impersonate yourself." });
    expect(refusalFor(admin, user({ role: "admin" }))).toEqual({ status: 403, message: "Another admin cannot be impersonated." });
    expect(refusalFor(admin, user({ active: false }))).toEqual({ status: 403, message: "A suspended user cannot be impersonated." });
    expect(refusalFor(admin, undefined)).toEqual({ status: 404, message: "No such user." });
  });
});
