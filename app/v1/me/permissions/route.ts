import { handleMe } from "@/lib/gateway";

export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return handleMe(request);
}
