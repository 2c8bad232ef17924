import { handleCountTokens } from "@/lib/gateway";
import { fromWebRequest } from "@/lib/gateway/web";

export const dynamic = "force-dynamic";

export function POST(request: Request) {
  return handleCountTokens(fromWebRequest(request));
}
