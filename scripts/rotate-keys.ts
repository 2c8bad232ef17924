// `npm run keys:rotate`: re-encrypts every stored upstream API key under the newest key of
// ENCRYPTION_KEYS (the first), and encrypts any still in clear. Idempotent; safe beside running
// instances (each row is written only if it still holds what was read). The rotation, in order:
//   1. every instance gets ENCRYPTION_KEYS=new,old and is restarted (each can then read both);
//   2. npm run keys:rotate, with the same ENCRYPTION_KEYS, against the same DATABASE_URL;
//   3. ENCRYPTION_KEYS=new everywhere.
// Exits 1, naming the endpoints, when a key cannot be decrypted with the keys given.
import { closeDb } from "@/db";
import { config } from "@/lib/config";
import { rotateKeys } from "@/lib/endpoints";

async function main() {
  const { encryptionKeys, encryptionKeysFrom } = config();
  const [newest, ...older] = encryptionKeys;
  console.log(`Keys from ${encryptionKeysFrom}: newest ${newest.id}${older.length ? `, older ${older.map((k) => k.id).join(", ")}` : ""}.`);
  const report = await rotateKeys();
  closeDb();
  console.log(`Upstream API keys now under key ${newest.id}: ${report.rotated} re-encrypted, ${report.sealed} encrypted from clear, ${report.current} already under it.`);
  if (report.unreadable.length > 0) {
    for (const u of report.unreadable) console.error(`Endpoint "${u.name}": ${u.problem}`);
    console.error(`${report.unreadable.length} key(s) left as they are: add the key they were encrypted under to ENCRYPTION_KEYS (after the newest) and run this again, or enter them again on /endpoints.`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
