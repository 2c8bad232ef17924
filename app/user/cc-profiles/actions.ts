"use server";
import { z } from "zod";
import { roleAction } from "@/lib/auth/action";
import { createRecord, deleteRecord, importRecords, scopeOf, setActiveProfile, updateRecord } from "@/lib/templates";
import { PROFILE_ROLES } from "@/lib/templates/rules";
import { ImportFields, ProfileFields, ProfileId, profileRecord } from "@/lib/templates/schemas";

// An expert's own CC profiles and their active one. No payload names an owner or a user.
const revalidate = { revalidate: "/user/cc-profiles" };

export const createMyProfileAction = roleAction(PROFILE_ROLES, ProfileFields, async (f, me) => createRecord("profile", me, scopeOf(me), profileRecord(f)), revalidate);

export const updateMyProfileAction = roleAction(
  PROFILE_ROLES,
  ProfileFields.safeExtend({ id: ProfileId }),
  async ({ id, ...f }, me) => updateRecord("profile", me, scopeOf(me), id, profileRecord(f)),
  revalidate,
);

export const deleteMyProfileAction = roleAction(PROFILE_ROLES, z.object({ id: ProfileId }), async ({ id }, me) => deleteRecord("profile", me, scopeOf(me), id), revalidate);

export const importMyProfilesAction = roleAction(PROFILE_ROLES, ImportFields, async (input, me) => importRecords("profile", me, scopeOf(me), input), revalidate);

/** `profileId` empty: no active profile. Any profile the user may use (own or granted). */
export const setMyActiveProfileAction = roleAction(
  PROFILE_ROLES,
  z.object({ profileId: z.union([z.literal(""), z.null(), ProfileId]) }),
  async ({ profileId }, me) => setActiveProfile(me, me.id, profileId || null),
  revalidate,
);
