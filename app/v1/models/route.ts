import { handleModels } from "@/lib/gateway";

export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return handleModels(request);
}
