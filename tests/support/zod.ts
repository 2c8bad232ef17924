import { z } from "zod";

/**
 * What a server action answers for a payload its schema refuses (lib/auth/action.ts flattens the zod
 * error the same way): the errors by field, and the form-level ones. Undefined when the payload passes.
 */
export function refusal(schema: z.ZodType, payload: unknown): { fieldErrors: Record<string, string[]>; formErrors: string[] } | undefined {
  const r = schema.safeParse(payload);
  if (r.success) return undefined;
  const flat = z.flattenError(r.error);
  return { fieldErrors: flat.fieldErrors as Record<string, string[]>, formErrors: flat.formErrors };
}

/** The field errors alone ({} when the payload passes). */
export const fieldErrorsOf = (schema: z.ZodType, payload: unknown) => refusal(schema, payload)?.fieldErrors ?? {};
