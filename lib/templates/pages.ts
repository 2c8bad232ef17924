import "server-only";
import { getClient } from "@/db";
import type { Role } from "@/db/enums";
import { grantsAllow } from "@/lib/permissions/rules";
import { splitTarget } from "./rules";

// Reads the pages need beside lib/templates: what a form may aim at, the counts the delete-user
// confirmation names for a page of users, and what an endpoint's deletion would break.

/**
 * The `model@endpoint` pairs a user may aim a template or profile at (the form's suggestions): every
 * endpoint's models for an admin, the granted ones for anyone else. The server re-checks on save.
 */
export async function targetChoices(user: { id: string; role: Role }): Promise<string[]> {
  const [endpoints, grants] = await getClient().batch(
    [
      "SELECT name, models FROM model_endpoints ORDER BY name",
      { sql: "SELECT resource_id FROM permissions WHERE user_id = ? AND resource_type = 'model_endpoint'", args: [user.id] },
    ],
    "read",
  );
  const held = grants.rows.map((r) => String(r.resource_id));
  const pairs: string[] = [];
  for (const row of endpoints.rows) {
    const endpoint = String(row.name);
    for (const model of JSON.parse(String(row.models)) as string[]) if (user.role === "admin" || grantsAllow(held, endpoint, model)) pairs.push(`${model}@${endpoint}`);
  }
  return pairs;
}

/** How many templates and CC profiles each of these users owns (those with none are left out). */
export async function ownedCountsOf(userIds: readonly string[]): Promise<Record<string, { templates: number; profiles: number }>> {
  if (!userIds.length) return {};
  const r = await getClient().execute({
    sql: `SELECT owner_id, sum(t) AS templates, sum(p) AS profiles FROM (
            SELECT owner_id, 1 AS t, 0 AS p FROM expert_templates WHERE owner_id IN (SELECT value FROM json_each(?1))
            UNION ALL SELECT owner_id, 0, 1 FROM cc_profiles WHERE owner_id IN (SELECT value FROM json_each(?1))
          ) GROUP BY owner_id`,
    args: [JSON.stringify(userIds)],
  });
  return Object.fromEntries(r.rows.map((row) => [String(row.owner_id), { templates: Number(row.templates), profiles: Number(row.profiles) }]));
}

/** How many templates and CC profiles aim at each endpoint (its delete dialog says they will be broken). */
export async function aimedAtCounts(): Promise<Map<string, number>> {
  const [t, p] = await getClient().batch(["SELECT json_extract(config, '$.target') AS target FROM expert_templates", "SELECT json_extract(config, '$.toolModel') AS target FROM cc_profiles"], "read");
  const counts = new Map<string, number>();
  for (const row of [...t.rows, ...p.rows]) {
    if (typeof row.target !== "string") continue;
    const endpoint = splitTarget(row.target).endpoint;
    counts.set(endpoint, (counts.get(endpoint) ?? 0) + 1);
  }
  return counts;
}
