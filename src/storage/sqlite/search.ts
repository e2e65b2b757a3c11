import type { DatabaseSync, SQLInputValue } from "node:sqlite";

import type { Practice } from "../../domain/practice.ts";
import type { Resource } from "../../domain/resource.ts";
import { ftsMatchExpression } from "../../search/query.ts";
import type { LibraryHit, LibrarySearchQuery, SearchRepository } from "../types.ts";

type Row = Record<string, unknown>;

/** BM25 weights of the search_index columns, in order: a word in the title counts most, then the summary, then the body. */
const COLUMN_WEIGHTS = "10.0, 5.0, 1.0";

/**
 * Searches the FTS5 index that migration triggers keep in sync with the
 * practices and resources tables. Visibility is checked on the item rows
 * themselves, so hiding, withdrawing or deleting an item removes it from
 * results at once.
 */
export class SqliteSearchRepository implements SearchRepository {
  constructor(private readonly database: DatabaseSync) {}

  async library(query: LibrarySearchQuery): Promise<{ hits: LibraryHit[]; total: number }> {
    if (query.terms.length === 0) return { hits: [], total: 0 };
    const branches: string[] = [];
    const parameters: SQLInputValue[] = [ftsMatchExpression(query.terms)];
    const visible = "item.deleted IS NULL AND item.status IN ('published', 'archived') AND item.hidden IS NULL";
    const themed = "EXISTS (SELECT 1 FROM json_each(item.data, '$.themes') WHERE json_each.value = ?)";
    const branch = (kind: "practice" | "resource", table: string, extra: string[]) => {
      const conditions = [visible, ...extra];
      if (query.theme) {
        conditions.push(themed);
        parameters.push(query.theme);
      }
      branches.push(
        `SELECT matches.kind AS kind, matches.rank AS rank, item.iri AS iri, COALESCE(item.published, item.updated) AS listed_at, item.data, item.hidden
         FROM matches JOIN ${table} AS item ON matches.kind = '${kind}' AND item.iri = matches.iri
         WHERE ${conditions.join(" AND ")}`,
      );
    };
    if (query.kind === null || query.kind === "practice") branch("practice", "practices", []);
    if (query.kind === null || query.kind === "resource") branch("resource", "resources", query.kind === "resource" ? ["item.media = 0"] : []);
    if (query.kind === "media") branch("resource", "resources", ["item.media = 1"]);

    const found = `WITH matches AS MATERIALIZED (
        SELECT document.kind, document.iri, bm25(search_index, ${COLUMN_WEIGHTS}) AS rank
        FROM search_index JOIN search_documents AS document ON document.id = search_index.rowid
        WHERE search_index MATCH ?
      )
      ${branches.join(" UNION ALL ")}`;
    const total = (this.database.prepare(`SELECT COUNT(*) AS n FROM (${found})`).get(...parameters) as Row).n as number;
    // bm25() is lower for better matches.
    const rows = this.database
      .prepare(`${found} ORDER BY rank, listed_at DESC, iri LIMIT ? OFFSET ?`)
      .all(...parameters, query.limit, query.offset) as Row[];
    return { hits: rows.map(toHit), total };
  }
}

function toHit(row: Row): LibraryHit {
  const hidden = (row.hidden as string | null) ?? null;
  if (row.kind === "practice") return { kind: "practice", item: { ...(JSON.parse(row.data as string) as Practice), hidden } };
  return { kind: "resource", item: { ...(JSON.parse(row.data as string) as Resource), hidden } };
}
