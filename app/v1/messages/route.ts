import { handleCompletion } from "@/lib/gateway";

export const dynamic = "force-dynamic";

export function POST(request: Request) {
  return handleCompletion(request, "anthropic");
}
