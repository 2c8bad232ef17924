"use server";
import { z } from "zod";
import { roleAction } from "@/lib/auth/action";
import { createRecord, deleteRecord, importRecords, scopeOf, updateRecord } from "@/lib/templates";
import { PROFILE_ROLES } from "@/lib/templates/rules";
import { ImportFields, TemplateFields, TemplateId, templateRecord } from "@/lib/templates/schemas";

// An expert's own templates (an admin here manages all, as on /templates). No payload names an owner:
// the session's user owns what they make, and another owner's id answers as one that does not exist.
const revalidate = { revalidate: "/user/templates" };

export const createMyTemplateAction = roleAction(PROFILE_ROLES, TemplateFields, async (f, me) => createRecord("template", me, scopeOf(me), templateRecord(f)), revalidate);

export const updateMyTemplateAction = roleAction(
  PROFILE_ROLES,
  TemplateFields.safeExtend({ id: TemplateId }),
  async ({ id, ...f }, me) => updateRecord("template", me, scopeOf(me), id, templateRecord(f)),
  revalidate,
);

export const deleteMyTemplateAction = roleAction(PROFILE_ROLES, z.object({ id: TemplateId }), async ({ id }, me) => deleteRecord("template", me, scopeOf(me), id), revalidate);

export const importMyTemplatesAction = roleAction(PROFILE_ROLES, ImportFields, async (input, me) => importRecords("template", me, scopeOf(me), input), revalidate);
