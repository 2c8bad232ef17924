// Wording shared by pages and components (no server code here).

/** "1 user", "2 users", "1,204 users". */
export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

/** "skill" → "Skill", for a word that starts a sentence or a title. */
export const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
