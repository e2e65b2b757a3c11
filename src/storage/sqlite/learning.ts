import type { DatabaseSync } from "node:sqlite";

import type { LearningOpportunity } from "../../domain/learning.ts";
import type { LearningQuery, LearningRepository } from "../types.ts";

type Row = Record<string, unknown>;

const INSERT = `INSERT INTO learning_opportunities (iri, slug, local, source_actor, start_time, end_time, published, updated, deleted, data)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Builds the column values of INSERT, in order. Instants are normalized so that the calendar can compare them as strings. */
function columns(item: LearningOpportunity): (string | number | null)[] {
  const { hidden: _hidden, ...data } = item;
  return [
    item.iri,
    item.slug,
    item.local ? 1 : 0,
    item.sourceActor,
    new Date(item.start).toISOString(),
    item.end ? new Date(item.end).toISOString() : null,
    item.published,
    item.updated,
    item.deleted,
    JSON.stringify(data),
  ];
}

function toItem(row: Row): LearningOpportunity {
  return { ...(JSON.parse(row.data as string) as LearningOpportunity), hidden: (row.hidden as string | null) ?? null };
}

export class SqliteLearningRepository implements LearningRepository {
  constructor(private readonly database: DatabaseSync) {}

  async save(item: LearningOpportunity): Promise<void> {
    this.database
      .prepare(
        `${INSERT}
         ON CONFLICT (iri) DO UPDATE SET slug = excluded.slug, source_actor = excluded.source_actor, start_time = excluded.start_time,
           end_time = excluded.end_time, published = excluded.published, updated = excluded.updated, deleted = excluded.deleted, data = excluded.data`,
      )
      .run(...columns(item));
  }

  async insertNew(item: LearningOpportunity): Promise<boolean> {
    return Number(this.database.prepare(`${INSERT} ON CONFLICT DO NOTHING`).run(...columns(item)).changes) > 0;
  }

  async byIri(iri: string): Promise<LearningOpportunity | null> {
    const row = this.database.prepare("SELECT data, hidden FROM learning_opportunities WHERE iri = ?").get(iri) as Row | undefined;
    return row ? toItem(row) : null;
  }

  async bySlug(slug: string): Promise<LearningOpportunity | null> {
    const row = this.database.prepare("SELECT data, hidden FROM learning_opportunities WHERE slug = ?").get(slug) as Row | undefined;
    return row ? toItem(row) : null;
  }

  async slugExists(slug: string): Promise<boolean> {
    return this.database.prepare("SELECT 1 FROM learning_opportunities WHERE slug = ?").get(slug) !== undefined;
  }

  async list(query: LearningQuery): Promise<{ items: LearningOpportunity[]; total: number }> {
    const conditions = ["deleted IS NULL", query.when === "upcoming" ? "COALESCE(end_time, start_time) >= ?" : "COALESCE(end_time, start_time) < ?"];
    const parameters: (string | number)[] = [new Date(query.now).toISOString()];
    if (!query.includeHidden) conditions.push("hidden IS NULL");
    if (query.local !== undefined) {
      conditions.push("local = ?");
      parameters.push(query.local ? 1 : 0);
    }
    const where = conditions.join(" AND ");
    const order = query.when === "upcoming" ? "start_time ASC, iri" : "start_time DESC, iri";
    const total = (this.database.prepare(`SELECT COUNT(*) AS n FROM learning_opportunities WHERE ${where}`).get(...parameters) as Row).n as number;
    const rows = this.database
      .prepare(`SELECT data, hidden FROM learning_opportunities WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...parameters, query.limit, query.offset) as Row[];
    return { items: rows.map(toItem), total };
  }

  async listPublishedLocal(limit: number, offset: number): Promise<{ items: LearningOpportunity[]; total: number }> {
    const where = "local = 1 AND deleted IS NULL";
    const total = (this.database.prepare(`SELECT COUNT(*) AS n FROM learning_opportunities WHERE ${where}`).get() as Row).n as number;
    const rows = this.database
      .prepare(`SELECT data, hidden FROM learning_opportunities WHERE ${where} ORDER BY published DESC, iri LIMIT ? OFFSET ?`)
      .all(limit, offset) as Row[];
    return { items: rows.map(toItem), total };
  }

  async deleteFromSource(sourceActor: string): Promise<number> {
    return Number(this.database.prepare("DELETE FROM learning_opportunities WHERE local = 0 AND source_actor = ?").run(sourceActor).changes);
  }

  async countFromSource(sourceActor: string): Promise<number> {
    const row = this.database.prepare("SELECT COUNT(*) AS count FROM learning_opportunities WHERE local = 0 AND source_actor = ?").get(sourceActor) as { count: number };
    return Number(row.count);
  }

  async remove(iri: string): Promise<void> {
    this.database.prepare("DELETE FROM learning_opportunities WHERE iri = ?").run(iri);
  }

  async sourceActors(): Promise<string[]> {
    const rows = this.database.prepare("SELECT DISTINCT source_actor FROM learning_opportunities WHERE local = 0 AND source_actor IS NOT NULL").all() as Row[];
    return rows.map((row) => row.source_actor as string);
  }

  async countBySource(): Promise<Map<string, number>> {
    const rows = this.database
      .prepare("SELECT source_actor, COUNT(*) AS n FROM learning_opportunities WHERE local = 0 AND deleted IS NULL AND hidden IS NULL GROUP BY source_actor")
      .all() as Row[];
    return new Map(rows.map((row) => [row.source_actor as string, row.n as number]));
  }

  async setHiddenForSource(sourceActor: string, hidden: string | null): Promise<number> {
    return Number(this.database.prepare("UPDATE learning_opportunities SET hidden = ? WHERE local = 0 AND source_actor = ?").run(hidden, sourceActor).changes);
  }

  async unhideByReason(hidden: string): Promise<number> {
    return Number(this.database.prepare("UPDATE learning_opportunities SET hidden = NULL WHERE hidden = ?").run(hidden).changes);
  }
}
