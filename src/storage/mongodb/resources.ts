import type { Collection, Db, Filter } from "mongodb";

import { type Resource } from "../../domain/resource.ts";
import type { ResourceQuery, ResourceRepository } from "../types.ts";
import { COLLECTIONS, isDuplicateKeyError, readPage, toJsonValue } from "./database.ts";

interface ResourceDocument {
  _id: string;
  /** Listing sort key: `published`, or `updated` for a resource never published. */
  listedAt: string;
  resource: Resource;
  /** Moderation's reason for hiding a partner copy; kept apart from the resource, as in SQLite. */
  hidden?: string | null;
}

const MEDIA_TYPES = ["video", "audio"];

function toResource(document: ResourceDocument | null): Resource | null {
  return document ? { ...document.resource, hidden: document.hidden ?? null } : null;
}

function storedResource(resource: Resource): Resource {
  const { hidden: _hidden, ...data } = resource;
  return toJsonValue(data as Resource);
}

export class MongoResourceRepository implements ResourceRepository {
  private readonly resources: Collection<ResourceDocument>;

  constructor(database: Db) {
    this.resources = database.collection<ResourceDocument>(COLLECTIONS.resources);
  }

  async save(resource: Resource): Promise<void> {
    await this.resources.updateOne(
      { _id: resource.iri },
      { $set: { listedAt: resource.published ?? resource.updated, resource: storedResource(resource) } },
      { upsert: true },
    );
  }

  async insertNew(resource: Resource): Promise<boolean> {
    try {
      await this.resources.insertOne({ _id: resource.iri, listedAt: resource.published ?? resource.updated, resource: storedResource(resource), hidden: null });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async byIri(iri: string): Promise<Resource | null> {
    return toResource(await this.resources.findOne({ _id: iri }));
  }

  async bySlug(slug: string): Promise<Resource | null> {
    return toResource(await this.resources.findOne({ "resource.slug": slug }));
  }

  async slugExists(slug: string): Promise<boolean> {
    return (await this.resources.countDocuments({ "resource.slug": slug }, { limit: 1 })) > 0;
  }

  async list(query: ResourceQuery): Promise<{ items: Resource[]; total: number }> {
    const filter: Filter<ResourceDocument> = { "resource.deleted": null };
    if (!query.includeDrafts) filter["resource.status"] = { $in: ["published", "archived"] };
    if (!query.includeHidden) filter.hidden = null;
    if (query.local !== undefined) filter["resource.local"] = query.local;
    if (query.media !== undefined) filter["resource.resourceType"] = query.media ? { $in: MEDIA_TYPES } : { $nin: MEDIA_TYPES };
    if (query.theme) filter["resource.themes"] = query.theme;
    if (query.authorAccountId !== undefined) filter["resource.authorAccountId"] = query.authorAccountId;
    const total = await this.resources.countDocuments(filter);
    const documents = await readPage(this.resources.find(filter).sort({ listedAt: -1, _id: 1 }), query.limit, query.offset);
    return { items: documents.map((document) => toResource(document)!), total };
  }

  async deleteFromSource(sourceActor: string): Promise<number> {
    return (await this.resources.deleteMany({ "resource.local": false, "resource.sourceActor": sourceActor })).deletedCount;
  }

  async countFromSource(sourceActor: string): Promise<number> {
    return this.resources.countDocuments({ "resource.local": false, "resource.sourceActor": sourceActor });
  }

  async remove(iri: string): Promise<void> {
    await this.resources.deleteOne({ _id: iri });
  }

  async usingFile(href: string): Promise<Resource[]> {
    const documents = await this.resources.find({ "resource.local": true, $or: [{ "resource.file.href": href }, { "resource.captions.file.href": href }] }).toArray();
    return documents.map((document) => toResource(document)!);
  }

  async sourceActors(): Promise<string[]> {
    return (await this.resources.distinct("resource.sourceActor", { "resource.local": false })).filter((actor): actor is string => typeof actor === "string");
  }

  async countBySource(): Promise<Map<string, number>> {
    const groups = await this.resources
      .aggregate<{ _id: string; n: number }>([
        { $match: { "resource.local": false, "resource.deleted": null, hidden: null, "resource.status": { $in: ["published", "archived"] } } },
        { $group: { _id: "$resource.sourceActor", n: { $sum: 1 } } },
      ])
      .toArray();
    return new Map(groups.map((group) => [group._id, group.n]));
  }

  async setHiddenForSource(sourceActor: string, hidden: string | null): Promise<number> {
    return (await this.resources.updateMany({ "resource.local": false, "resource.sourceActor": sourceActor }, { $set: { hidden } })).modifiedCount;
  }

  async unhideByReason(hidden: string): Promise<number> {
    return (await this.resources.updateMany({ hidden }, { $set: { hidden: null } })).modifiedCount;
  }
}
