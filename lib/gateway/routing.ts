import type { RoutingEndpoint } from "@/lib/endpoints";
import { mayUseModel, type Permit } from "@/lib/permissions/rules";
import { GatewayError, type ApiStyle } from "./errors";

// Which endpoint serves a requested model: pure functions over the routing table, so that the
// rules are tested without a database.

export type Target = { endpoint: RoutingEndpoint; model: string };

/**
 * The endpoint for a requested model, among those the caller may use (resolve and permit in one):
 * `model@endpoint` names the endpoint; a plain model name goes to the first endpoint (by name) serving
 * it that the caller's grants allow, preferring one that speaks the client's API style (no translation)
 * and taking one of the other style otherwise — so a caller
 * granted only `m@B` who asks for `m` is sent to B. A model that exists but is not granted is a 403
 * naming the grant that is missing; one that does not exist a 404.
 */
export function resolveModel(endpoints: readonly RoutingEndpoint[], requested: string, style: ApiStyle, permit: Permit): Target {
  if (endpoints.length === 0) throw new GatewayError("unavailable", "No model endpoint is configured on this gateway. An admin can add one under Endpoints.");
  const at = requested.lastIndexOf("@");
  let endpoint: RoutingEndpoint | undefined;
  let model = requested;
  if (at > 0) {
    model = requested.slice(0, at);
    const name = requested.slice(at + 1);
    endpoint = endpoints.find((e) => e.name === name && e.models.includes(model));
    if (endpoint && !mayUseModel(permit, endpoint.name, model)) throw refusal(requested, [endpoint.name]);
  } else {
    const serving = endpoints.filter((e) => e.models.includes(requested));
    const allowed = serving.filter((e) => mayUseModel(permit, e.name, requested));
    if (serving.length > 0 && allowed.length === 0) throw refusal(requested, serving.map((e) => e.name));
    // Then one that can be translated to (a Responses endpoint serves Responses clients only).
    endpoint = allowed.find((e) => e.apiStyle === style) ?? allowed.find((e) => e.apiStyle !== "openai-responses") ?? allowed[0];
  }
  if (!endpoint) throw new GatewayError("not_found", `The model '${requested}' does not exist or is not served by this gateway.`);
  // An endpoint of the other style answers too: the call is translated (lib/translate).
  return { endpoint, model };
}

/** The 403 for a model the caller may not use, naming the grants that would allow it. */
function refusal(requested: string, endpoints: string[]): GatewayError {
  const model = requested.includes("@") ? requested.slice(0, requested.lastIndexOf("@")) : requested;
  const ids = [...endpoints.flatMap((e) => [`'${model}@${e}'`, `'*@${e}'`]), "'*'"];
  return new GatewayError(
    "permission",
    `Not permitted: the user of this API key has no grant for the model '${requested}'. Any of these model endpoint grants allows it: ${ids.join(", ")}. An admin can grant one in the user's Permissions tab.`,
  );
}

/**
 * The model ids a caller can name, each with the endpoint that answers it: a model served by several
 * of the endpoints the caller may use is listed once plainly and once per endpoint as `model@endpoint`.
 */
export function modelIds(endpoints: readonly RoutingEndpoint[], permit: Permit): { id: string; owner: string }[] {
  const servedBy = new Map<string, string[]>();
  for (const e of endpoints) for (const m of e.models) if (mayUseModel(permit, e.name, m)) servedBy.set(m, [...(servedBy.get(m) ?? []), e.name]);
  const ids: { id: string; owner: string }[] = [];
  for (const [model, names] of servedBy) {
    ids.push({ id: model, owner: names[0] });
    if (names.length > 1) for (const n of names) ids.push({ id: `${model}@${n}`, owner: n });
  }
  return ids;
}
