import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { admitSignIn, CREDENTIALS_CALLBACK } from "@/lib/auth/sign-in-admission";

// next-auth's own endpoints (csrf, credentials callback, session). Built on first use, not at import,
// so that configuration is read at run time. A credentials sign-in first takes a slot of the password
// hashing pool, or is refused with 503 at once when the pool is full.
type Handler = (req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) => Promise<Response>;
let handler: Handler | undefined;
const route: Handler = async (req, ctx) => {
  const nextAuth = (handler ??= NextAuth(authOptions()) as Handler);
  if (req.method === "POST" && new URL(req.url).pathname === CREDENTIALS_CALLBACK) return admitSignIn(() => nextAuth(req, ctx));
  return nextAuth(req, ctx);
};

export { route as GET, route as POST };
