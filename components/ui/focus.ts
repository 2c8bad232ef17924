/** The id of each page's main heading: where focus goes when what had it disappears. */
export const MAIN_HEADING_ID = "main-heading";
