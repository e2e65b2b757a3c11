import type { Collection, Db, Filter } from "mongodb";

import type { Practice } from "../../domain/practice.ts";
import type {
  PracticeQuery,
  PracticeRepository,
  Reaction,
  ReactionRepository,
  ReactionType,
  Reply,
  ReplyRepository,
} from "../types.ts";
import { COLLECTIONS, isDuplicateKeyError, readPage, toJsonValue } from "./database.ts";

interface PracticeDocument {
  _id: string;
  /** Listing sort key: `published`, or `updated` for a practice never published (SQLite's COALESCE(published, updated)). */
  listedAt: string;
  practice: Practice;
  /** Moderation's reason for hiding a library copy; kept apart from the practice, as in SQLite. */
  hidden?: string | null;
}

function toPractice(document: PracticeDocument | null): Practice | null {
  return document ? { ...document.practice, hidden: document.hidden ?? null } : null;
}

function storedPractice(practice: Practice): Practice {
  const { hidden: _hidden, ...data } = practice;
  return toJsonValue(data as Practice);
}

interface ReplyDocument extends Omit<Reply, "iri"> {
  _id: string;
}

interface ReactionDocument extends Omit<Reaction, "activityIri"> {
  _id: string;
}

export class MongoPracticeRepository implements PracticeRepository {
  private readonly practices: Collection<PracticeDocument>;

  constructor(database: Db) {
    this.practices = database.collection<PracticeDocument>(COLLECTIONS.practices);
  }

  async save(practice: Practice): Promise<void> {
    await this.practices.updateOne(
      { _id: practice.iri },
      { $set: { listedAt: practice.published ?? practice.updated, practice: storedPractice(practice) } },
      { upsert: true },
    );
  }

  async insertNew(practice: Practice): Promise<boolean> {
    try {
      await this.practices.insertOne({ _id: practice.iri, listedAt: practice.published ?? practice.updated, practice: storedPractice(practice), hidden: null });
      return true;
    } catch (error) {
      // 11000 is MongoDB's duplicate key error, raised here by the _id or the unique slug index.
      if ((error as { code?: number }).code === 11000) return false;
      throw error;
    }
  }

  async byIri(iri: string): Promise<Practice | null> {
    return toPractice(await this.practices.findOne({ _id: iri }));
  }

  async bySlug(slug: string): Promise<Practice | null> {
    return toPractice(await this.practices.findOne({ "practice.slug": slug }));
  }

  async slugExists(slug: string): Promise<boolean> {
    return (await this.practices.countDocuments({ "practice.slug": slug }, { limit: 1 })) > 0;
  }

  async list(query: PracticeQuery): Promise<{ items: Practice[]; total: number }> {
    const filter: Filter<PracticeDocument> = { "practice.deleted": null };
    if (!query.includeDrafts) filter["practice.status"] = { $in: ["published", "archived"] };
    if (!query.includeHidden) filter.hidden = null;
    if (query.local !== undefined) filter["practice.local"] = query.local;
    if (query.theme) filter["practice.themes"] = query.theme;
    if (query.authorAccountId !== undefined) filter["practice.authorAccountId"] = query.authorAccountId;

    const total = await this.practices.countDocuments(filter);
    const cursor = this.practices.find(filter).sort({ listedAt: -1, _id: 1 });
    const documents = await readPage(cursor, query.limit, query.offset);
    return { items: documents.map((document) => toPractice(document)!), total };
  }

  async listPublishedLocal(limit: number, offset: number): Promise<{ items: Practice[]; total: number }> {
    return this.list({ local: true, limit, offset });
  }

  async deleteFromSource(sourceActor: string): Promise<number> {
    return (await this.practices.deleteMany({ "practice.local": false, "practice.sourceActor": sourceActor })).deletedCount;
  }

  async countFromSource(sourceActor: string): Promise<number> {
    return this.practices.countDocuments({ "practice.local": false, "practice.sourceActor": sourceActor });
  }

  async remove(iri: string): Promise<void> {
    await this.practices.deleteOne({ _id: iri });
  }

  async sourceActors(): Promise<string[]> {
    return (await this.practices.distinct("practice.sourceActor", { "practice.local": false })).filter((actor): actor is string => typeof actor === "string");
  }

  async countBySource(): Promise<Map<string, number>> {
    const groups = await this.practices
      .aggregate<{ _id: string; n: number }>([
        { $match: { "practice.local": false, "practice.deleted": null, "practice.status": "published", hidden: null } },
        { $group: { _id: "$practice.sourceActor", n: { $sum: 1 } } },
      ])
      .toArray();
    return new Map(groups.map((group) => [group._id, group.n]));
  }

  async setHiddenForSource(sourceActor: string, hidden: string | null): Promise<number> {
    return (await this.practices.updateMany({ "practice.local": false, "practice.sourceActor": sourceActor }, { $set: { hidden } })).modifiedCount;
  }

  async unhideByReason(hidden: string): Promise<number> {
    return (await this.practices.updateMany({ hidden }, { $set: { hidden: null } })).modifiedCount;
  }
}

function toReply(document: ReplyDocument): Reply {
  return {
    iri: document._id,
    rootIri: document.rootIri,
    inReplyTo: document.inReplyTo,
    authorIri: document.authorIri,
    authorAccountId: document.authorAccountId ?? null,
    contentHtml: document.contentHtml,
    language: document.language ?? null,
    url: document.url ?? null,
    published: document.published,
    updated: document.updated ?? null,
    deleted: document.deleted ?? null,
    local: document.local,
    hidden: document.hidden ?? null,
    attachments: document.attachments ?? [],
  };
}

export class MongoReplyRepository implements ReplyRepository {
  private readonly replies: Collection<ReplyDocument>;

  constructor(database: Db) {
    this.replies = database.collection<ReplyDocument>(COLLECTIONS.replies);
  }

  async save(reply: Reply): Promise<void> {
    // As in SQLite, saving again changes only the editable fields and keeps where the reply sits in its thread.
    await this.replies.updateOne(
      { _id: reply.iri },
      {
        $set: {
          contentHtml: reply.contentHtml,
          language: reply.language,
          url: reply.url,
          updated: reply.updated,
          deleted: reply.deleted,
          hidden: reply.hidden,
          attachments: reply.attachments ?? [],
        },
        $setOnInsert: {
          rootIri: reply.rootIri,
          inReplyTo: reply.inReplyTo,
          authorIri: reply.authorIri,
          authorAccountId: reply.authorAccountId,
          published: reply.published,
          local: reply.local,
        },
      },
      { upsert: true },
    );
  }

  async byIri(iri: string): Promise<Reply | null> {
    const document = await this.replies.findOne({ _id: iri });
    return document ? toReply(document) : null;
  }

  async listForRoot(rootIri: string): Promise<Reply[]> {
    return (await this.replies.find({ rootIri }).sort({ published: 1, _id: 1 }).toArray()).map(toReply);
  }

  async countForRoot(rootIri: string): Promise<number> {
    return this.replies.countDocuments({ rootIri, deleted: null, hidden: null });
  }

  async countByAuthor(authorIri: string): Promise<number> {
    return this.replies.countDocuments({ authorIri, deleted: null });
  }

  async remoteAuthors(): Promise<string[]> {
    return this.replies.distinct("authorIri", { local: false });
  }

  async setHidden(iri: string, hidden: string | null): Promise<void> {
    await this.replies.updateOne({ _id: iri }, { $set: { hidden } });
  }

  async hideByAuthor(authorIri: string, hidden: string): Promise<number> {
    return (await this.replies.updateMany({ authorIri, hidden: null }, { $set: { hidden } })).modifiedCount;
  }

  async unhideByReason(hidden: string): Promise<number> {
    return (await this.replies.updateMany({ hidden }, { $set: { hidden: null } })).modifiedCount;
  }
}

export class MongoReactionRepository implements ReactionRepository {
  private readonly reactions: Collection<ReactionDocument>;

  constructor(database: Db) {
    this.reactions = database.collection<ReactionDocument>(COLLECTIONS.reactions);
  }

  async add(reaction: Reaction): Promise<boolean> {
    try {
      await this.reactions.insertOne({
        _id: reaction.activityIri,
        type: reaction.type,
        actorIri: reaction.actorIri,
        objectIri: reaction.objectIri,
        created: reaction.created,
      });
      return true;
    } catch (error) {
      // The activity id or the (type, actor, object) triple is already stored, which SQLite's INSERT OR IGNORE skips too.
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async byActivity(activityIri: string): Promise<Reaction | null> {
    const document = await this.reactions.findOne({ _id: activityIri });
    if (!document) return null;
    return {
      activityIri: document._id,
      type: document.type,
      actorIri: document.actorIri,
      objectIri: document.objectIri,
      created: document.created,
    };
  }

  async remove(type: ReactionType, actorIri: string, objectIri: string): Promise<boolean> {
    return (await this.reactions.deleteOne({ type, actorIri, objectIri })).deletedCount > 0;
  }

  async count(objectIri: string): Promise<Record<ReactionType, number>> {
    const groups = await this.reactions
      .aggregate<{ _id: ReactionType; count: number }>([{ $match: { objectIri } }, { $group: { _id: "$type", count: { $sum: 1 } } }])
      .toArray();
    const counts: Record<ReactionType, number> = { like: 0, announce: 0 };
    for (const group of groups) counts[group._id] = group.count;
    return counts;
  }
}
