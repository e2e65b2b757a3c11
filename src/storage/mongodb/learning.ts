import type { Collection, Db, Filter } from "mongodb";

import type { LearningOpportunity } from "../../domain/learning.ts";
import type { LearningQuery, LearningRepository } from "../types.ts";
import { COLLECTIONS, isDuplicateKeyError, readPage, toJsonValue } from "./database.ts";

interface LearningDocument {
  _id: string;
  /** UTC start and the instant it stops being upcoming (its end, else its start), normalized like SQLite's columns. */
  startsAt: string;
  endsAt: string;
  item: LearningOpportunity;
  /** Moderation's reason for hiding a partner copy; kept apart from the item, as in SQLite. */
  hidden?: string | null;
}

function toItem(document: LearningDocument | null): LearningOpportunity | null {
  return document ? { ...document.item, hidden: document.hidden ?? null } : null;
}

function fields(item: LearningOpportunity): Omit<LearningDocument, "_id" | "hidden"> {
  const { hidden: _hidden, ...data } = item;
  const startsAt = new Date(item.start).toISOString();
  return { startsAt, endsAt: item.end ? new Date(item.end).toISOString() : startsAt, item: toJsonValue(data as LearningOpportunity) };
}

export class MongoLearningRepository implements LearningRepository {
  private readonly items: Collection<LearningDocument>;

  constructor(database: Db) {
    this.items = database.collection<LearningDocument>(COLLECTIONS.learning);
  }

  async save(item: LearningOpportunity): Promise<void> {
    await this.items.updateOne({ _id: item.iri }, { $set: fields(item) }, { upsert: true });
  }

  async insertNew(item: LearningOpportunity): Promise<boolean> {
    try {
      await this.items.insertOne({ _id: item.iri, ...fields(item), hidden: null });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async byIri(iri: string): Promise<LearningOpportunity | null> {
    return toItem(await this.items.findOne({ _id: iri }));
  }

  async bySlug(slug: string): Promise<LearningOpportunity | null> {
    return toItem(await this.items.findOne({ "item.slug": slug }));
  }

  async slugExists(slug: string): Promise<boolean> {
    return (await this.items.countDocuments({ "item.slug": slug }, { limit: 1 })) > 0;
  }

  async list(query: LearningQuery): Promise<{ items: LearningOpportunity[]; total: number }> {
    const now = new Date(query.now).toISOString();
    const filter: Filter<LearningDocument> = { "item.deleted": null, endsAt: query.when === "upcoming" ? { $gte: now } : { $lt: now } };
    if (!query.includeHidden) filter.hidden = null;
    if (query.local !== undefined) filter["item.local"] = query.local;
    const total = await this.items.countDocuments(filter);
    const cursor = this.items.find(filter).sort(query.when === "upcoming" ? { startsAt: 1, _id: 1 } : { startsAt: -1, _id: 1 });
    const documents = await readPage(cursor, query.limit, query.offset);
    return { items: documents.map((document) => toItem(document)!), total };
  }

  async listPublishedLocal(limit: number, offset: number): Promise<{ items: LearningOpportunity[]; total: number }> {
    const filter: Filter<LearningDocument> = { "item.local": true, "item.deleted": null };
    const total = await this.items.countDocuments(filter);
    const documents = await readPage(this.items.find(filter).sort({ "item.published": -1, _id: 1 }), limit, offset);
    return { items: documents.map((document) => toItem(document)!), total };
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
