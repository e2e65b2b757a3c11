import type { DatabaseSync } from "node:sqlite";

import type { Practice } from "../../domain/practice.ts";
import type {
  PracticeQuery,
  PracticeRepository,
  Reaction,
  ReactionRepository,
  ReactionType,
  Reply,
  ReplyAttachment,
  ReplyRepository,
} from "../types.ts";

type Row = Record<string, unknown>;

const INSERT_PRACTICE = `INSERT INTO practices (iri, slug, local, source_actor, status, published, updated, deleted, data)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Builds the column values of INSERT_PRACTICE, in order. */
function practiceRow(practice: Practice): (string | number | null)[] {
  const { hidden: _hidden, ...data } = practice;
  return [
    practice.iri,
    practice.slug,
    practice.local ? 1 : 0,
    practice.sourceActor,
    practice.status,
    practice.published,
    practice.updated,
    practice.deleted,
    JSON.stringify(data),
  ];
}

export class SqlitePracticeRepository implements PracticeRepository {
  constructor(private readonly database: DatabaseSync) {}

  async save(practice: Practice): Promise<void> {
    this.database
      .prepare(
        `${INSERT_PRACTICE}
         ON CONFLICT (iri) DO UPDATE SET slug = excluded.slug, status = excluded.status, published = excluded.published,
           updated = excluded.updated, deleted = excluded.deleted, data = excluded.data, source_actor = excluded.source_actor`,
      )
      .run(...practiceRow(practice));
  }

  async insertNew(practice: Practice): Promise<boolean> {
    const result = this.database.prepare(`${INSERT_PRACTICE} ON CONFLICT DO NOTHING`).run(...practiceRow(practice));
    return Number(result.changes) > 0;
  }

  async byIri(iri: string): Promise<Practice | null> {
    const row = this.database.prepare("SELECT data, hidden FROM practices WHERE iri = ?").get(iri) as Row | undefined;
    return row ? toPractice(row) : null;
  }

  async bySlug(slug: string): Promise<Practice | null> {
    const row = this.database.prepare("SELECT data, hidden FROM practices WHERE slug = ?").get(slug) as Row | undefined;
    return row ? toPractice(row) : null;
  }

  async slugExists(slug: string): Promise<boolean> {
    return this.database.prepare("SELECT 1 FROM practices WHERE slug = ?").get(slug) !== undefined;
  }

  async list(query: PracticeQuery): Promise<{ items: Practice[]; total: number }> {
    const conditions = ["deleted IS NULL"];
    const parameters: (string | number)[] = [];
    if (!query.includeDrafts) conditions.push("status IN ('published', 'archived')");
    if (!query.includeHidden) conditions.push("hidden IS NULL");
    if (query.local !== undefined) {
      conditions.push("local = ?");
      parameters.push(query.local ? 1 : 0);
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
    const total = (this.database.prepare(`SELECT COUNT(*) AS n FROM practices WHERE ${where}`).get(...parameters) as Row).n as number;
    const rows = this.database
      .prepare(`SELECT data FROM practices WHERE ${where} ORDER BY COALESCE(published, updated) DESC, iri LIMIT ? OFFSET ?`)
      .all(...parameters, query.limit, query.offset) as Row[];
    return { items: rows.map((row) => JSON.parse(row.data as string) as Practice), total };
  }

  async listPublishedLocal(limit: number, offset: number): Promise<{ items: Practice[]; total: number }> {
    return this.list({ local: true, limit, offset });
  }

  async deleteFromSource(sourceActor: string): Promise<number> {
    return Number(this.database.prepare("DELETE FROM practices WHERE local = 0 AND source_actor = ?").run(sourceActor).changes);
  }

  async countFromSource(sourceActor: string): Promise<number> {
    const row = this.database.prepare("SELECT COUNT(*) AS count FROM practices WHERE local = 0 AND source_actor = ?").get(sourceActor) as { count: number };
    return Number(row.count);
  }

  async remove(iri: string): Promise<void> {
    this.database.prepare("DELETE FROM practices WHERE iri = ?").run(iri);
  }

  async sourceActors(): Promise<string[]> {
    const rows = this.database.prepare("SELECT DISTINCT source_actor FROM practices WHERE local = 0 AND source_actor IS NOT NULL").all() as Row[];
    return rows.map((row) => row.source_actor as string);
  }

  async countBySource(): Promise<Map<string, number>> {
    const rows = this.database
      .prepare("SELECT source_actor, COUNT(*) AS n FROM practices WHERE local = 0 AND deleted IS NULL AND hidden IS NULL AND status IN ('published', 'archived') GROUP BY source_actor")
      .all() as Row[];
    return new Map(rows.map((row) => [row.source_actor as string, row.n as number]));
  }

  async setHiddenForSource(sourceActor: string, hidden: string | null): Promise<number> {
    return Number(this.database.prepare("UPDATE practices SET hidden = ? WHERE local = 0 AND source_actor = ?").run(hidden, sourceActor).changes);
  }

  async unhideByReason(hidden: string): Promise<number> {
    return Number(this.database.prepare("UPDATE practices SET hidden = NULL WHERE hidden = ?").run(hidden).changes);
  }
}

function toPractice(row: Row): Practice {
  return { ...(JSON.parse(row.data as string) as Practice), hidden: (row.hidden as string | null) ?? null };
}

function toReply(row: Row): Reply {
  return {
    iri: row.iri as string,
    rootIri: row.root_iri as string,
    inReplyTo: row.in_reply_to as string,
    authorIri: row.author_iri as string,
    authorAccountId: (row.author_account_id as number | null) ?? null,
    contentHtml: row.content_html as string,
    language: (row.language as string | null) ?? null,
    url: (row.url as string | null) ?? null,
    published: row.published as string,
    updated: (row.updated as string | null) ?? null,
    deleted: (row.deleted as string | null) ?? null,
    local: row.local === 1,
    hidden: (row.hidden as string | null) ?? null,
    attachments: row.attachments ? (JSON.parse(row.attachments as string) as ReplyAttachment[]) : [],
  };
}

export class SqliteReplyRepository implements ReplyRepository {
  constructor(private readonly database: DatabaseSync) {}

  async save(reply: Reply): Promise<void> {
    this.database
      .prepare(
        `INSERT INTO replies (iri, root_iri, in_reply_to, author_iri, author_account_id, content_html, language, url, published, updated, deleted, local, hidden, attachments)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (iri) DO UPDATE SET content_html = excluded.content_html, language = excluded.language,
           url = excluded.url, updated = excluded.updated, deleted = excluded.deleted, hidden = excluded.hidden, attachments = excluded.attachments`,
      )
      .run(
        reply.iri,
        reply.rootIri,
        reply.inReplyTo,
        reply.authorIri,
        reply.authorAccountId,
        reply.contentHtml,
        reply.language,
        reply.url,
        reply.published,
        reply.updated,
        reply.deleted,
        reply.local ? 1 : 0,
        reply.hidden,
        reply.attachments?.length ? JSON.stringify(reply.attachments) : null,
      );
  }

  async byIri(iri: string): Promise<Reply | null> {
    const row = this.database.prepare("SELECT * FROM replies WHERE iri = ?").get(iri) as Row | undefined;
    return row ? toReply(row) : null;
  }

  async listForRoot(rootIri: string): Promise<Reply[]> {
    return (this.database.prepare("SELECT * FROM replies WHERE root_iri = ? ORDER BY published, iri").all(rootIri) as Row[]).map(toReply);
  }

  async countForRoot(rootIri: string): Promise<number> {
    return (this.database.prepare("SELECT COUNT(*) AS n FROM replies WHERE root_iri = ? AND deleted IS NULL AND hidden IS NULL").get(rootIri) as Row).n as number;
  }

  async countByAuthor(authorIri: string): Promise<number> {
    return (this.database.prepare("SELECT COUNT(*) AS n FROM replies WHERE author_iri = ? AND deleted IS NULL").get(authorIri) as Row).n as number;
  }

  async remoteAuthors(): Promise<string[]> {
    return (this.database.prepare("SELECT DISTINCT author_iri FROM replies WHERE local = 0").all() as Row[]).map((row) => row.author_iri as string);
  }

  async setHidden(iri: string, hidden: string | null): Promise<void> {
    this.database.prepare("UPDATE replies SET hidden = ? WHERE iri = ?").run(hidden, iri);
  }

  async hideByAuthor(authorIri: string, hidden: string): Promise<number> {
    return Number(this.database.prepare("UPDATE replies SET hidden = ? WHERE author_iri = ? AND hidden IS NULL").run(hidden, authorIri).changes);
  }

  async unhideByReason(hidden: string): Promise<number> {
    return Number(this.database.prepare("UPDATE replies SET hidden = NULL WHERE hidden = ?").run(hidden).changes);
  }
}

export class SqliteReactionRepository implements ReactionRepository {
  constructor(private readonly database: DatabaseSync) {}

  async add(reaction: Reaction): Promise<boolean> {
    const result = this.database
      .prepare("INSERT OR IGNORE INTO reactions (activity_iri, type, actor_iri, object_iri, created) VALUES (?, ?, ?, ?, ?)")
      .run(reaction.activityIri, reaction.type, reaction.actorIri, reaction.objectIri, reaction.created);
    return Number(result.changes) > 0;
  }

  async byActivity(activityIri: string): Promise<Reaction | null> {
    const row = this.database.prepare("SELECT * FROM reactions WHERE activity_iri = ?").get(activityIri) as Row | undefined;
    if (!row) return null;
    return {
      activityIri: row.activity_iri as string,
      type: row.type as ReactionType,
      actorIri: row.actor_iri as string,
      objectIri: row.object_iri as string,
      created: row.created as string,
    };
  }

  async remove(type: ReactionType, actorIri: string, objectIri: string): Promise<boolean> {
    const result = this.database.prepare("DELETE FROM reactions WHERE type = ? AND actor_iri = ? AND object_iri = ?").run(type, actorIri, objectIri);
    return Number(result.changes) > 0;
  }

  async count(objectIri: string): Promise<Record<ReactionType, number>> {
    const rows = this.database.prepare("SELECT type, COUNT(*) AS n FROM reactions WHERE object_iri = ? GROUP BY type").all(objectIri) as Row[];
    const counts: Record<ReactionType, number> = { like: 0, announce: 0 };
    for (const row of rows) counts[row.type as ReactionType] = row.n as number;
    return counts;
  }
}
