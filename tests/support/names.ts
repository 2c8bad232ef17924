let count = 0;
const run = `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 4)}`;

/**
 * A name no other test uses (this process's files share the SMTP receiver, and a test must not
 * depend on which names others took): `prefix-` + a suffix, in lowercase a-z 0-9 and -, so that it is
 * a valid username, endpoint name or key label as well. At most 32 characters.
 */
export function unique(prefix: string): string {
  count += 1;
  const name = `${prefix}-${run}${count.toString(36)}`;
  if (name.length > 32 || !/^[a-z0-9_-]+$/.test(name)) throw new Error(`unique(${JSON.stringify(prefix)}): "${name}" is not a valid username`);
  return name;
}
