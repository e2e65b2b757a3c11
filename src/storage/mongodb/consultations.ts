import type { Collection, Db, Filter, Sort } from "mongodb";

import type { Consultation } from "../../domain/consultation.ts";
import type { ConsultationQuery, ConsultationRepository } from "../types.ts";
import { COLLECTIONS, isDuplicateKeyError, readPage, toJsonValue } from "./database.ts";

interface ConsultationDocument {
  _id: string;
  /** UTC opening and closing, normalized like SQLite's columns so that they compare as strings. */
  opensAt: string;
  closesAt: string;
  item: Consultation;
  /** Moderation's reason for hiding a partner copy; kept apart from the item, as in SQLite. */
  hidden?: string | null;
}

function toItem(document: ConsultationDocument | null): Consultation | null {
  return document ? { ...document.item, hidden: document.hidden ?? null } : null;
}

function fields(item: Consultation): Omit<ConsultationDocument, "_id" | "hidden"> {
  const { hidden: _hidden, ...data } = item;
  return { opensAt: new Date(item.opens).toISOString(), closesAt: new Date(item.closes).toISOString(), item: toJsonValue(data as Consultation) };
}

export class MongoConsultationRepository implements ConsultationRepository {
  private readonly items: Collection<ConsultationDocument>;

  constructor(database: Db) {
    this.items = database.collection<ConsultationDocument>(COLLECTIONS.consultations);
  }

  async save(item: Consultation): Promise<void> {
    await this.items.updateOne({ _id: item.iri }, { $set: fields(item) }, { upsert: true });
  }

  async insertNew(item: Consultation): Promise<boolean> {
    try {
      await this.items.insertOne({ _id: item.iri, ...fields(item), hidden: null });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async markClosingAnnounced(iri: string, announced: string, updated: string): Promise<boolean> {
    const result = await this.items.updateOne({ _id: iri, "item.closingAnnounced": null }, { $set: { "item.closingAnnounced": announced, "item.updated": updated } });
    return result.modifiedCount > 0;
  }

  async byIri(iri: string): Promise<Consultation | null> {
    return toItem(await this.items.findOne({ _id: iri }));
  }

  async bySlug(slug: string): Promise<Consultation | null> {
    return toItem(await this.items.findOne({ "item.slug": slug }));
  }

  async slugExists(slug: string): Promise<boolean> {
    return (await this.items.countDocuments({ "item.slug": slug }, { limit: 1 })) > 0;
  }

  async list(query: ConsultationQuery): Promise<{ items: Consultation[]; total: number }> {
    const now = new Date(query.now).toISOString();
    const filter: Filter<ConsultationDocument> = { "item.deleted": null };
    let sort: Sort;
    if (query.state === "upcoming") {
      filter.opensAt = { $gt: now };
      sort = { opensAt: 1, _id: 1 };
    } else if (query.state === "open") {
      filter.opensAt = { $lte: now };
      filter.closesAt = { $gt: now };
      sort = { closesAt: 1, _id: 1 };
    } else {
      filter.closesAt = { $lte: now };
      sort = { closesAt: -1, _id: 1 };
    }
    if (!query.includeHidden) filter.hidden = null;
    const total = await this.items.countDocuments(filter);
    const documents = await readPage(this.items.find(filter).sort(sort), query.limit, query.offset);
    return { items: documents.map((document) => toItem(document)!), total };
  }

  async listPublishedLocal(limit: number, offset: number): Promise<{ items: Consultation[]; total: number }> {
    const filter: Filter<ConsultationDocument> = { "item.local": true, "item.deleted": null };
    const total = await this.items.countDocuments(filter);
    const documents = await readPage(this.items.find(filter).sort({ "item.published": -1, _id: 1 }), limit, offset);
    return { items: documents.map((document) => toItem(document)!), total };
  }

  async listClosingDue(now: string, limit: number): Promise<Consultation[]> {
    const filter: Filter<ConsultationDocument> = { "item.local": true, "item.deleted": null, "item.closingAnnounced": null, closesAt: { $lte: new Date(now).toISOString() } };
    const documents = await this.items.find(filter).sort({ closesAt: 1, _id: 1 }).limit(limit).toArray();
    return documents.map((document) => toItem(document)!);
  }

  async deleteFromSource(sourceActor: string): Promise<number> {
    return (await this.items.deleteMany({ "item.local": false, "item.sourceActor": sourceActor })).deletedCount;
  }

  async countFromSource(sourceActor: string): Promise<number> {
    return this.items.countDocuments({ "item.local": false, "item.sourceActor": sourceActor });
  }

  async remove(iri: string): Promise<void> {
    await this.items.deleteOne({ _id: iri });
  }

  async sourceActors(): Promise<string[]> {
    return (await this.items.distinct("item.sourceActor", { "item.local": false })).filter((actor): actor is string => typeof actor === "string");
  }

  async countBySource(): Promise<Map<string, number>> {
    const groups = await this.items
      .aggregate<{ _id: string; n: number }>([
        { $match: { "item.local": false, "item.deleted": null, hidden: null } },
        { $group: { _id: "$item.sourceActor", n: { $sum: 1 } } },
      ])
      .toArray();
    return new Map(groups.map((group) => [group._id, group.n]));
  }

  async setHiddenForSource(sourceActor: string, hidden: string | null): Promise<number> {
    return (await this.items.updateMany({ "item.local": false, "item.sourceActor": sourceActor }, { $set: { hidden } })).modifiedCount;
  }

  async unhideByReason(hidden: string): Promise<number> {
    return (await this.items.updateMany({ hidden }, { $set: { hidden: null } })).modifiedCount;
  }
}
