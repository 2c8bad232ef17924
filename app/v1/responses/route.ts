import { handleCompletion } from "@/lib/gateway";
import { fromWebRequest } from "@/lib/gateway/web";

export const dynamic = "force-dynamic";

export function POST(request: Request) {
  return handleCompletion(fromWebRequest(request), "openai-responses");
}
