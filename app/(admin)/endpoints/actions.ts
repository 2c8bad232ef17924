"use server";
import { z } from "zod";
import { adminAction } from "@/lib/auth/action";
import { createEndpoint, deleteEndpoint, testConnection, updateEndpoint } from "@/lib/endpoints";
import { CreateEndpoint, EndpointId, UpdateEndpoint } from "@/lib/endpoints/schemas";

// Thin: the admin gate + a schema + one call into lib/endpoints. Ids travel in the payload and are
// parsed like every other field. No action answers with the upstream key.

const revalidate = { revalidate: "/endpoints" };

export const createEndpointAction = adminAction(CreateEndpoint, async (input, admin) => createEndpoint(admin, input), revalidate);

export const updateEndpointAction = adminAction(
  UpdateEndpoint.safeExtend({ id: EndpointId }),
  async ({ id, ...input }, admin) => updateEndpoint(admin, id, input),
  revalidate,
);

export const deleteEndpointAction = adminAction(z.object({ id: EndpointId }), async ({ id }, admin) => deleteEndpoint(admin, id), revalidate);

/** Reads only; its answer is `data`: { ok: true, models } or { ok: false, message }. */
export const testEndpointAction = adminAction(z.object({ id: EndpointId }), async ({ id }) => testConnection(id));
