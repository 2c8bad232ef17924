import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// Every table of SPEC §2 in one file. SQL names follow the spec (snake_case); TS names are camelCase.
// Timestamps are ISO-8601 UTC strings, as the seed's users table has them.

import { API_STYLES, BUDGET_TYPES, KEY_STATUSES, KEY_SUSPENDERS, OUTPUT_CAP_FIELDS, RESOURCE_TYPES, ROLES } from "./enums";

export { API_STYLES, BUDGET_TYPES, KEY_STATUSES, RESOURCE_TYPES, ROLES, type ApiStyle, type BudgetType, type KeyStatus, type KeySuspender, type Role } from "./enums";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export const users = sqliteTable(
  "users",
  {
    // The seed page's columns, as it names them.
    id: text("id").primaryKey(), // UUID4 hex
    username: text("username").notNull().unique(),
    email: text("email").unique(),
    displayName: text("display_name"),
    hashedPassword: text("hashed_password"),
    isActive: integer("is_active").notNull().default(1),
    isAdmin: integer("is_admin").notNull().default(0),
    role: text("role", { enum: ROLES }).notNull().default("user"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    alertEnabled: integer("alert_enabled").notNull().default(0),
    alertThresholdPct: integer("alert_threshold_pct").notNull().default(80),
    alertEmail: text("alert_email"),
    lastAlertSentAt: text("last_alert_sent_at"),
    timezoneOffsetHours: real("timezone_offset_hours").notNull().default(0),
    // What the product adds beside them (SPEC §2): limits in tokens (null = unlimited), budget type,
    // the forced password change, and the session version that suspend / password changes bump.
    dailyLimit: integer("daily_limit"),
    monthlyLimit: integer("monthly_limit"),
    totalLimit: integer("total_limit"),
    budgetType: text("budget_type", { enum: BUDGET_TYPES }).notNull().default("subscription"),
    budgetSetAt: text("budget_set_at"),
    // A changed timezone_offset_hours applies to the budget windows from the user's next local day
    // (lib/budgets/windows): until tz_switch_at the windows still follow the previous offset.
    tzPreviousOffsetHours: real("tz_previous_offset_hours"),
    tzSwitchAt: text("tz_switch_at"),
    mustChangePassword: integer("must_change_password").notNull().default(0),
    sessionVersion: integer("session_version").notNull().default(1),
    // The user's one active CC profile (issue 16), or null. No foreign key: SQLite would rebuild this
    // table to add one; lib/templates clears it in the same write that deletes the profile.
    activeCcProfileId: text("active_cc_profile_id"),
  },
  (t) => [
    // /users at 100k rows: every sort and filter of the table walks one of these in order, with
    // created_at then id as the tie-breakers, so a page costs its own rows, not a sort of the table.
    // Substring search goes through the users_search FTS5 table (drizzle/0001_users_search.sql).
    index("users_created_idx").on(t.createdAt, t.id),
    index("users_role_idx").on(t.role, t.createdAt, t.id),
    index("users_active_idx").on(t.isActive, t.createdAt, t.id),
    index("users_role_active_idx").on(t.role, t.isActive, t.createdAt, t.id),
  ],
);
export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    label: text("label").notNull().default(""),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull().unique(), // SHA-256 hex of the full key; the key itself is never stored
    status: text("status", { enum: KEY_STATUSES }).notNull().default("active"),
    // Who suspended it (null while active): a key an admin suspended only an admin can reactivate.
    suspendedBy: text("suspended_by", { enum: KEY_SUSPENDERS }),
    createdAt: text("created_at").notNull().default(now),
    lastUsedAt: text("last_used_at"),
  },
  (t) => [index("api_keys_user_idx").on(t.userId)],
);
export type ApiKey = typeof apiKeys.$inferSelect;

export const permissions = sqliteTable(
  "permissions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    resourceType: text("resource_type", { enum: RESOURCE_TYPES }).notNull(),
    resourceId: text("resource_id").notNull(), // '*' = every resource of that type
    createdAt: text("created_at").notNull().default(now),
    grantedBy: text("granted_by"),
  },
  (t) => [
    uniqueIndex("permissions_unique").on(t.userId, t.resourceType, t.resourceId),
    // Renaming or deleting a resource rewrites or removes its grants, for every user at once.
    index("permissions_resource_idx").on(t.resourceType, t.resourceId),
  ],
);
export type Permission = typeof permissions.$inferSelect;

export const modelEndpoints = sqliteTable("model_endpoints", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  baseUrl: text("base_url").notNull(),
  apiStyle: text("api_style", { enum: API_STYLES }).notNull(),
  upstreamApiKey: text("upstream_api_key"), // write-only in the UI
  models: text("models", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
  eurPerMInput: real("eur_per_m_input").notNull().default(0),
  eurPerMOutput: real("eur_per_m_output").notNull().default(0),
  // Prices of cached input per million tokens; null = 0.1× (read) and 1.25× (write) the input price.
  eurPerMCacheRead: real("eur_per_m_cache_read"),
  eurPerMCacheWrite: real("eur_per_m_cache_write"),
  // The most output tokens a call may ask of each model (absent = 32,768): the budget's output bound.
  maxOutputTokens: text("max_output_tokens", { mode: "json" }).$type<Record<string, number>>().notNull().default(sql`'{}'`),
  // Which field an OpenAI-style upstream takes for the output cap when the client sent none.
  outputCapField: text("output_cap_field", { enum: OUTPUT_CAP_FIELDS }).notNull().default("max_tokens"),
  createdAt: text("created_at").notNull().default(now),
  updatedAt: text("updated_at").notNull().default(now),
});
export type ModelEndpoint = typeof modelEndpoints.$inferSelect;

const namedRecord = {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  config: text("config", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
  isActive: integer("is_active").notNull().default(1),
  createdAt: text("created_at").notNull().default(now),
  updatedAt: text("updated_at").notNull().default(now),
};

// Owned by an expert (deleted with them: a missing owner must never read as "made by an admin") or
// by nobody (null = made by an admin). Names are unique across owners: a template is called by its name.
export const expertTemplates = sqliteTable(
  "expert_templates",
  {
    ...namedRecord,
    ownerId: text("owner_id").references(() => users.id, { onDelete: "cascade" }), // null = made by an admin
    costFactor: real("cost_factor").notNull().default(1),
  },
  (t) => [index("expert_templates_owner_idx").on(t.ownerId), uniqueIndex("expert_templates_name_unique").on(t.name)],
);

export const ccProfiles = sqliteTable(
  "cc_profiles",
  {
    ...namedRecord,
    ownerId: text("owner_id").references(() => users.id, { onDelete: "cascade" }), // null = made by an admin
  },
  (t) => [index("cc_profiles_owner_idx").on(t.ownerId), uniqueIndex("cc_profiles_name_unique").on(t.name)],
);

// Skills and MCP tools: names an admin keeps (pages /skills and /mcp-tools) for the agents behind the
// gateway to ask about (GET /v1/me/permissions); a grant names one, or `*`. The gateway runs neither.
const catalogEntry = (table: string) =>
  sqliteTable(
    table,
    {
      id: text("id").primaryKey(),
      name: text("name").notNull(),
      description: text("description").notNull().default(""),
      createdAt: text("created_at").notNull().default(now),
      updatedAt: text("updated_at").notNull().default(now),
    },
    (t) => [uniqueIndex(`${table}_name_unique`).on(t.name)],
  );
export const skills = catalogEntry("skills");
export const mcpTools = catalogEntry("mcp_tools");
export type CatalogEntry = typeof skills.$inferSelect;

// The ledger. No foreign key on user_id / key_id on purpose: deleting a user keeps their billing history.
export const usageEvents = sqliteTable(
  "usage_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    requestId: text("request_id").unique(),
    userId: text("user_id").notNull(),
    keyId: text("key_id"),
    endpoint: text("endpoint"),
    model: text("model"),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    // Parts of input_tokens (which counts every input token) that were read from or written to the
    // upstream's prompt cache, priced apart.
    cacheReadTokens: integer("cache_read_tokens").notNull().default(0),
    cacheWriteTokens: integer("cache_write_tokens").notNull().default(0),
    // 1 when the upstream's usage report never came and the tokens were counted by Tollgate's tokenizer.
    estimated: integer("estimated").notNull().default(0),
    // 1 when the upstream reported more output than the cap it was sent.
    overCap: integer("over_cap").notNull().default(0),
    costEur: real("cost_eur").notNull().default(0),
    status: text("status").notNull().default("ok"),
    latencyMs: integer("latency_ms"),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [index("usage_events_user_time_idx").on(t.userId, t.createdAt)],
);
export type UsageEvent = typeof usageEvents.$inferSelect;


/** The sums a rollup row keeps of the ledger rows of its user, time, endpoint and model. */
const rollupSums = () => ({
  endpoint: text("endpoint").notNull().default(""),
  model: text("model").notNull().default(""),
  calls: integer("calls").notNull().default(0),
  inputTokens: integer("input_tokens").notNull().default(0),
  outputTokens: integer("output_tokens").notNull().default(0),
  cacheReadTokens: integer("cache_read_tokens").notNull().default(0),
  cacheWriteTokens: integer("cache_write_tokens").notNull().default(0),
  costEur: real("cost_eur").notNull().default(0),
});
// Usage per user in 15-minute UTC buckets, by endpoint and model: derived from usage_events (and
// rebuildable from it), moved in the same write as each ledger row. Every whole-quarter-hour offset's day
// and month begin on a bucket boundary, so cards, charts and budget rebuilds read buckets, not rows.
export const usageRollups = sqliteTable(
  "usage_rollups",
  {
    userId: text("user_id").notNull(),
    bucket: text("bucket").notNull(), // ISO start of the 15-minute bucket (UTC)
    ...rollupSums(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.bucket, t.endpoint, t.model] })],
);

// The same sums by UTC day (day = ISO start of the UTC day), moved in the same write as usage_rollups.
// Measured (bench/usage.ts): a window of a year and more read from 15-minute buckets alone costs with
// the length of the history (~35,000 buckets a year per endpoint and model); whole UTC days inside a
// window are read here, and only its partial first and last days from the 15-minute buckets.
export const usageRollupsDaily = sqliteTable(
  "usage_rollups_daily",
  {
    userId: text("user_id").notNull(),
    day: text("day").notNull(),
    ...rollupSums(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.day, t.endpoint, t.model] })],
);

// One row per budget window whose alert threshold was crossed: the instance whose insert wins sends the
// e-mail (exactly once per window across instances); sent_at stays empty until a send succeeded.
export const budgetAlerts = sqliteTable(
  "budget_alerts",
  {
    userId: text("user_id").notNull(),
    windowKey: text("window_key").notNull(), // the window's id (lib/budgets/windows), e.g. d:2026-03-01T05:00:00.000Z
    thresholdPct: integer("threshold_pct").notNull(),
    usedTokens: integer("used_tokens").notNull(),
    limitTokens: integer("limit_tokens").notNull(),
    createdAt: text("created_at").notNull().default(now),
    sentAt: text("sent_at"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
  },
  (t) => [primaryKey({ columns: [t.userId, t.windowKey] })],
);

// Budget counters without Valkey (lib/budgets/sqlite-store): tokens used per user and window, kept in
// the same transaction as each ledger row, and the reservations of calls in flight.
export const budgetUsage = sqliteTable(
  "budget_usage",
  {
    userId: text("user_id").notNull(),
    windowId: text("window_id").notNull(),
    used: integer("used").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.userId, t.windowId] })],
);

export const budgetReservations = sqliteTable(
  "budget_reservations",
  {
    requestId: text("request_id").primaryKey(),
    userId: text("user_id").notNull(),
    amount: integer("amount").notNull(),
    expiresAt: integer("expires_at").notNull(), // epoch ms: a crashed call's reservation lapses
  },
  (t) => [index("budget_reservations_user_idx").on(t.userId, t.expiresAt)],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    actorId: text("actor_id"),
    actorName: text("actor_name"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    targetName: text("target_name"),
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [index("audit_log_target_idx").on(t.targetId, t.createdAt), index("audit_log_time_idx").on(t.createdAt)],
);
export type AuditEntry = typeof auditLog.$inferSelect;

// Sessions ended on the server before their time (sign-out). A row lives until the session would have
// expired anyway; the ids of a user's rows travel in their cached session record (lib/callers).
export const revokedSessions = sqliteTable(
  "revoked_sessions",
  {
    sid: text("sid").primaryKey(),
    userId: text("user_id").notNull(),
    revokedAt: text("revoked_at").notNull(),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [index("revoked_sessions_user_idx").on(t.userId, t.expiresAt)],
);

/**
 * Admin impersonations (SPEC §5): who took whose portal, from which of their sessions, until when, and
 * how it ended. The signed cookie names the row; the data-access layer checks the row on every request,
 * so ending it (End Impersonation, or found ended by the admin's logout or suspension) kills the
 * cookie everywhere, a copied one included.
 */
export const impersonations = sqliteTable(
  "impersonations",
  {
    id: text("id").primaryKey(),
    adminId: text("admin_id").notNull(),
    adminSessionId: text("admin_session_id").notNull(),
    userId: text("user_id").notNull(),
    startedAt: text("started_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    endedAt: text("ended_at"),
    endReason: text("end_reason"),
  },
  (t) => [index("impersonations_admin_idx").on(t.adminId, t.startedAt)],
);

export const passwordResetTokens = sqliteTable(
  "password_reset_tokens",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [index("password_reset_tokens_user_idx").on(t.userId)],
);
