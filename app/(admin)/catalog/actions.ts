"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { adminAction } from "@/lib/auth/action";
import { createCatalogEntry, deleteCatalogEntry, updateCatalogEntry } from "@/lib/catalog";
import { CATALOG_KINDS, CatalogEntryInput, CatalogId } from "@/lib/catalog/schemas";

// The skills and MCP tools pages (/skills, /mcp-tools): one list shape, the kind in the payload.

const Kind = z.enum(CATALOG_KINDS, { error: "Unknown list" });
const PAGES = { skill: "/skills", mcp_tool: "/mcp-tools" } as const;

/** Runs a change, then refreshes the page of its list (the path depends on the payload's kind). */
const thenRefresh = async <T>(kind: keyof typeof PAGES, change: Promise<T>) => {
  const result = await change;
  revalidatePath(PAGES[kind]);
  return result;
};

export const createCatalogEntryAction = adminAction(
  CatalogEntryInput.extend({ kind: Kind }),
  async ({ kind, ...input }, admin) => thenRefresh(kind, createCatalogEntry(admin, kind, input)),
);

export const updateCatalogEntryAction = adminAction(
  CatalogEntryInput.extend({ kind: Kind, id: CatalogId }),
  async ({ kind, id, ...input }, admin) => thenRefresh(kind, updateCatalogEntry(admin, kind, id, input)),
);

export const deleteCatalogEntryAction = adminAction(
  z.object({ kind: Kind, id: CatalogId }),
  async ({ kind, id }, admin) => thenRefresh(kind, deleteCatalogEntry(admin, kind, id)),
);
