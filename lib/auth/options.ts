import "server-only";
import { randomUUID } from "node:crypto";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { sessionStateOf } from "@/lib/callers";
import { config } from "@/lib/config";
import { revokeSession } from "@/lib/sessions";
import { claimsOf, endedByTime, nowSeconds } from "@/lib/sessions/policy";
import { verifyCredentials } from "@/lib/users";
import { stampedClientIp } from "./client-ip";
import { sessionCookie } from "./cookies";
import { admitLogin, normaliseUsername, tooManyAttempts } from "./login-limits";
import { sameSitePath } from "./redirects";

export const GENERIC_LOGIN_ERROR = "Invalid username or password.";

// bcrypt compares the first 72 bytes only: a longer password can never be one that was set (the
// forms refuse them), so it is refused here too rather than compared cut short.
const MAX_PASSWORD_BYTES = 72;

export function authOptions(): NextAuthOptions {
  const { authSecret, secureCookies, session, appUrl } = config();
  return {
    secret: authSecret,
    useSecureCookies: secureCookies,
    session: { strategy: "jwt", maxAge: session.maxSeconds },
    cookies: { sessionToken: sessionCookie(secureCookies) },
    jwt: { maxAge: session.maxSeconds },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Password",
        credentials: { username: { label: "Username", type: "text" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const username = normaliseUsername(String(credentials?.username ?? "")).slice(0, 64);
          const password = String(credentials?.password ?? "");
          if (!username || !password || Buffer.byteLength(password, "utf8") > MAX_PASSWORD_BYTES) throw new Error(GENERIC_LOGIN_ERROR);
          // Counted before the comparison: parallel guesses cannot all slip under the limit.
          const admission = await admitLogin(username, stampedClientIp(req?.headers));
          if (!admission.admitted) throw new Error(tooManyAttempts(admission.retryAfterSeconds));
          const user = await verifyCredentials(username, password);
          if (!user) throw new Error(GENERIC_LOGIN_ERROR);
          await admission.succeeded();
          return { id: user.id, name: user.username, role: user.role, sv: user.sessionVersion };
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          // A new session: its own id, and the time the absolute lifetime counts from.
          const now = nowSeconds();
          return { ...token, uid: user.id, role: user.role, sv: user.sv, sid: randomUUID(), sat: now, seen: now };
        }
        // next-auth re-reads the token (e.g. GET /api/auth/session) and would re-issue the cookie:
        // a session that ended — by time, by sign-out or by a version change — is refused instead,
        // which makes next-auth clear the cookie.
        const claims = claimsOf(token);
        if (!claims || endedByTime(claims, session)) throw new Error("The session has ended.");
        const state = await sessionStateOf(claims.uid);
        if (!state?.active || state.sessionVersion !== claims.sv || state.revokedSessions.includes(claims.sid)) throw new Error("The session has ended.");
        return token;
      },
      async session({ session: shown, token }) {
        // Only what the client may see; the DAL, not this object, decides access.
        return { ...shown, user: { name: shown.user?.name }, uid: token.uid };
      },
      async redirect({ url }) {
        return new URL(sameSitePath(url, appUrl) ?? "/", appUrl).toString();
      },
    },
    events: {
      // next-auth's own sign-out (POST /api/auth/signout) ends the session on the server too.
      async signOut({ token }) {
        const claims = claimsOf(token);
        if (claims) await revokeSession(claims);
      },
    },
  };
}
