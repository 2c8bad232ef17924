import { handleCompletion } from "@/lib/gateway";

// The gateway authenticates with API keys, never with cookies: no session, no CSRF surface here.
export const dynamic = "force-dynamic";

export function POST(request: Request) {
  return handleCompletion(request, "openai");
}
