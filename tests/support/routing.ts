import type { RoutingEndpoint } from "@/lib/endpoints";

/** A routing table entry for the pure gateway tests: free prices, default caps, no key unless given. */
export const routingEndpoint = (name: string, apiStyle: RoutingEndpoint["apiStyle"], models: string[], over: Partial<RoutingEndpoint> = {}): RoutingEndpoint => ({
  id: name,
  name,
  baseUrl: `http://${name}.test/v1`,
  apiStyle,
  upstreamApiKey: null,
  models,
  eurPerMInput: 0,
  eurPerMOutput: 0,
  eurPerMCacheRead: null,
  eurPerMCacheWrite: null,
  maxOutputTokens: {},
  outputCapField: "max_tokens",
  ...over,
});
