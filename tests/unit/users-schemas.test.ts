import { z } from "zod";
import { describe, expect, it } from "vitest";
import {
  ChangeOwnEmail,
  ChangeOwnPassword,
  ForgotPassword,
  CreateUser,
  DisplayName,
  Email,
  Flag,
  ListQuery,
  Password,
  ResetPassword,
  ResetPasswordWithToken,
  ResetToken,
  RoleField,
  SetAlerts,
  SetRole,
  SetTimezone,
  SORT_COLUMNS,
  TimezoneOffset,
  TokenLimit,
  UpdateOwnProfile,
  UpdateUser,
  UserId,
  Username,
} from "@/lib/users/schemas";
import { expectNonObjectsRefused, fieldErrorsOf } from "../support/zod";

// The rules of the /users forms and of the password change, as the server actions apply them: each
// action parses its payload with one of these schemas (app/(admin)/users/actions.ts extends some with
// the record id) and answers the flattened field errors. Which field carries an error is decided here;
// the HTTP tests check one case per action for the wiring.

const ID = "0123456789abcdef0123456789abcdef";
const LIMIT_RULE = "Enter a whole number of tokens (0 or more), or leave empty for unlimited";
const USERNAME_CHARS = "Use only lowercase letters a-z, digits 0-9, - and _";

describe("token limits", () => {
  it("reads empty as unlimited and whole numbers as limits", () => {
    for (const empty of ["", "  ", null, undefined]) expect(TokenLimit.parse(empty)).toBeNull();
    expect(TokenLimit.parse("0")).toBe(0);
    expect(TokenLimit.parse(" 1500 ")).toBe(1500);
    expect(TokenLimit.parse(42)).toBe(42);
    expect(TokenLimit.parse(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("refuses anything else", () => {
    for (const bad of ["-1", "1.5", "1e3", "0x10", "ten", -1, 1.5, Number.MAX_SAFE_INTEGER + 2, NaN, {}, [], true]) {
      expect(TokenLimit.safeParse(bad).success, String(bad)).toBe(false);
    }
  });
});

describe("checkbox flags", () => {
  it("reads a form's on and JSON booleans; absent or empty is off", () => {
    for (const on of [true, "on", "true"]) expect(Flag.parse(on), String(on)).toBe(true);
    for (const off of [false, "false", "", undefined]) expect(Flag.parse(off), String(off)).toBe(false);
  });

  it("refuses anything else", () => {
    for (const bad of [7, 1, "yes", "off", "ON", null, {}, []]) {
      const r = Flag.safeParse(bad);
      expect(r.success, JSON.stringify(bad)).toBe(false);
      expect(r.error?.issues.map((i) => i.message), JSON.stringify(bad)).toEqual(["Must be on or off"]);
    }
  });
});

describe("ids", () => {
  it("takes a user id as 32 lowercase hex characters and nothing else", () => {
    expect(UserId.parse(ID)).toBe(ID);
    for (const bad of ["not-an-id", ID.toUpperCase(), ID.slice(1), ID + "0", "' OR 1=1 --", "", 7, undefined, null]) {
      const r = UserId.safeParse(bad);
      expect(r.success, String(bad)).toBe(false);
      expect(r.error?.issues.map((i) => i.message), String(bad)).toEqual(["Unknown user"]);
    }
  });

  it("names the id field when an action's id is malformed", () => {
    // setActiveAction and deleteUserAction: z.object({ id: UserId, ... }).
    for (const id of ["not-an-id", 7, undefined, "' OR 1=1 --"]) {
      expect(fieldErrorsOf(z.object({ id: UserId, active: Flag }), { id, active: false }), String(id)).toEqual({ id: ["Unknown user"] });
      expect(fieldErrorsOf(z.object({ id: UserId }), { id }), String(id)).toEqual({ id: ["Unknown user"] });
    }
  });
});

describe("single fields", () => {
  it("trims a username and keeps it to 3–32 of a-z 0-9 - _", () => {
    expect(Username.parse("  bob_2-x ")).toBe("bob_2-x");
    expect(Username.parse("abc")).toBe("abc");
    expect(Username.parse("a".repeat(32))).toBe("a".repeat(32));
    expect(Username.safeParse("  ab  ").error?.issues.map((i) => i.message)).toEqual(["Username must be at least 3 characters"]);
  });

  it("trims and lowercases an email", () => {
    expect(Email.parse("  Ann.Lee@Example.TEST ")).toBe("ann.lee@example.test");
    expect(Email.safeParse("a@b").success).toBe(false);
  });

  it("stores an empty display name as none and trims the rest", () => {
    for (const empty of ["", "   ", null, undefined]) expect(DisplayName.parse(empty)).toBeNull();
    expect(DisplayName.parse("  Ann Lee ")).toBe("Ann Lee");
    expect(DisplayName.parse("d".repeat(100))).toBe("d".repeat(100));
    expect(DisplayName.parse(` ${"d".repeat(100)} `)).toBe("d".repeat(100)); // counted after trimming
  });

  it("counts a password's length in bytes up to bcrypt's 72", () => {
    expect(Password.parse("12345678")).toBe("12345678");
    expect(Password.parse("p".repeat(72))).toBe("p".repeat(72));
    expect(Password.parse("é".repeat(36))).toBe("é".repeat(36)); // 72 bytes
    expect(Password.safeParse("é".repeat(37)).error?.issues.map((i) => i.message)).toEqual(["Password must be at most 72 bytes"]);
    expect(Password.parse("  spaced  ")).toBe("  spaced  "); // never trimmed
  });

  it("knows the four roles", () => {
    for (const role of ["user", "subscriber", "expert", "admin"]) expect(RoleField.parse(role)).toBe(role);
    expect(RoleField.safeParse("Admin").error?.issues.map((i) => i.message)).toEqual(["Role must be one of user, subscriber, expert, admin"]);
  });
});

describe("create user", () => {
  const ok = { username: "new_user-1", email: " New@Example.TEST ", password: "12345678" };

  it("normalises and defaults", () => {
    expect(CreateUser.parse(ok)).toEqual({
      username: "new_user-1",
      email: "new@example.test",
      displayName: null,
      password: "12345678",
      role: "user",
      dailyLimit: null,
      monthlyLimit: null,
      totalLimit: null,
      sendWelcome: false,
      includePassword: false,
    });
    expect(CreateUser.parse({ ...ok, sendWelcome: "on", displayName: "  Ann  " })).toMatchObject({ sendWelcome: true, displayName: "Ann" });
  });

  it("names the field that is wrong", () => {
    const field = (patch: Record<string, unknown>) => Object.keys(fieldErrorsOf(CreateUser, { ...ok, ...patch }));
    expect(field({ username: "ab" })).toEqual(["username"]);
    expect(field({ username: "x".repeat(33) })).toEqual(["username"]);
    expect(field({ username: "üser" })).toEqual(["username"]);
    expect(field({ email: "nope" })).toEqual(["email"]);
    expect(field({ password: "1234567" })).toEqual(["password"]);
    expect(field({ password: "é".repeat(37) })).toEqual(["password"]); // 74 bytes
    expect(field({ role: "owner" })).toEqual(["role"]);
  });

  // The form as the create dialog sends it: every field a string, limits empty = unlimited.
  const valid = { username: "valid-user", email: "valid@example.test", displayName: "Valid", password: "long-enough", role: "user", dailyLimit: "", monthlyLimit: "", totalLimit: "" };

  it("accepts the valid form, with empty limits meaning unlimited and JSON numbers read alike", () => {
    expect(CreateUser.parse(valid)).toMatchObject({ username: "valid-user", dailyLimit: null, monthlyLimit: null, totalLimit: null });
    expect(CreateUser.parse({ ...valid, dailyLimit: "1000", monthlyLimit: 0 })).toMatchObject({ dailyLimit: 1000, monthlyLimit: 0, totalLimit: null });
  });

  const cases: [string, Record<string, unknown>, string, unknown][] = [
    ["username too short", { username: "ab" }, "username", "Username must be at least 3 characters"],
    ["username too long", { username: "a".repeat(33) }, "username", "Username must be at most 32 characters"],
    ["username with capitals", { username: "Alice" }, "username", USERNAME_CHARS],
    ["username with a space", { username: "al ice" }, "username", USERNAME_CHARS],
    ["username with a dot", { username: "al.ice" }, "username", USERNAME_CHARS],
    ["username missing", { username: undefined }, "username", "Username must be text"],
    ["username as a number", { username: 12345 }, "username", "Username must be text"],
    ["email missing", { email: "" }, "email", "Email is required"],
    ["email invalid", { email: "not-an-email" }, "email", "Enter a valid email address"],
    ["email too long", { email: "a".repeat(250) + "@x.io" }, "email", "Email must be at most 254 characters"],
    ["email as an array", { email: ["a@b.io"] }, "email", "Email must be text"],
    ["display name too long", { displayName: "d".repeat(101) }, "displayName", "Display name must be at most 100 characters"],
    // DisplayName's union has no message of its own, so zod's generic one comes back; the field is what matters.
    ["display name as an object", { displayName: { a: 1 } }, "displayName", "Display name must be text"],
    ["password too short", { password: "1234567" }, "password", "Password must be at least 8 characters"],
    ["password over 72 bytes", { password: "p".repeat(73) }, "password", "Password must be at most 72 bytes"],
    ["password as a number", { password: 12345678 }, "password", "Password must be text"],
    ["unknown role", { role: "root" }, "role", "Role must be one of user, subscriber, expert, admin"],
    ["negative limit", { dailyLimit: "-1" }, "dailyLimit", LIMIT_RULE],
    ["fractional limit", { monthlyLimit: "1.5" }, "monthlyLimit", LIMIT_RULE],
    ["text limit", { totalLimit: "lots" }, "totalLimit", LIMIT_RULE],
    ["limit as a negative number", { dailyLimit: -5 }, "dailyLimit", LIMIT_RULE],
    ["limit as an object", { totalLimit: { n: 1 } }, "totalLimit", "Enter a whole number of tokens, or leave empty for unlimited"],
    ["limit beyond safe integers", { dailyLimit: "99999999999999999999" }, "dailyLimit", LIMIT_RULE],
    ["welcome flag of the wrong type", { sendWelcome: 7 }, "sendWelcome", "Must be on or off"],
    ["password-in-mail flag of the wrong type", { includePassword: "yes" }, "includePassword", "Must be on or off"],
  ];

  for (const [what, patch, field, message] of cases) {
    it(`${what} → error at ${field} only`, () => {
      expect(fieldErrorsOf(CreateUser, { ...valid, ...patch })).toEqual({ [field]: [message] });
    });
  }

  it("refuses a payload that is not an object at all with a form-level message and no field errors", () => {
    expectNonObjectsRefused(CreateUser);
  });
});

describe("update user", () => {
  // updateUserAction: UpdateUser.extend({ id: UserId }).
  const UpdateUserAction = UpdateUser.extend({ id: UserId });
  const base = { id: ID, email: "carol@example.test", displayName: "Carol C", dailyLimit: "500", monthlyLimit: "10000", totalLimit: "", budgetType: "one_time" };

  it("reads the edit form", () => {
    expect(UpdateUserAction.parse(base)).toEqual({ id: ID, email: "carol@example.test", displayName: "Carol C", dailyLimit: 500, monthlyLimit: 10000, totalLimit: null, budgetType: "one_time" });
  });

  it("requires a budget type from the list", () => {
    const form = { email: "a@b.io", budgetType: "subscription" };
    expect(UpdateUser.safeParse(form).success).toBe(true);
    expect(UpdateUser.safeParse({ ...form, budgetType: "weekly" }).success).toBe(false);
    expect(fieldErrorsOf(UpdateUser, { email: "a@b.io" })).toEqual({ budgetType: ["Budget type must be Subscription or One-time"] });
  });

  it("names every bad field at once: a text limit and an unknown budget type", () => {
    const errors = fieldErrorsOf(UpdateUserAction, { ...base, displayName: "C", dailyLimit: "x", monthlyLimit: "", budgetType: "weekly" });
    expect(Object.keys(errors).sort()).toEqual(["budgetType", "dailyLimit"]);
    expect(errors).toEqual({ budgetType: ["Budget type must be Subscription or One-time"], dailyLimit: [LIMIT_RULE] });
  });

  it("has no password and no role: those have their own actions", () => {
    expect(UpdateUserAction.parse({ ...base, password: "sneaky-password", role: "admin" })).not.toHaveProperty("password");
    expect(UpdateUserAction.parse({ ...base, role: "admin" })).not.toHaveProperty("role");
  });

  it("names the id and the email when they are wrong", () => {
    expect(fieldErrorsOf(UpdateUserAction, { ...base, id: "nope" })).toEqual({ id: ["Unknown user"] });
    expect(fieldErrorsOf(UpdateUserAction, { ...base, email: "broken" })).toEqual({ email: ["Enter a valid email address"] });
  });
});

describe("role change and password reset", () => {
  it("takes a role from the list", () => {
    // setRoleAction: SetRole.extend({ id: UserId }).
    const SetRoleAction = SetRole.extend({ id: UserId });
    expect(SetRoleAction.parse({ id: ID, role: "expert" })).toEqual({ id: ID, role: "expert" });
    for (const role of ["owner", "", undefined, 1]) {
      expect(fieldErrorsOf(SetRoleAction, { id: ID, role }), String(role)).toEqual({ role: ["Role must be one of user, subscriber, expert, admin"] });
    }
  });

  it("resets to a valid password, forcing a change unless told otherwise", () => {
    // resetPasswordAction: ResetPassword.extend({ id: UserId }).
    const ResetAction = ResetPassword.extend({ id: UserId });
    expect(ResetAction.parse({ id: ID, password: "reset-by-admin", mustChange: "on" })).toEqual({ id: ID, password: "reset-by-admin", mustChange: true });
    expect(ResetAction.parse({ id: ID, password: "reset-by-admin", mustChange: false })).toMatchObject({ mustChange: false });
    expect(ResetAction.parse({ id: ID, password: "reset-by-admin" })).toMatchObject({ mustChange: false }); // an unticked box is absent
    expect(fieldErrorsOf(ResetAction, { id: ID, password: "short", mustChange: true })).toEqual({ password: ["Password must be at least 8 characters"] });
    expect(fieldErrorsOf(ResetAction, { id: ID, password: "p".repeat(73) })).toEqual({ password: ["Password must be at most 72 bytes"] });
    expect(fieldErrorsOf(ResetAction, { id: ID, password: "reset-by-admin", mustChange: 7 })).toEqual({ mustChange: ["Must be on or off"] });
  });
});

describe("timezone offset", () => {
  const RANGE = "Choose an offset from UTC−12:00 to UTC+14:00";
  const STEP = "The offset must be a whole number of quarter hours (15 minutes)";

  it("takes −12 to +14 hours in 15-minute steps, from a select's string or a JSON number", () => {
    for (const [input, hours] of [
      ["0", 0],
      ["5.5", 5.5],
      [" 5.75 ", 5.75],
      ["+14", 14],
      ["-12", -12],
      ["-3.5", -3.5],
      ["12.75", 12.75],
      ["-0", 0],
      [-9.25, -9.25],
      [8, 8],
      [-0, 0],
    ] as const) {
      expect(Object.is(TimezoneOffset.parse(input), hours), `${JSON.stringify(input)} → ${TimezoneOffset.parse(input)}`).toBe(true);
    }
  });

  it("refuses offsets outside −12 … +14 with the range", () => {
    for (const bad of ["-12.25", "14.25", "15", "-13", 100, -12.001, 14.0001, "", "  ", "five", "1e1", "0x10", "5,5", "5.5h", NaN, Infinity, null, undefined, true, {}, []]) {
      expect(TimezoneOffset.safeParse(bad).error?.issues.map((i) => i.message), JSON.stringify(bad) ?? String(bad)).toEqual([RANGE]);
    }
  });

  it("refuses offsets between the quarter hours with the step", () => {
    for (const bad of ["5.2", "0.1", "-3.3", 1.1, 13.99, "0.125"]) {
      expect(TimezoneOffset.safeParse(bad).error?.issues.map((i) => i.message), String(bad)).toEqual([STEP]);
    }
  });

  it("names the field in the action's payload", () => {
    // setTimezoneAction: SetTimezone.extend({ id: UserId }).
    const SetTimezoneAction = SetTimezone.extend({ id: UserId });
    expect(SetTimezoneAction.parse({ id: ID, timezoneOffsetHours: "5.5" })).toEqual({ id: ID, timezoneOffsetHours: 5.5 });
    expect(fieldErrorsOf(SetTimezoneAction, { id: ID, timezoneOffsetHours: "14.5" })).toEqual({ timezoneOffsetHours: [RANGE] });
    expect(fieldErrorsOf(SetTimezoneAction, { id: ID })).toEqual({ timezoneOffsetHours: [RANGE] });
    expect(fieldErrorsOf(SetTimezoneAction, { id: "nope", timezoneOffsetHours: "1.3" })).toEqual({ id: ["Unknown user"], timezoneOffsetHours: [STEP] });
    expectNonObjectsRefused(SetTimezoneAction);
  });
});

describe("the user's own password change", () => {
  it("accepts a new password that is not the default, differs from the current one and is repeated", () => {
    expect(ChangeOwnPassword.parse({ current: "old-password", password: "new-password", confirm: "new-password" })).toEqual({
      current: "old-password",
      password: "new-password",
      confirm: "new-password",
    });
  });

  const cases: [string, Record<string, unknown>, string, string][] = [
    ["the default password", { current: "first-password", password: "changeme", confirm: "changeme" }, "password", "Choose a password other than the default"],
    ["a reuse of the current one", { current: "first-password", password: "first-password", confirm: "first-password" }, "password", "The new password must differ from the current one"],
    ["a short one", { current: "first-password", password: "short", confirm: "short" }, "password", "Password must be at least 8 characters"],
    ["a mismatch", { current: "first-password", password: "long-enough-1", confirm: "long-enough-2" }, "confirm", "The passwords do not match"],
    ["no current password", { current: "", password: "long-enough-1", confirm: "long-enough-1" }, "current", "Enter your current password"],
    ["a current password that is not text", { current: 12345678, password: "long-enough-1", confirm: "long-enough-1" }, "current", "Current password must be text"],
    ["a confirmation that is not text", { current: "first-password", password: "long-enough-1", confirm: null }, "confirm", "Confirmation must be text"],
  ];
  for (const [what, payload, field, message] of cases) {
    it(`refuses ${what} at ${field} only`, () => {
      expect(fieldErrorsOf(ChangeOwnPassword, payload)).toEqual({ [field]: [message] });
    });
  }
});

describe("the /users view in the URL", () => {
  it("falls back to the default view for anything malformed", () => {
    expect(ListQuery.parse({})).toEqual({ q: "", sort: "created", dir: "desc", page: 1, size: 25 });
    expect(ListQuery.parse({ q: "  ann ", role: "admin", status: "suspended", sort: "email", dir: "asc", page: "3", size: "50" })).toEqual({
      q: "ann",
      role: "admin",
      status: "suspended",
      sort: "email",
      dir: "asc",
      page: 3,
      size: 50,
    });
    expect(ListQuery.parse({ role: "root", status: "x", sort: "password", dir: "up", page: "-2", size: "1000000" })).toEqual({
      q: "",
      sort: "created",
      dir: "desc",
      page: 1,
      size: 25,
    });
    expect(ListQuery.parse({ q: ["a", "b"], page: ["2", "3"] })).toMatchObject({ q: "", page: 1 });
  });

  it("sorts by each listed column, pages up to a million, and offers 10, 25, 50 or 100 rows", () => {
    for (const sort of SORT_COLUMNS) expect(ListQuery.parse({ sort }).sort).toBe(sort);
    for (const size of ["10", "25", "50", "100"]) expect(ListQuery.parse({ size }).size).toBe(Number(size));
    for (const size of ["20", "0", "ten", "25.5"]) expect(ListQuery.parse({ size }).size, size).toBe(25);
    expect(ListQuery.parse({ page: "1000000" }).page).toBe(1_000_000);
    for (const page of ["1000001", "0", "1.5", "two"]) expect(ListQuery.parse({ page }).page, page).toBe(1);
    expect(ListQuery.parse({ q: "x".repeat(100) }).q).toBe("x".repeat(100));
    expect(ListQuery.parse({ q: "x".repeat(101) }).q).toBe("");
    expect(ListQuery.parse({ status: "active" }).status).toBe("active");
  });
});

describe("budget alerts", () => {
  it("reads the form: checkbox, threshold, empty address = the user's own", () => {
    expect(SetAlerts.parse({ alertEnabled: "on", alertThresholdPct: " 85 ", alertEmail: "" })).toEqual({ alertEnabled: true, alertThresholdPct: 85, alertEmail: null });
    expect(SetAlerts.parse({ alertThresholdPct: 100, alertEmail: "  Ops@Example.TEST " })).toEqual({ alertEnabled: false, alertThresholdPct: 100, alertEmail: "ops@example.test" });
  });

  it("takes an empty or absent threshold as the default, 80 %", () => {
    for (const empty of ["", "  ", null, undefined]) expect(SetAlerts.parse({ alertThresholdPct: empty }).alertThresholdPct).toBe(80);
  });

  it("refuses a threshold that is not a whole percentage from 1 to 100, on its field", () => {
    for (const bad of ["0", "101", "80.5", "-5", "8e1", "eighty", 0, 101, 79.5, true, {}]) {
      expect(fieldErrorsOf(SetAlerts, { alertThresholdPct: bad }), JSON.stringify(bad)).toEqual({ alertThresholdPct: ["Enter a whole percentage from 1 to 100"] });
    }
  });

  it("refuses an alert address that is not an e-mail address, on its field", () => {
    for (const bad of ["nope", "a@b", "x@example.test y"]) {
      expect(fieldErrorsOf(SetAlerts, { alertEmail: bad }), bad).toEqual({ alertEmail: ["Enter a valid email address"] });
    }
    expect(fieldErrorsOf(SetAlerts, { alertEmail: 5 })).toEqual({ alertEmail: ["Alert e-mail must be text"] });
  });
});

describe("the profile forms", () => {
  it("reads a display name: trimmed, empty = none, at most 100 characters", () => {
    expect(UpdateOwnProfile.parse({ displayName: "  Ada  " })).toEqual({ displayName: "Ada" });
    expect(UpdateOwnProfile.parse({ displayName: "   " })).toEqual({ displayName: null });
    expect(Object.keys(fieldErrorsOf(UpdateOwnProfile, { displayName: "x".repeat(101) }))).toEqual(["displayName"]);
    expectNonObjectsRefused(UpdateOwnProfile);
  });

  it("needs a valid new address and the current password to change the e-mail", () => {
    expect(ChangeOwnEmail.parse({ email: " Ada@Example.TEST ", current: "pw" })).toEqual({ email: "ada@example.test", current: "pw" });
    expect(fieldErrorsOf(ChangeOwnEmail, { email: "nope", current: "" })).toEqual({ email: ["Enter a valid email address"], current: ["Enter your current password"] });
    expectNonObjectsRefused(ChangeOwnEmail);
  });
});

describe("forgot / reset password", () => {
  const token = Buffer.alloc(32, 1).toString("base64url");

  it("asks for an e-mail address, normalised as it is stored", () => {
    expect(ForgotPassword.parse({ email: " Ada@Example.TEST" })).toEqual({ email: "ada@example.test" });
    expect(fieldErrorsOf(ForgotPassword, { email: "ada" })).toEqual({ email: ["Enter a valid email address"] });
    expectNonObjectsRefused(ForgotPassword);
  });

  it("takes only a token of 32 bytes in base64url", () => {
    expect(token).toHaveLength(43);
    expect(ResetToken.safeParse(token).success).toBe(true);
    for (const bad of [token.slice(1), token + "A", token.replace(/^./, "+"), "", undefined, 42]) expect(ResetToken.safeParse(bad).success, String(bad)).toBe(false);
  });

  it("needs a password of at least 8 characters, repeated", () => {
    expect(ResetPasswordWithToken.parse({ token, password: "long-enough", confirm: "long-enough" })).toEqual({ token, password: "long-enough", confirm: "long-enough" });
    expect(fieldErrorsOf(ResetPasswordWithToken, { token, password: "short", confirm: "short" })).toEqual({ password: ["Password must be at least 8 characters"] });
    expect(fieldErrorsOf(ResetPasswordWithToken, { token, password: "long-enough", confirm: "long-enougH" })).toEqual({ confirm: ["The passwords do not match"] });
    expect(Object.keys(fieldErrorsOf(ResetPasswordWithToken, { token: "x", password: "long-enough", confirm: "long-enough" }))).toEqual(["token"]);
  });
});
