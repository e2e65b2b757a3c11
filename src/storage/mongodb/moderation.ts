import type { Collection, Db } from "mongodb";

import type { ActorBlock, AuditEntry, DomainRule, ModerationRepository, Report, ReviewEntry, ReviewRepository } from "../types.ts";
import { COLLECTIONS, isDuplicateKeyError, nextSequence, readPage } from "./database.ts";

interface DomainRuleDocument extends Omit<DomainRule, "domain"> {
  _id: string;
}

interface ActorBlockDocument extends Omit<ActorBlock, "actorIri"> {
  _id: string;
}

interface ReportDocument extends Omit<Report, "id" | "flagIri"> {
  _id: number;
  /** Absent rather than null for local reports, so the sparse unique index skips them. */
  flagIri?: string;
}

interface AuditDocument extends Omit<AuditEntry, "id"> {
  _id: number;
}

function toReport(document: ReportDocument): Report {
  const { _id, flagIri, ...rest } = document;
  return { ...rest, id: _id, flagIri: flagIri ?? null };
}

export class MongoModerationRepository implements ModerationRepository {
  private readonly rules: Collection<DomainRuleDocument>;
  private readonly blocks: Collection<ActorBlockDocument>;
  private readonly reportDocuments: Collection<ReportDocument>;
  private readonly auditDocuments: Collection<AuditDocument>;

  constructor(private readonly database: Db) {
    this.rules = database.collection<DomainRuleDocument>(COLLECTIONS.domainRules);
    this.blocks = database.collection<ActorBlockDocument>(COLLECTIONS.actorBlocks);
    this.reportDocuments = database.collection<ReportDocument>(COLLECTIONS.reports);
    this.auditDocuments = database.collection<AuditDocument>(COLLECTIONS.auditLog);
  }

  async saveDomainRule(rule: DomainRule): Promise<void> {
    const { domain, ...rest } = rule;
    await this.rules.replaceOne({ _id: domain }, rest, { upsert: true });
  }

  async removeDomainRule(domain: string): Promise<boolean> {
    return (await this.rules.deleteOne({ _id: domain })).deletedCount > 0;
  }

  async domainRules(): Promise<DomainRule[]> {
    return (await this.rules.find().sort({ _id: 1 }).toArray()).map(({ _id, ...rest }) => ({ ...rest, domain: _id }));
  }

  async saveActorBlock(block: ActorBlock): Promise<void> {
    const { actorIri, ...rest } = block;
    await this.blocks.replaceOne({ _id: actorIri }, rest, { upsert: true });
  }

  async removeActorBlock(actorIri: string): Promise<boolean> {
    return (await this.blocks.deleteOne({ _id: actorIri })).deletedCount > 0;
  }

  async actorBlock(actorIri: string): Promise<ActorBlock | null> {
    const document = await this.blocks.findOne({ _id: actorIri });
    if (!document) return null;
    const { _id, ...rest } = document;
    return { ...rest, actorIri: _id };
  }

  async actorBlocks(): Promise<ActorBlock[]> {
    return (await this.blocks.find().sort({ created: -1 }).toArray()).map(({ _id, ...rest }) => ({ ...rest, actorIri: _id }));
  }

  async addReport(report: Omit<Report, "id">): Promise<Report | null> {
    const id = await nextSequence(this.database, COLLECTIONS.reports);
    const { flagIri, ...rest } = report;
    try {
      await this.reportDocuments.insertOne({ ...rest, _id: id, ...(flagIri ? { flagIri } : {}) });
    } catch (error) {
      if (isDuplicateKeyError(error)) return null;
      throw error;
    }
    return { ...report, id };
  }

  async report(id: number): Promise<Report | null> {
    const document = await this.reportDocuments.findOne({ _id: id });
    return document ? toReport(document) : null;
  }

  async reports(status: Report["status"] | null, limit: number): Promise<Report[]> {
    const cursor = this.reportDocuments.find(status ? { status } : {}).sort({ created: -1, _id: -1 });
    return (await readPage(cursor, limit, 0)).map(toReport);
  }

  async updateReport(report: Report): Promise<void> {
    await this.reportDocuments.updateOne(
      { _id: report.id },
      { $set: { status: report.status, resolved: report.resolved, resolvedBy: report.resolvedBy, forwarded: report.forwarded } },
    );
  }

  async audit(entry: AuditEntry): Promise<void> {
    const id = await nextSequence(this.database, COLLECTIONS.auditLog);
    const { id: _ignored, ...rest } = entry;
    await this.auditDocuments.insertOne({ ...rest, _id: id });
  }

  async auditLog(limit: number, offset: number): Promise<{ items: AuditEntry[]; total: number }> {
    const total = await this.auditDocuments.countDocuments();
    const documents = await readPage(this.auditDocuments.find().sort({ _id: -1 }), limit, offset);
    return { items: documents.map(({ _id, ...rest }) => ({ ...rest, id: _id })), total };
  }
}

interface ReviewDocument extends Omit<ReviewEntry, "id"> {
  _id: number;
}

export class MongoReviewRepository implements ReviewRepository {
  private readonly entries: Collection<ReviewDocument>;

  constructor(private readonly database: Db) {
    this.entries = database.collection<ReviewDocument>(COLLECTIONS.reviewLog);
  }

  async add(entry: ReviewEntry): Promise<void> {
    const id = await nextSequence(this.database, COLLECTIONS.reviewLog);
    const { id: _ignored, ...rest } = entry;
    await this.entries.insertOne({ ...rest, _id: id });
  }

  async forItem(itemIri: string): Promise<ReviewEntry[]> {
    return (await this.entries.find({ itemIri }).sort({ _id: 1 }).toArray()).map(({ _id, ...rest }) => ({ ...rest, id: _id }));
  }
}
