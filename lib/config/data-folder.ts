import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

// The data folder (the SQLite file's folder, or ./data with a libSQL server) holds the database, the
// generated auth secret and the generated encryption key: it is the owner's alone, 0700, and each of
// those files 0600. Earlier versions left the folder and the database at the umask's 0755 / 0644, so
// the modes are tightened at every start, not only when the files are made.

const FOLDER_MODE = 0o700;
const FILE_MODE = 0o600;

/**
 * Takes away every permission beyond `mode` (0644 → 0600; an owner-read-only 0400 stays 0400). A file
 * that cannot be changed (owned by another user) is reported, not fatal: the server still runs.
 */
function tighten(target: string, mode: number) {
  let current: number;
  try {
    current = statSync(target).mode & 0o7777;
  } catch {
    return; // not there (yet)
  }
  const wanted = current & mode;
  if (wanted === current) return;
  try {
    chmodSync(target, wanted);
  } catch (e) {
    console.warn(`[data] could not make ${target} owner-only (${(e as NodeJS.ErrnoException).code ?? e}): change its mode to ${wanted.toString(8)} by hand.`);
  }
}

/**
 * A folder that is plainly not the database's own (the file system's root, the home or working
 * directory, a sticky shared one like /tmp) is not locked down: that would take it away from everything
 * else that lives there. The files in it still are.
 */
function sharedFolder(dir: string) {
  const resolved = path.resolve(dir);
  if ([path.parse(resolved).root, os.homedir(), process.cwd()].includes(resolved)) return true;
  try {
    return (statSync(resolved).mode & 0o1000) !== 0;
  } catch {
    return false;
  }
}

/** Creates the data folder owner-only, or makes an existing one so, with the generated secrets in it. */
export function prepareDataFolder(dir: string) {
  mkdirSync(dir, { recursive: true, mode: FOLDER_MODE });
  if (sharedFolder(dir)) console.warn(`[data] the data folder ${dir} is shared with other files, so it is left as it is: give the database a folder of its own.`);
  else tighten(dir, FOLDER_MODE);
  for (const file of ["auth-secret", "encryption-key"]) tighten(path.join(dir, file), FILE_MODE);
}

/**
 * The SQLite file and its companions, owner-only. A new database file is created here, empty and
 * 0600, before SQLite opens it, because SQLite gives its -wal, -shm and -journal files the mode of the
 * database file.
 */
export function prepareDatabaseFile(file: string) {
  prepareDataFolder(path.dirname(file));
  if (!existsSync(file)) closeSync(openSync(file, "a", FILE_MODE));
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) tighten(f, FILE_MODE);
}

/**
 * A secret generated on first start and kept in the data folder (0600): read when it is there, else
 * made by `make` and written. Two processes starting at once read the one that was written first.
 */
export function secretFile(dir: string, name: string, make: () => string): string {
  const file = path.join(dir, name);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  prepareDataFolder(dir);
  try {
    writeFileSync(file, make() + "\n", { mode: FILE_MODE, flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  return readFileSync(file, "utf8").trim();
}
