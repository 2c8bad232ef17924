import { readFileSync } from "node:fs";
import path from "node:path";
import { decodeKey, unseal } from "@/lib/cipher";
import { keyContext } from "@/lib/endpoints/stored-key";
import type { App } from "./app";

// Reads an endpoint's upstream key the way only the server can: the sealed column (with SQL, to
// assert) opened with the key the app generated into its data folder. Tests that started the app with
// ENCRYPTION_KEYS pass that instead.

/** The clear upstream key of an endpoint (null without one); fails when the column holds it in clear. */
export async function upstreamKeyOf(app: App, id: string, keyText = readFileSync(path.join(path.dirname(app.dbFile), "encryption-key"), "utf8")): Promise<string | null> {
  const { rows } = await app.db.execute({ sql: "SELECT base_url, upstream_api_key FROM model_endpoints WHERE id = ?", args: [id] });
  const stored = rows[0]?.upstream_api_key as string | null | undefined;
  if (stored === undefined) throw new Error(`no endpoint ${id}`);
  if (stored === null) return null;
  if (!stored.startsWith("enc:v1:")) throw new Error(`the upstream key of endpoint ${id} is stored in clear`);
  return unseal(stored, keyContext({ id, baseUrl: String(rows[0].base_url) }), [decodeKey(keyText)!]);
}
