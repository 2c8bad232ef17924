import "server-only";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { AuthError, DomainError } from "@/lib/errors";
import type { Role } from "@/db/enums";
import { requireAdmin, requireRole, requireUser, type SessionUser } from "./dal";

/** What every form action returns: rendered by the form, field errors beside their fields. */
export type ActionState<T = undefined> = {
  ok: boolean;
  message?: string;
  fieldErrors?: Record<string, string[] | undefined>;
  data?: T;
};

type Handler<S extends z.ZodType, T> = (input: z.infer<S>, user: SessionUser) => Promise<T | void>;
type Options = {
  revalidate?: string;
  allowPasswordChange?: boolean;
  /** What an impersonating admin may not do here, said in the refusal ("change the user's password"). */
  notWhileImpersonating?: string;
};

/**
 * Server actions are public endpoints: anyone can post anything to them. This wrapper checks the
 * session and role first, then parses the payload with zod, then does the work; a refusal or bad input
 * comes back as a state (field errors where they belong) and nothing is written. Unexpected errors are
 * logged and answered with a generic message, never a stack, SQL or a 500.
 */
function guarded<S extends z.ZodType, T, U = SessionUser>(gate: (o: Options) => Promise<U>, schema: S, fn: (input: z.infer<S>, user: U) => Promise<T | void>, opts: Options) {
  return async (_prev: unknown, payload: unknown): Promise<ActionState<T>> => {
    let user: U;
    try {
      user = await gate(opts);
    } catch (e) {
      if (e instanceof AuthError) return { ok: false, message: e.message };
      throw e;
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      const flat = z.flattenError(parsed.error);
      return {
        ok: false,
        message: flat.formErrors[0] ?? "Please correct the highlighted fields.",
        fieldErrors: flat.fieldErrors as Record<string, string[]>,
      };
    }
    try {
      const data = await fn(parsed.data, user);
      if (opts.revalidate) revalidatePath(opts.revalidate);
      return { ok: true, data: data ?? undefined };
    } catch (e) {
      if (e instanceof DomainError) return { ok: false, message: e.message, fieldErrors: e.fieldErrors };
      if (e instanceof AuthError) return { ok: false, message: e.message };
      console.error("[action] failed:", e);
      return { ok: false, message: "Something went wrong; nothing was changed. Please try again." };
    }
  };
}

export const adminAction = <S extends z.ZodType, T>(schema: S, fn: Handler<S, T>, opts: Options = {}) =>
  guarded((o) => requireAdmin(o), schema, fn, opts);

export const userAction = <S extends z.ZodType, T>(schema: S, fn: Handler<S, T>, opts: Options = {}) =>
  guarded((o) => requireUser(o), schema, fn, opts);

/** userAction for the given roles only (the portal's template and profile actions: experts and admins). */
export const roleAction = <S extends z.ZodType, T>(roles: readonly Role[], schema: S, fn: Handler<S, T>, opts: Options = {}) =>
  guarded((o) => requireRole(roles, o), schema, fn, opts);

/**
 * For the few actions that serve visitors without a session (forgot / reset password): the same
 * parsing and error handling, no gate. The work itself must refuse what a stranger may not do.
 */
export const publicAction = <S extends z.ZodType, T>(schema: S, fn: (input: z.infer<S>) => Promise<T | void>, opts: Options = {}) =>
  guarded(async () => null, schema, (input) => fn(input), opts);
