/**
 * A refusal the person can act on: shown as it is (at a field, or as the form's message).
 * Anything else thrown is logged and replaced by a generic message, never a stack or SQL.
 */
export class DomainError extends Error {
  constructor(
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = "DomainError";
  }

  static field(field: string, message: string) {
    return new DomainError(message, { [field]: [message] });
  }
}

/** The session is missing, ended or lacks the role; actions turn it into a refusal, pages into a redirect. */
export class AuthError extends Error {
  constructor(
    readonly reason: "no-session" | "forbidden" | "must-change-password",
    message = reason === "forbidden" ? "You are not allowed to do that." : "Your session has ended. Sign in again.",
  ) {
    super(message);
    this.name = "AuthError";
  }
}
