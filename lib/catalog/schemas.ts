import { z } from "zod";
import { idOf } from "@/lib/ids";

// The forms of the skills and MCP tools pages (one shape for both lists).

export { CATALOG_KINDS, type CatalogKind } from "./kinds";

export const CatalogId = idOf("entry");

/** A name agents use as it is: no spaces, no `*` (it means "all" in a grant), no `@`. */
export const CatalogName = z
  .string({ error: "Name must be text" })
  .trim()
  .min(1, { error: "Name is required", abort: true })
  .max(100, { error: "Name must be at most 100 characters", abort: true })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, "Start with a letter or digit; then letters, digits and . _ : / - only");

export const CatalogDescription = z
  .union([z.string({ error: "Description must be text" }), z.null()])
  .optional()
  .transform((v) => (v ?? "").trim())
  .pipe(z.string().max(500, "Description must be at most 500 characters"));

export const CatalogEntryInput = z.object({ name: CatalogName, description: CatalogDescription });
export type CatalogEntryInput = z.infer<typeof CatalogEntryInput>;
