import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/** A copy of the migrations folder (under `dir`) as it was up to migration `last` (its journal index): for upgrade tests. */
export function migrationsUpTo(dir: string, last: number): string {
  const folder = path.join(dir, `drizzle-${String(last).padStart(4, "0")}`);
  cpSync(path.resolve(__dirname, "../../drizzle"), folder, { recursive: true });
  const journalFile = path.join(folder, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalFile, "utf8")) as { entries: { idx: number; tag: string }[] };
  for (const e of journal.entries.filter((e) => e.idx > last)) rmSync(path.join(folder, `${e.tag}.sql`));
  journal.entries = journal.entries.filter((e) => e.idx <= last);
  writeFileSync(journalFile, JSON.stringify(journal));
  return folder;
}
