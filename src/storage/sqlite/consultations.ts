import type { DatabaseSync } from "node:sqlite";

import type { Consultation, ConsultationState } from "../../domain/consultation.ts";
import type { ConsultationQuery, ConsultationRepository } from "../types.ts";

type Row = Record<string, unknown>;

const INSERT = `INSERT INTO consultations (iri, slug, local, source_actor, opens, closes, published, updated, deleted, data)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Condition and order of each state; instants are stored normalized, so they compare as strings. */
const STATES: Record<ConsultationState, { where: string; order: string }> = {
  upcoming: { where: "opens > ?", order: "opens ASC, iri" },
  open: { where: "opens <= ? AND closes > ?", order: "closes ASC, iri" },
  closed: { where: "closes <= ?", order: "closes DESC, iri" },
};

/** Builds the column values of INSERT, in order. */
function columns(item: Consultation): (string | number | null)[] {
  const { hidden: _hidden, ...data } = item;
  return [
    item.iri,
    item.slug,
    item.local ? 1 : 0,
    item.sourceActor,
    new Date(item.opens).toISOString(),
    new Date(item.closes).toISOString(),
    item.published,
    item.updated,
    item.deleted,
    JSON.stringify(data),
  ];
}

function toItem(row: Row): Consultation {
  return { ...(JSON.parse(row.data as string) as Consultation), hidden: (row.hidden as string | null) ?? null };
}

export class SqliteConsultationRepository implements ConsultationRepository {
  constructor(private readonly database: DatabaseSync) {}

  async save(item: Consultation): Promise<void> {
    this.database
      .prepare(
        `${INSERT}
         ON CONFLICT (iri) DO UPDATE SET slug = excluded.slug, source_actor = excluded.source_actor, opens = excluded.opens,
           closes = excluded.closes, published = excluded.published, updated = excluded.updated, deleted = excluded.deleted, data = excluded.data`,
      )
      .run(...columns(item));
  }

  async insertNew(item: Consultation): Promise<boolean> {
    return Number(this.database.prepare(`${INSERT} ON CONFLICT DO NOTHING`).run(...columns(item)).changes) > 0;
  }

  async markClosingAnnounced(iri: string, announced: string, updated: string): Promise<boolean> {
    const statement = this.database.prepare(
      `UPDATE consultations SET updated = ?, data = json_set(data, '$.closingAnnounced', ?, '$.updated', ?)
       WHERE iri = ? AND json_extract(data, '$.closingAnnounced') IS NULL`,
    );
    return Number(statement.run(updated, announced, updated, iri).changes) > 0;
  }

  async byIri(iri: string): Promise<Consultation | null> {
    const row = this.database.prepare("SELECT data, hidden FROM consultations WHERE iri = ?").get(iri) as Row | undefined;
    return row ? toItem(row) : null;
  }

  async bySlug(slug: string): Promise<Consultation | null> {
    const row = this.database.prepare("SELECT data, hidden FROM consultations WHERE slug = ?").get(slug) as Row | undefined;
    return row ? toItem(row) : null;
  }

  async slugExists(slug: string): Promise<boolean> {
    return this.database.prepare("SELECT 1 FROM consultations WHERE slug = ?").get(slug) !== undefined;
  }

  async list(query: ConsultationQuery): Promise<{ items: Consultation[]; total: number }> {
    const state = STATES[query.state];
    const now = new Date(query.now).toISOString();
    const conditions = ["deleted IS NULL", state.where];
    const parameters: string[] = query.state === "open" ? [now, now] : [now];
    if (!query.includeHidden) conditions.push("hidden IS NULL");
    const where = conditions.join(" AND ");
    const total = (this.database.prepare(`SELECT COUNT(*) AS n FROM consultations WHERE ${where}`).get(...parameters) as Row).n as number;
    const rows = this.database
      .prepare(`SELECT data, hidden FROM consultations WHERE ${where} ORDER BY ${state.order} LIMIT ? OFFSET ?`)
      .all(...parameters, query.limit, query.offset) as Row[];
    return { items: rows.map(toItem), total };
  }

  async listPublishedLocal(limit: number, offset: number): Promise<{ items: Consultation[]; total: number }> {
    const where = "local = 1 AND deleted IS NULL";
    const total = (this.database.prepare(`SELECT COUNT(*) AS n FROM consultations WHERE ${where}`).get() as Row).n as number;
    const rows = this.database
      .prepare(`SELECT data, hidden FROM consultations WHERE ${where} ORDER BY published DESC, iri LIMIT ? OFFSET ?`)
      .all(limit, offset) as Row[];
    return { items: rows.map(toItem), total };
  }

  async listClosingDue(now: string, limit: number): Promise<Consultation[]> {
    const rows = this.database
      .prepare(
        `SELECT data, hidden FROM consultations
         WHERE local = 1 AND deleted IS NULL AND closes <= ? AND json_extract(data, '$.closingAnnounced') IS NULL
         ORDER BY closes ASC, iri LIMIT ?`,
      )
      .all(new Date(now).toISOString(), limit) as Row[];
    return rows.map(toItem);
  }

  async deleteFromSource(sourceActor: string): Promise<number> {
    return Number(this.database.prepare("DELETE FROM consultations WHERE local = 0 AND source_actor = ?").run(sourceActor).changes);
  }

  async countFromSource(sourceActor: string): Promise<number> {
    const row = this.database.prepare("SELECT COUNT(*) AS count FROM consultations WHERE local = 0 AND source_actor = ?").get(sourceActor) as { count: number };
    return Number(row.count);
  }

  async remove(iri: string): Promise<void> {
    this.database.prepare("DELETE FROM consultations WHERE iri = ?").run(iri);
  }

  async sourceActors(): Promise<string[]> {
    const rows = this.database.prepare("SELECT DISTINCT source_actor FROM consultations WHERE local = 0 AND source_actor IS NOT NULL").all() as Row[];
    return rows.map((row) => row.source_actor as string);
  }

  async countBySource(): Promise<Map<string, number>> {
    const rows = this.database
      .prepare("SELECT source_actor, COUNT(*) AS n FROM consultations WHERE local = 0 AND deleted IS NULL AND hidden IS NULL GROUP BY source_actor")
      .all() as Row[];
    return new Map(rows.map((row) => [row.source_actor as string, row.n as number]));
  }

  async setHiddenForSource(sourceActor: string, hidden: string | null): Promise<number> {
    return Number(this.database.prepare("UPDATE consultations SET hidden = ? WHERE local = 0 AND source_actor = ?").run(hidden, sourceActor).changes);
  }

  async unhideByReason(hidden: string): Promise<number> {
    return Number(this.database.prepare("UPDATE consultations SET hidden = NULL WHERE hidden = ?").run(hidden).changes);
  }
}
