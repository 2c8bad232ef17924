import type { Role } from "@/db/enums";

// What Tollgate puts into next-auth's objects, so that they are typed where they are read
// (lib/auth/options.ts, lib/sessions/policy.ts) instead of cast.

declare module "next-auth" {
  /** What the credentials provider's authorize() returns. */
  interface User {
    id: string;
    role: Role;
    /** The user's session version at sign-in (see lib/callers SessionState). */
    sv: number;
  }
  /** The client-visible session: the name, and the id; access is decided by the DAL, not by this. */
  interface Session {
    uid?: string;
  }
}

declare module "next-auth/jwt" {
  /** The session's claims (lib/sessions/policy SessionClaims). */
  interface JWT {
    uid?: string;
    sv?: number;
    role?: Role | string;
    sid?: string;
    sat?: number;
    seen?: number;
  }
}
