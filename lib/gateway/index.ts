import "server-only";
import { checkAlerts } from "@/lib/alerts";
import { keyCallerOf } from "@/lib/callers";
import { config } from "@/lib/config";
import { routingEndpoints } from "@/lib/endpoints";
import { routingOverlays } from "@/lib/templates";
import { markKeyUsed } from "@/lib/keys";
import { budgetStore } from "@/lib/budgets";
import { runCompletion, type GatewayDeps } from "./call";
import { runCountTokens } from "./count-tokens";
import { reasoningSealer } from "./sealer";
import type { ApiStyle } from "./errors";
import { callerPermissions } from "@/lib/permissions";
import { runMe, runModels } from "./models";
import type { GatewayRequest } from "./request";

// The gateway as the app serves it: the call (./call), the model list and the caller's permissions
// (./models) wired to the real cache, database and configuration. The route handlers in app/v1 and the
// server's direct path (./node) call only these functions.

const deps = (): GatewayDeps => ({
  keyCaller: keyCallerOf,
  endpoints: routingEndpoints,
  overlays: routingOverlays,
  budgets: budgetStore(),
  keyUsed: markKeyUsed,
  settled: checkAlerts,
  allowances: config().budgetAllowances,
  sealer: reasoningSealer(),
  ...config().gateway,
});

export type { GatewayRequest };

/** POST /v1/chat/completions (openai), POST /v1/messages (anthropic) and POST /v1/responses (openai-responses). */
export const handleCompletion = (request: GatewayRequest, style: ApiStyle) => runCompletion(deps(), request, style);

/** GET /v1/models. */
export const handleModels = (request: Pick<GatewayRequest, "headers">) => runModels(deps(), request);

/** GET /v1/me/permissions. */
export const handleMe = (request: Pick<GatewayRequest, "headers">) => runMe({ ...deps(), permissions: callerPermissions }, request);

/** POST /v1/messages/count_tokens. */
export const handleCountTokens = (request: GatewayRequest) => runCountTokens(deps(), request);
