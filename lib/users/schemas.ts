import { z } from "zod";
import { BUDGET_TYPES, ROLES } from "@/db/enums";
import { idOf } from "@/lib/ids";
import { MAX_OFFSET_HOURS, MIN_OFFSET_HOURS, OFFSET_STEPS_PER_HOUR, offsetLabel } from "@/lib/timezone";
import { SORT_COLUMNS } from "./list-url";

export { SORT_COLUMNS };

// The rules of the create / edit forms, in one place. Server actions parse with these; the types the
// forms and the domain use come from them (z.infer), not from hand-written twins.

const text = (what: string) => z.string({ error: `${what} must be text` });

export const UserId = idOf("user");

export const Username = text("Username")
  .trim()
  .min(3, "Username must be at least 3 characters")
  .max(32, "Username must be at most 32 characters")
  .regex(/^[a-z0-9_-]+$/, "Use only lowercase letters a-z, digits 0-9, - and _");

export const Email = text("Email")
  .trim()
  .toLowerCase()
  .min(1, "Email is required")
  .max(254, "Email must be at most 254 characters")
  .pipe(z.email("Enter a valid email address"));

export const DisplayName = z
  .union([z.string(), z.null()], { error: "Display name must be text" })
  .optional()
  .transform((v) => (v == null ? null : v.trim() === "" ? null : v.trim()))
  .refine((v) => v === null || v.length <= 100, "Display name must be at most 100 characters");

// bcrypt looks at the first 72 bytes only: longer input is refused rather than silently cut.
export const Password = text("Password")
  .min(8, "Password must be at least 8 characters")
  .refine((v) => Buffer.byteLength(v, "utf8") <= 72, "Password must be at most 72 bytes");

export const RoleField = z.enum(ROLES, { error: `Role must be one of ${ROLES.join(", ")}` });

/** A token limit: empty = unlimited (null), else a whole number ≥ 0. Form strings and JSON numbers alike. */
export const TokenLimit = z
  .union([z.number(), z.string(), z.null()], {
    error: "Enter a whole number of tokens, or leave empty for unlimited",
  })
  .optional()
  .transform((v, ctx) => {
    if (v == null) return null;
    const raw = typeof v === "string" ? v.trim() : v;
    if (raw === "") return null;
    const n = typeof raw === "number" ? raw : /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(n) || n < 0) {
      ctx.addIssue({ code: "custom", message: "Enter a whole number of tokens (0 or more), or leave empty for unlimited" });
      return z.NEVER;
    }
    return n;
  });

const OFFSET_RANGE = `Choose an offset from ${offsetLabel(MIN_OFFSET_HOURS)} to ${offsetLabel(MAX_OFFSET_HOURS)}`;

/**
 * A timezone offset in hours (SPEC §3): from −12 to +14 in steps of 15 minutes (0.25 h). A select's
 * string ("5.5", "-3.75") and a JSON number alike; nothing else (no exponents, no hex, no empty value).
 */
export const TimezoneOffset = z
  .union([z.number(), z.string()], { error: OFFSET_RANGE })
  .transform((v, ctx) => {
    const raw = typeof v === "string" ? v.trim() : v;
    const n = typeof raw === "number" ? raw : /^[+-]?\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isFinite(n) || n < MIN_OFFSET_HOURS || n > MAX_OFFSET_HOURS) {
      ctx.addIssue({ code: "custom", message: OFFSET_RANGE });
      return z.NEVER;
    }
    if (!Number.isInteger(n * OFFSET_STEPS_PER_HOUR)) {
      ctx.addIssue({ code: "custom", message: "The offset must be a whole number of quarter hours (15 minutes)" });
      return z.NEVER;
    }
    return n === 0 ? 0 : n; // never −0
  });

/** Checkboxes arrive as "on" from a form, as booleans from JSON. */
export const Flag = z
  .union([z.boolean(), z.literal("on"), z.literal("true"), z.literal("false"), z.literal("")], {
    error: "Must be on or off",
  })
  .optional()
  .transform((v) => v === true || v === "on" || v === "true");

const Limits = { dailyLimit: TokenLimit, monthlyLimit: TokenLimit, totalLimit: TokenLimit };

export const CreateUser = z.object({
  username: Username,
  email: Email,
  displayName: DisplayName,
  password: Password,
  role: RoleField.default("user"),
  ...Limits,
  sendWelcome: Flag,
  includePassword: Flag,
});
export type CreateUserInput = z.infer<typeof CreateUser>;

export const UpdateUser = z.object({
  email: Email,
  displayName: DisplayName,
  ...Limits,
  budgetType: z.enum(BUDGET_TYPES, { error: "Budget type must be Subscription or One-time" }),
});
export type UpdateUserInput = z.infer<typeof UpdateUser>;

export const SetRole = z.object({ role: RoleField });

export const SetTimezone = z.object({ timezoneOffsetHours: TimezoneOffset });

const THRESHOLD_RANGE = "Enter a whole percentage from 1 to 100";

/** The alert threshold in percent of each limit: a whole number 1–100; empty = the default, 80. */
export const AlertThreshold = z
  .union([z.number(), z.string(), z.null()], { error: THRESHOLD_RANGE })
  .optional()
  .transform((v, ctx) => {
    const raw = typeof v === "string" ? v.trim() : v;
    if (raw == null || raw === "") return 80;
    const n = typeof raw === "number" ? raw : /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > 100) {
      ctx.addIssue({ code: "custom", message: THRESHOLD_RANGE });
      return z.NEVER;
    }
    return n;
  });

/** Where alerts go: empty = the user's own e-mail (null), else a valid address. */
export const AlertEmail = z
  .union([z.string(), z.null()], { error: "Alert e-mail must be text" })
  .optional()
  .transform((v) => (v == null ? "" : v.trim()))
  .pipe(z.union([z.literal("").transform(() => null), Email]));

/** Budget alerts (Budget tab): on or off, the threshold, and the address (empty = the user's own). */
export const SetAlerts = z.object({ alertEnabled: Flag, alertThresholdPct: AlertThreshold, alertEmail: AlertEmail });
export type SetAlertsInput = z.infer<typeof SetAlerts>;

export const ResetPassword = z.object({ password: Password, mustChange: Flag });

export const ChangeOwnPassword = z
  .object({
    current: text("Current password").min(1, "Enter your current password"),
    password: Password.refine((v) => v !== "changeme", "Choose a password other than the default"),
    confirm: text("Confirmation"),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The passwords do not match" })
  .refine((v) => v.password !== v.current, { path: ["password"], message: "The new password must differ from the current one" });

/** The /users view state, read from the URL: anything malformed falls back to the default view. */
export const ListQuery = z.object({
  q: z.string().trim().max(100).catch("").default(""),
  role: z.enum(ROLES).optional().catch(undefined),
  status: z.enum(["active", "suspended"]).optional().catch(undefined),
  sort: z.enum(SORT_COLUMNS).catch("created").default("created"),
  dir: z.enum(["asc", "desc"]).catch("desc").default("desc"),
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1).default(1),
  size: z.coerce.number().int().refine((n) => [10, 25, 50, 100].includes(n)).catch(25).default(25),
});
export type ListQueryInput = z.infer<typeof ListQuery>;

// The portal's profile page (/user/profile): each form changes one thing of the signed-in user's own.

export const UpdateOwnProfile = z.object({ displayName: DisplayName });

const CurrentPassword = text("Current password").min(1, "Enter your current password");

/** A new e-mail address, confirmed with the current password (a stolen session alone cannot move the account). */
export const ChangeOwnEmail = z.object({ email: Email, current: CurrentPassword });

// Forgot / reset password (/user/forgot-password, /user/reset-password). The address is the only
// identifier asked for: it is where the link goes, and what the requests are counted by.
export const ForgotPassword = z.object({ email: Email });

/** The token as the reset link carries it: 32 random bytes in base64url (43 characters). */
export const ResetToken = z
  .string({ error: "The reset link is not valid" })
  .regex(/^[A-Za-z0-9_-]{43}$/, "The reset link is not valid");

export const ResetPasswordWithToken = z
  .object({ token: ResetToken, password: Password, confirm: text("Confirmation") })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The passwords do not match" });
