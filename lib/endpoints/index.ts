import "server-only";
import { asc } from "drizzle-orm";
import { getDb } from "@/db";
import { modelEndpoints } from "@/db/schema";

// Placeholder until the endpoints admin module lands (branch `endpoints`): the gateway's read only.
export const ENDPOINTS_CACHE_KEY = "endpoints";

export async function listRoutingEndpoints() {
  return getDb()
    .select({
      id: modelEndpoints.id,
      name: modelEndpoints.name,
      baseUrl: modelEndpoints.baseUrl,
      apiStyle: modelEndpoints.apiStyle,
      upstreamApiKey: modelEndpoints.upstreamApiKey,
      models: modelEndpoints.models,
      eurPerMInput: modelEndpoints.eurPerMInput,
      eurPerMOutput: modelEndpoints.eurPerMOutput,
    })
    .from(modelEndpoints)
    .orderBy(asc(modelEndpoints.name));
}
