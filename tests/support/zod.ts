import { expect } from "vitest";
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

/** Payloads that are not an object at all are refused with a form-level message and no field errors. */
export function expectNonObjectsRefused(schema: z.ZodType) {
  for (const payload of ["just a string", 42, null, [1, 2, 3], undefined]) {
    const r = refusal(schema, payload);
    expect(r?.fieldErrors, JSON.stringify(payload)).toEqual({});
    expect(r?.formErrors, JSON.stringify(payload)).toEqual([expect.any(String)]);
  }
}
