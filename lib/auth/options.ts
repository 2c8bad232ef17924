import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { config } from "@/lib/config";
import { verifyCredentials } from "@/lib/users";
import { loginBlockedFor, recordLoginFailure, recordLoginSuccess } from "./login-limits";
import { SESSION_MAX_AGE_SECONDS, sessionCookie } from "./cookies";

export const GENERIC_LOGIN_ERROR = "Invalid username or password.";

/** The client's address as the nearest proxy (or Next's own server) reports it. */
function clientIp(headers: Record<string, unknown> | undefined): string {
  const forwarded = String(headers?.["x-forwarded-for"] ?? "");
  // The last entry is the one our own front added; earlier ones can be set by the client.
  const last = forwarded.split(",").map((s) => s.trim()).filter(Boolean).pop();
  return last || String(headers?.["x-real-ip"] ?? "unknown");
}

export function authOptions(): NextAuthOptions {
  const { authSecret, secureCookies } = config();
  return {
    secret: authSecret,
    useSecureCookies: secureCookies,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    cookies: { sessionToken: sessionCookie(secureCookies) },
    jwt: { maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Password",
        credentials: { username: { label: "Username", type: "text" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const username = String(credentials?.username ?? "").trim().toLowerCase().slice(0, 64);
          const password = String(credentials?.password ?? "").slice(0, 200);
          const ip = clientIp(req?.headers as Record<string, unknown> | undefined);
          const wait = await loginBlockedFor(username, ip);
          if (wait > 0) throw new Error(`Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} minute(s).`);
          const user = username && password ? await verifyCredentials(username, password) : null;
          if (!user) {
            await recordLoginFailure(username, ip);
            throw new Error(GENERIC_LOGIN_ERROR);
          }
          await recordLoginSuccess(username);
          return { id: user.id, name: user.username, role: user.role, sv: user.sessionVersion };
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.role = user.role;
          token.sv = user.sv;
        }
        return token;
      },
      async session({ session, token }) {
        // Only what the client may see; the DAL, not this object, decides access.
        return { ...session, user: { name: session.user?.name }, uid: token.uid };
      },
    },
  };
}
