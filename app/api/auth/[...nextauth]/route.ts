import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";

// next-auth's own endpoints (csrf, credentials callback, session). Built on first use, not at import,
// so that configuration is read at run time.
type Handler = (req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) => Promise<Response>;
let handler: Handler | undefined;
const route: Handler = (req, ctx) => {
  handler ??= NextAuth(authOptions()) as Handler;
  return handler(req, ctx);
};

export { route as GET, route as POST };
