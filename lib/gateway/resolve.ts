import { permitOf } from "@/lib/permissions/rules";
import { NO_OVERLAYS } from "@/lib/templates/rules";
import type { CallerAuth } from "./auth";
import type { GatewayDeps } from "./call";
import { GatewayError, type ApiStyle } from "./errors";
import { routeOverlay, templateRefusal, type Routed } from "./overlay";
import { resolveModel, type Target } from "./routing";

/** The routing table and the templates and profiles, as of a resources version (none without the overlays dep). */
export const routingAt = (deps: Pick<GatewayDeps, "endpoints" | "overlays">, version: string | undefined) =>
  Promise.all([deps.endpoints(version), deps.overlays ? deps.overlays(version) : NO_OVERLAYS]);

/**
 * The resolve step of a call (and of count_tokens): a template the caller may use, or a `claude-*`
 * model taken over by their active CC profile, goes where it says (its own checks, no model endpoint
 * grant of the caller needed); any other name is a model among those the caller's grants allow. A
 * name that is no model but a template the caller may not call is refused with the template's reason.
 */
export async function resolveCall(
  deps: Pick<GatewayDeps, "endpoints" | "overlays">,
  version: string | undefined,
  caller: CallerAuth,
  style: ApiStyle,
  requested: string,
): Promise<{ target: Target; routed?: Routed }> {
  const [endpoints, table] = await routingAt(deps, version);
  const routed = routeOverlay(table, endpoints, caller, style, requested);
  if (routed) return { target: routed.target, routed };
  try {
    return { target: resolveModel(endpoints, requested, style, permitOf(caller)) };
  } catch (e) {
    if (e instanceof GatewayError && (e.kind === "not_found" || e.kind === "unavailable")) throw templateRefusal(table, caller, requested) ?? e;
    throw e;
  }
}
