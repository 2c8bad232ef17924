/** ISO-8601 UTC with milliseconds, the format of every timestamp column. */
export const nowIso = () => new Date().toISOString();
