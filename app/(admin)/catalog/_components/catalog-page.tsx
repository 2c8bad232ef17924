import { PageHeading } from "@/components/ui/page-heading";
import { Cell, EmptyRow, Row, Table, TableBody, TableHead, Th } from "@/components/ui/table";
import type { CatalogRow } from "@/lib/catalog";
import { CATALOG_LABELS, type CatalogKind } from "@/lib/catalog/kinds";
import { capitalize, plural } from "@/lib/format";
import { CreateCatalogDialog } from "./catalog-dialogs";
import { CatalogRowActions } from "./catalog-row-actions";

/**
 * The page of one admin-kept list (skills or MCP tools): the names agents behind the gateway may use
 * once a user is granted them. The page itself checks the session (adminPage) and reads the rows.
 */
export function CatalogPage({ kind, rows }: { kind: CatalogKind; rows: CatalogRow[] }) {
  const { one, many } = CATALOG_LABELS[kind];
  return (
    <div className="flex flex-col gap-4">
      <PageHeading title={capitalize(many)} actions={<CreateCatalogDialog kind={kind} />}>
        {plural(rows.length, one, many)} · names the agents behind the gateway may use once a user is granted them (Permissions, on Users)
      </PageHeading>
      <Table data-testid="catalog-table">
        <TableHead>
          <Th>Name</Th>
          <Th>Description</Th>
          <Th>
            Grants <span className="sr-only">(users granted it by name)</span>
          </Th>
          <Th className="text-right">Actions</Th>
        </TableHead>
        <TableBody>
          {rows.length === 0 && (
            <EmptyRow colSpan={4}>
              No {many} yet. Add the {many} agents may use.
            </EmptyRow>
          )}
          {rows.map((e) => (
            <Row key={e.id} className="md:align-top" data-entry={e.name}>
              <Cell className="font-mono font-medium break-all text-fg">{e.name}</Cell>
              <Cell label="Description" className="break-words text-fg">
                {e.description || <span className="text-muted">—</span>}
              </Cell>
              <Cell label="Grants" className="text-fg md:whitespace-nowrap" data-testid="grants" title="Users granted it by name (a grant of every one, *, is not counted)">
                {e.grants.toLocaleString("en-US")}
              </Cell>
              <Cell className="pt-2 md:pt-2">
                <CatalogRowActions kind={kind} entry={e} />
              </Cell>
            </Row>
          ))}
        </TableBody>
      </Table>
      <p className="text-xs text-muted">Grants counts the users granted a name itself; users granted every {one} (*) may use it too.</p>
    </div>
  );
}
