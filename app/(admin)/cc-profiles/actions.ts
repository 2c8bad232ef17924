"use server";
import { z } from "zod";
import { adminAction } from "@/lib/auth/action";
import { createRecord, deleteRecord, importRecords, setActiveProfile, updateRecord } from "@/lib/templates";
import { ImportFields, ProfileFields, ProfileId, profileRecord } from "@/lib/templates/schemas";
import { UserId } from "@/lib/users/schemas";

// Thin: the admin gate, a schema, one call into lib/templates. An admin manages every CC profile and
// chooses any expert's or admin's active one.
const revalidate = { revalidate: "/cc-profiles" };
const ALL = { admin: true } as const;

export const createProfileAction = adminAction(ProfileFields, async (f, admin) => createRecord("profile", admin, ALL, profileRecord(f)), revalidate);

export const updateProfileAction = adminAction(
  ProfileFields.safeExtend({ id: ProfileId }),
  async ({ id, ...f }, admin) => updateRecord("profile", admin, ALL, id, profileRecord(f)),
  revalidate,
);

/** Its answer's data says how many grants went with it. */
export const deleteProfileAction = adminAction(z.object({ id: ProfileId }), async ({ id }, admin) => deleteRecord("profile", admin, ALL, id), revalidate);

export const importProfilesAction = adminAction(ImportFields, async (input, admin) => importRecords("profile", admin, ALL, input), revalidate);

/** `profileId` empty: no active profile. */
export const setUserActiveProfileAction = adminAction(
  z.object({ userId: UserId, profileId: z.union([z.literal(""), z.null(), ProfileId]) }),
  async ({ userId, profileId }, admin) => setActiveProfile(admin, userId, profileId || null),
  { revalidate: "/users" },
);
