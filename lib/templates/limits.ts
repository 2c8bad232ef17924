// Limits shared by the import schema and the import dialog (no zod here: client components read it).

/** The longest import file, in characters: within what one form post carries (ACTION_BODY_LIMIT_BYTES, 100 KiB). */
export const IMPORT_MAX_CHARS = 90_000;
export const IMPORT_TOO_LARGE = `The file must be at most ${IMPORT_MAX_CHARS / 1000} KB: import a larger set in several files`;
