import { handleCompletion } from "@/lib/gateway";
import { fromWebRequest } from "@/lib/gateway/web";

// The gateway authenticates with API keys, never with cookies: no session, no CSRF surface here.
// `npm start` serves /v1/* from lib/gateway/node before Next sees it; this route handler is the same
// gateway for hosts that run Next without that server.
export const dynamic = "force-dynamic";

export function POST(request: Request) {
  return handleCompletion(fromWebRequest(request), "openai");
}
