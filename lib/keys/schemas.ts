import { z } from "zod";

export const KeyId = z.string({ error: "Unknown key" }).regex(/^[0-9a-f]{32}$/, "Unknown key");

export const KeyLabel = z
  .union([z.string({ error: "Label must be text" }), z.null()])
  .optional()
  .transform((v) => (v ?? "").trim())
  .refine((v) => v.length <= 100, "Label must be at most 100 characters");
