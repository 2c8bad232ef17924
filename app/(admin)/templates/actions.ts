"use server";
import { z } from "zod";
import { adminAction } from "@/lib/auth/action";
import { createRecord, deleteRecord, importRecords, updateRecord } from "@/lib/templates";
import { ImportFields, TemplateFields, TemplateId, templateRecord } from "@/lib/templates/schemas";

// Thin: the admin gate, a schema, one call into lib/templates. An admin manages every template; one
// made here is admin-made (no owner).
const revalidate = { revalidate: "/templates" };
const ALL = { admin: true } as const;

export const createTemplateAction = adminAction(TemplateFields, async (f, admin) => createRecord("template", admin, ALL, templateRecord(f)), revalidate);

export const updateTemplateAction = adminAction(
  TemplateFields.safeExtend({ id: TemplateId }),
  async ({ id, ...f }, admin) => updateRecord("template", admin, ALL, id, templateRecord(f)),
  revalidate,
);

/** Its answer's data says how many grants went with it. */
export const deleteTemplateAction = adminAction(z.object({ id: TemplateId }), async ({ id }, admin) => deleteRecord("template", admin, ALL, id), revalidate);

export const importTemplatesAction = adminAction(ImportFields, async (input, admin) => importRecords("template", admin, ALL, input), revalidate);
