import type { DatabaseSync } from "node:sqlite";

import { isMediaType, type Resource } from "../../domain/resource.ts";
import type { ResourceQuery, ResourceRepository } from "../types.ts";

type Row = Record<string, unknown>;

const INSERT_RESOURCE = `INSERT INTO resources (iri, slug, local, source_actor, media, status, published, updated, deleted, data)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Builds the column values of INSERT_RESOURCE, in order; `hidden` is moderation's and stays out of the data. */
function resourceRow(resource: Resource): (string | number | null)[] {
  const { hidden: _hidden, ...data } = resource;
  return [
    resource.iri,
    resource.slug,
    resource.local ? 1 : 0,
    resource.sourceActor,
    isMediaType(resource.resourceType) ? 1 : 0,
    resource.status,
    resource.published,
    resource.updated,
    resource.deleted,
    JSON.stringify(data),
  ];
}

function toResource(row: Row): Resource {
  return { ...(JSON.parse(row.data as string) as Resource), hidden: (row.hidden as string | null) ?? null };
}

export class SqliteResourceRepository implements ResourceRepository {
  constructor(private readonly database: DatabaseSync) {}

  async save(resource: Resource): Promise<void> {
    this.database
      .prepare(
        `${INSERT_RESOURCE}
         ON CONFLICT (iri) DO UPDATE SET slug = excluded.slug, media = excluded.media, status = excluded.status, published = excluded.published,
           updated = excluded.updated, deleted = excluded.deleted, data = excluded.data, source_actor = excluded.source_actor`,
      )
      .run(...resourceRow(resource));
  }

  async insertNew(resource: Resource): Promise<boolean> {
    return Number(this.database.prepare(`${INSERT_RESOURCE} ON CONFLICT DO NOTHING`).run(...resourceRow(resource)).changes) > 0;
  }

  async byIri(iri: string): Promise<Resource | null> {
    const row = this.database.prepare("SELECT data, hidden FROM resources WHERE iri = ?").get(iri) as Row | undefined;
    return row ? toResource(row) : null;
  }

  async bySlug(slug: string): Promise<Resource | null> {
    const row = this.database.prepare("SELECT data, hidden FROM resources WHERE slug = ?").get(slug) as Row | undefined;
    return row ? toResource(row) : null;
  }

  async slugExists(slug: string): Promise<boolean> {
    return this.database.prepare("SELECT 1 FROM resources WHERE slug = ?").get(slug) !== undefined;
  }

  async usingFile(href: string): Promise<Resource[]> {
    const rows = this.database
      .prepare(
        `SELECT data, hidden FROM resources WHERE local = 1 AND (json_extract(data, '$.file.href') = ?
           OR EXISTS (SELECT 1 FROM json_each(data, '$.captions') WHERE json_extract(json_each.value, '$.file.href') = ?))`,
      )
      .all(href, href) as Row[];
    return rows.map(toResource);
  }

  async list(query: ResourceQuery): Promise<{ items: Resource[]; total: number }> {
    const conditions = ["deleted IS NULL"];
    const parameters: (string | number)[] = [];
    if (!query.includeDrafts) conditions.push("status IN ('published', 'archived')");
    if (!query.includeHidden) conditions.push("hidden IS NULL");
    if (query.local !== undefined) {
      conditions.push("local = ?");
      parameters.push(query.local ? 1 : 0);
    }
    if (query.media !== undefined) {
      conditions.push("media = ?");
      parameters.push(query.media ? 1 : 0);
    }
    if (query.theme) {
      conditions.push("EXISTS (SELECT 1 FROM json_each(data, '$.themes') WHERE json_each.value = ?)");
      parameters.push(query.theme);
    }
    if (query.authorAccountId !== undefined) {
      conditions.push("json_extract(data, '$.authorAccountId') = ?");
      parameters.push(query.authorAccountId);
    }
    const where = conditions.join(" AND ");
    const total = (this.database.prepare(`SELECT COUNT(*) AS n FROM resources WHERE ${where}`).get(...parameters) as Row).n as number;
    const rows = this.database
      .prepare(`SELECT data, hidden FROM resources WHERE ${where} ORDER BY COALESCE(published, updated) DESC, iri LIMIT ? OFFSET ?`)
      .all(...parameters, query.limit, query.offset) as Row[];
    return { items: rows.map(toResource), total };
  }

  async deleteFromSource(sourceActor: string): Promise<number> {
    return Number(this.database.prepare("DELETE FROM resources WHERE local = 0 AND source_actor = ?").run(sourceActor).changes);
  }

  async countFromSource(sourceActor: string): Promise<number> {
    const row = this.database.prepare("SELECT COUNT(*) AS count FROM resources WHERE local = 0 AND source_actor = ?").get(sourceActor) as { count: number };
    return Number(row.count);
  }

  async remove(iri: string): Promise<void> {
    this.database.prepare("DELETE FROM resources WHERE iri = ?").run(iri);
  }

  async sourceActors(): Promise<string[]> {
    const rows = this.database.prepare("SELECT DISTINCT source_actor FROM resources WHERE local = 0 AND source_actor IS NOT NULL").all() as Row[];
    return rows.map((row) => row.source_actor as string);
  }

  async countBySource(): Promise<Map<string, number>> {
    const rows = this.database
      .prepare("SELECT source_actor, COUNT(*) AS n FROM resources WHERE local = 0 AND deleted IS NULL AND hidden IS NULL AND status IN ('published', 'archived') GROUP BY source_actor")
      .all() as Row[];
    return new Map(rows.map((row) => [row.source_actor as string, row.n as number]));
  }

  async setHiddenForSource(sourceActor: string, hidden: string | null): Promise<number> {
    return Number(this.database.prepare("UPDATE resources SET hidden = ? WHERE local = 0 AND source_actor = ?").run(hidden, sourceActor).changes);
  }

  async unhideByReason(hidden: string): Promise<number> {
    return Number(this.database.prepare("UPDATE resources SET hidden = NULL WHERE hidden = ?").run(hidden).changes);
  }
}
