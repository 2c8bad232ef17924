import { z } from "zod";
import { RESOURCE_TYPES } from "@/db/enums";
import { UserId } from "@/lib/users/schemas";

// The rules of the Permissions tab and the bulk action on /users. Which ids exist is checked in
// lib/permissions against the database; here only their form.

export const ResourceTypeField = z.enum(RESOURCE_TYPES, { error: "Choose a resource type" });

const RESOURCE_ID = "Each resource id must be 1–200 characters";

/** The resource ids to grant or revoke: one or a list (a form's multi-select), trimmed, duplicates dropped. */
export const ResourceIds = z.preprocess(
  (v) => (typeof v === "string" ? [v] : v),
  z
    .array(z.string({ error: RESOURCE_ID }).trim().min(1, RESOURCE_ID).max(200, RESOURCE_ID), { error: "Choose at least one resource" })
    .min(1, "Choose at least one resource")
    .max(200, "Choose at most 200 resources at a time")
    .transform((ids) => [...new Set(ids)]),
);

export const Grant = z.object({ userId: UserId, type: ResourceTypeField, ids: ResourceIds });

/** Grants of one user to revoke, by their row ids (the tab's checkboxes). */
export const Revoke = z.object({
  userId: UserId,
  grantIds: z
    .union([z.coerce.number(), z.array(z.coerce.number())], { error: "Choose the permissions to revoke" })
    .transform((v) => [...new Set(Array.isArray(v) ? v : [v])])
    .pipe(
      z
        .array(z.number().int("Unknown permission").positive("Unknown permission"))
        .min(1, "Choose the permissions to revoke")
        .max(1000, "Revoke at most 1,000 at a time"),
    ),
});

/** Many users at once (selected rows on /users): grant or revoke the same resources for each. */
export const BulkPermissions = z.object({
  userIds: z
    .array(UserId, { error: "Select the users first" })
    .min(1, "Select the users first")
    .max(1000, "Select at most 1,000 users at a time")
    .transform((ids) => [...new Set(ids)]),
  op: z.enum(["grant", "revoke"], { error: "Choose grant or revoke" }),
  type: ResourceTypeField,
  ids: ResourceIds,
});

export type GrantInput = z.infer<typeof Grant>;
export type BulkPermissionsInput = z.infer<typeof BulkPermissions>;
