import type { DatabaseSync } from "node:sqlite";

import type { ActorBlock, AuditEntry, DomainRule, ModerationRepository, Report, ReviewEntry, ReviewRepository } from "../types.ts";

type Row = Record<string, unknown>;

function toReport(row: Row): Report {
  return {
    id: row.id as number,
    created: row.created as string,
    origin: row.origin as Report["origin"],
    reporterAccountId: (row.reporter_account_id as number | null) ?? null,
    reporterActor: (row.reporter_actor as string | null) ?? null,
    flagIri: (row.flag_iri as string | null) ?? null,
    objectIris: JSON.parse(row.object_iris as string) as string[],
    comment: row.comment as string,
    status: row.status as Report["status"],
    resolved: (row.resolved as string | null) ?? null,
    resolvedBy: (row.resolved_by as string | null) ?? null,
    forwarded: (row.forwarded as string | null) ?? null,
  };
}

export class SqliteModerationRepository implements ModerationRepository {
  constructor(private readonly database: DatabaseSync) {}

  async saveDomainRule(rule: DomainRule): Promise<void> {
    this.database
      .prepare(
        `INSERT INTO domain_rules (domain, kind, reason, hide_content, created, created_by) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (domain) DO UPDATE SET kind = excluded.kind, reason = excluded.reason, hide_content = excluded.hide_content,
           created = excluded.created, created_by = excluded.created_by`,
      )
      .run(rule.domain, rule.kind, rule.reason, rule.hideContent ? 1 : 0, rule.created, rule.createdBy);
  }

  async removeDomainRule(domain: string): Promise<boolean> {
    return Number(this.database.prepare("DELETE FROM domain_rules WHERE domain = ?").run(domain).changes) > 0;
  }

  async domainRules(): Promise<DomainRule[]> {
    return (this.database.prepare("SELECT * FROM domain_rules ORDER BY domain").all() as Row[]).map((row) => ({
      domain: row.domain as string,
      kind: row.kind as DomainRule["kind"],
      reason: row.reason as string,
      hideContent: row.hide_content === 1,
      created: row.created as string,
      createdBy: row.created_by as string,
    }));
  }

  async saveActorBlock(block: ActorBlock): Promise<void> {
    this.database
      .prepare("INSERT OR REPLACE INTO actor_blocks (actor_iri, reason, created, created_by) VALUES (?, ?, ?, ?)")
      .run(block.actorIri, block.reason, block.created, block.createdBy);
  }

  async removeActorBlock(actorIri: string): Promise<boolean> {
    return Number(this.database.prepare("DELETE FROM actor_blocks WHERE actor_iri = ?").run(actorIri).changes) > 0;
  }

  async actorBlock(actorIri: string): Promise<ActorBlock | null> {
    const row = this.database.prepare("SELECT * FROM actor_blocks WHERE actor_iri = ?").get(actorIri) as Row | undefined;
    return row ? toActorBlock(row) : null;
  }

  async actorBlocks(): Promise<ActorBlock[]> {
    return (this.database.prepare("SELECT * FROM actor_blocks ORDER BY created DESC").all() as Row[]).map(toActorBlock);
  }

  async addReport(report: Omit<Report, "id">): Promise<Report | null> {
    const result = this.database
      .prepare(
        `INSERT INTO reports (created, origin, reporter_account_id, reporter_actor, flag_iri, object_iris, comment, status, resolved, resolved_by, forwarded)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(
        report.created,
        report.origin,
        report.reporterAccountId,
        report.reporterActor,
        report.flagIri,
        JSON.stringify(report.objectIris),
        report.comment,
        report.status,
        report.resolved,
        report.resolvedBy,
        report.forwarded,
      );
    if (Number(result.changes) === 0) return null;
    return { ...report, id: Number(result.lastInsertRowid) };
  }

  async report(id: number): Promise<Report | null> {
    const row = this.database.prepare("SELECT * FROM reports WHERE id = ?").get(id) as Row | undefined;
    return row ? toReport(row) : null;
  }

  async reports(status: Report["status"] | null, limit: number): Promise<Report[]> {
    const rows = status
      ? this.database.prepare("SELECT * FROM reports WHERE status = ? ORDER BY created DESC, id DESC LIMIT ?").all(status, limit)
      : this.database.prepare("SELECT * FROM reports ORDER BY created DESC, id DESC LIMIT ?").all(limit);
    return (rows as Row[]).map(toReport);
  }

  async updateReport(report: Report): Promise<void> {
    this.database
      .prepare("UPDATE reports SET status = ?, resolved = ?, resolved_by = ?, forwarded = ? WHERE id = ?")
      .run(report.status, report.resolved, report.resolvedBy, report.forwarded, report.id);
  }

  async audit(entry: AuditEntry): Promise<void> {
    this.database
      .prepare("INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)")
      .run(entry.at, entry.actor, entry.action, entry.target, entry.detail);
  }

  async auditLog(limit: number, offset: number): Promise<{ items: AuditEntry[]; total: number }> {
    const total = (this.database.prepare("SELECT COUNT(*) AS n FROM audit_log").get() as Row).n as number;
    const rows = this.database.prepare("SELECT * FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?").all(limit, offset) as Row[];
    const items = rows.map((row) => ({
      id: row.id as number,
      at: row.at as string,
      actor: row.actor as string,
      action: row.action as string,
      target: row.target as string,
      detail: row.detail as string,
    }));
    return { items, total };
  }
}

function toActorBlock(row: Row): ActorBlock {
  return { actorIri: row.actor_iri as string, reason: row.reason as string, created: row.created as string, createdBy: row.created_by as string };
}

export class SqliteReviewRepository implements ReviewRepository {
  constructor(private readonly database: DatabaseSync) {}

  async add(entry: ReviewEntry): Promise<void> {
    this.database
      .prepare("INSERT INTO review_log (item_iri, account_id, action, from_status, to_status, comment, created) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(entry.itemIri, entry.accountId, entry.action, entry.fromStatus, entry.toStatus, entry.comment, entry.created);
  }

  async forItem(itemIri: string): Promise<ReviewEntry[]> {
    return (this.database.prepare("SELECT * FROM review_log WHERE item_iri = ? ORDER BY id").all(itemIri) as Row[]).map((row) => ({
      id: row.id as number,
      itemIri: row.item_iri as string,
      accountId: (row.account_id as number | null) ?? null,
      action: row.action as string,
      fromStatus: row.from_status as string,
      toStatus: row.to_status as string,
      comment: row.comment as string,
      created: row.created as string,
    }));
  }
}
