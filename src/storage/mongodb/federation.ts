import type { Collection, Db } from "mongodb";

import type {
  DeliveryHealth,
  DeliveryHealthRepository,
  Follower,
  FollowerRepository,
  Following,
  FollowingRepository,
  InboundLogEntry,
  InboundLogRepository,
  KeyRepository,
  RemoteActor,
  RemoteActorRepository,
  StoredKeyPair,
} from "../types.ts";
import { COLLECTIONS, isDuplicateKeyError, nextSequence, readPage, toJsonValue } from "./database.ts";

/** Number of newest entries the inbound log keeps. Older ones are deleted as new ones arrive. */
const INBOUND_LOG_SIZE = 5000;

interface FollowingDocument extends Omit<Following, "actorIri"> {
  _id: string;
}

interface KeyDocument extends StoredKeyPair {
  /** Order in which Fedify lists the keys: RSA first, because Fedify names keys by position (#main-key first). */
  position: number;
}

interface RemoteActorDocument extends Omit<RemoteActor, "iri"> {
  _id: string;
}

interface InboundLogDocument extends Omit<InboundLogEntry, "id"> {
  _id: number;
}

function toFollower(document: Follower): Follower {
  return {
    target: document.target,
    actorIri: document.actorIri,
    inbox: document.inbox,
    sharedInbox: document.sharedInbox ?? null,
    handle: document.handle ?? null,
    name: document.name ?? null,
    followIri: document.followIri,
    status: document.status,
    created: document.created,
  };
}

export class MongoFollowerRepository implements FollowerRepository {
  private readonly followers: Collection<Follower>;

  constructor(database: Db) {
    this.followers = database.collection<Follower>(COLLECTIONS.followers);
  }

  async save(follower: Follower): Promise<void> {
    await this.followers.updateOne(
      { target: follower.target, actorIri: follower.actorIri },
      {
        $set: {
          inbox: follower.inbox,
          sharedInbox: follower.sharedInbox,
          handle: follower.handle,
          name: follower.name,
          followIri: follower.followIri,
          status: follower.status,
        },
        $setOnInsert: { created: follower.created },
      },
      { upsert: true },
    );
  }

  async get(target: string, actorIri: string): Promise<Follower | null> {
    const document = await this.followers.findOne({ target, actorIri });
    return document ? toFollower(document) : null;
  }

  async remove(target: string, actorIri: string): Promise<boolean> {
    return (await this.followers.deleteOne({ target, actorIri })).deletedCount > 0;
  }

  async removeActorEverywhere(actorIri: string): Promise<number> {
    return (await this.followers.deleteMany({ actorIri })).deletedCount;
  }

  async list(target: string, status: Follower["status"] | null, limit: number, offset: number): Promise<{ items: Follower[]; total: number }> {
    const filter = status ? { target, status } : { target };
    const total = await this.followers.countDocuments(filter);
    const documents = await readPage(this.followers.find(filter).sort({ created: 1, actorIri: 1 }), limit, offset);
    return { items: documents.map(toFollower), total };
  }
}

function toFollowing(document: FollowingDocument): Following {
  return {
    actorIri: document._id,
    handle: document.handle,
    name: document.name ?? null,
    inbox: document.inbox,
    followIri: document.followIri,
    status: document.status,
    created: document.created,
  };
}

export class MongoFollowingRepository implements FollowingRepository {
  private readonly following: Collection<FollowingDocument>;

  constructor(database: Db) {
    this.following = database.collection<FollowingDocument>(COLLECTIONS.following);
  }

  async save(following: Following): Promise<void> {
    await this.following.updateOne(
      { _id: following.actorIri },
      {
        $set: { handle: following.handle, name: following.name, inbox: following.inbox, followIri: following.followIri, status: following.status },
        $setOnInsert: { created: following.created },
      },
      { upsert: true },
    );
  }

  async get(actorIri: string): Promise<Following | null> {
    const document = await this.following.findOne({ _id: actorIri });
    return document ? toFollowing(document) : null;
  }

  async byFollowIri(followIri: string): Promise<Following | null> {
    const document = await this.following.findOne({ followIri });
    return document ? toFollowing(document) : null;
  }

  async remove(actorIri: string): Promise<boolean> {
    return (await this.following.deleteOne({ _id: actorIri })).deletedCount > 0;
  }

  async list(): Promise<Following[]> {
    return (await this.following.find().sort({ created: 1, _id: 1 }).toArray()).map(toFollowing);
  }
}

export class MongoKeyRepository implements KeyRepository {
  private readonly keys: Collection<KeyDocument>;

  constructor(database: Db) {
    this.keys = database.collection<KeyDocument>(COLLECTIONS.keys);
  }

  async list(owner: string): Promise<StoredKeyPair[]> {
    const documents = await this.keys.find({ owner }).sort({ position: 1 }).toArray();
    return documents.map((document) => ({
      owner: document.owner,
      algorithm: document.algorithm,
      privateJwk: document.privateJwk,
      publicJwk: document.publicJwk,
    }));
  }

  async addIfMissing(pair: StoredKeyPair): Promise<StoredKeyPair> {
    const position = pair.algorithm === "RSASSA-PKCS1-v1_5" ? 0 : 1;
    try {
      // $setOnInsert writes nothing when the owner already has a key of this algorithm, so the first key stays.
      await this.keys.updateOne(
        { owner: pair.owner, algorithm: pair.algorithm },
        { $setOnInsert: { privateJwk: toJsonValue(pair.privateJwk), publicJwk: toJsonValue(pair.publicJwk), position } },
        { upsert: true },
      );
    } catch (error) {
      // A concurrent call inserted the same (owner, algorithm) first, and its key is the one to keep.
      if (!isDuplicateKeyError(error)) throw error;
    }
    const stored = (await this.list(pair.owner)).find((candidate) => candidate.algorithm === pair.algorithm);
    if (!stored) throw new Error(`Key of ${pair.owner} (${pair.algorithm}) was not stored`);
    return stored;
  }
}

export class MongoRemoteActorRepository implements RemoteActorRepository {
  private readonly actors: Collection<RemoteActorDocument>;

  constructor(database: Db) {
    this.actors = database.collection<RemoteActorDocument>(COLLECTIONS.remoteActors);
  }

  async save(actor: RemoteActor): Promise<void> {
    await this.actors.replaceOne(
      { _id: actor.iri },
      {
        handle: actor.handle,
        name: actor.name,
        url: actor.url,
        type: actor.type,
        inbox: actor.inbox,
        sharedInbox: actor.sharedInbox,
        fetched: actor.fetched,
        icon: actor.icon ?? null,
        names: actor.names ?? {},
        summaries: actor.summaries ?? {},
      },
      { upsert: true },
    );
  }

  async byIri(iri: string): Promise<RemoteActor | null> {
    return (await this.byIris([iri])).get(iri) ?? null;
  }

  async byIris(iris: string[]): Promise<Map<string, RemoteActor>> {
    const found = new Map<string, RemoteActor>();
    if (iris.length === 0) return found;
    const documents = await this.actors.find({ _id: { $in: [...new Set(iris)] } }).toArray();
    for (const document of documents) {
      found.set(document._id, {
        iri: document._id,
        handle: document.handle ?? null,
        name: document.name ?? null,
        url: document.url ?? null,
        type: document.type,
        inbox: document.inbox ?? null,
        sharedInbox: document.sharedInbox ?? null,
        fetched: document.fetched,
        icon: document.icon ?? null,
        names: document.names ?? {},
        summaries: document.summaries ?? {},
      });
    }
    return found;
  }
}

export class MongoInboundLogRepository implements InboundLogRepository {
  private readonly entries: Collection<InboundLogDocument>;

  constructor(private readonly database: Db) {
    this.entries = database.collection<InboundLogDocument>(COLLECTIONS.inboundLog);
  }

  async add(entry: InboundLogEntry): Promise<void> {
    const id = await nextSequence(this.database, COLLECTIONS.inboundLog);
    await this.entries.insertOne({
      _id: id,
      received: entry.received,
      activityIri: entry.activityIri,
      type: entry.type,
      actorIri: entry.actorIri,
      outcome: entry.outcome,
      reason: entry.reason,
    });
    // Keep the journal bounded: it is for operators and tests, not an archive.
    await this.entries.deleteMany({ _id: { $lte: id - INBOUND_LOG_SIZE } });
  }

  async recent(limit: number): Promise<InboundLogEntry[]> {
    const documents = await readPage(this.entries.find().sort({ _id: -1 }), limit, 0);
    return documents.map((document) => ({
      id: document._id,
      received: document.received,
      activityIri: document.activityIri ?? null,
      type: document.type,
      actorIri: document.actorIri ?? null,
      outcome: document.outcome,
      reason: document.reason,
    }));
  }
}

interface DeliveryHealthDocument extends Omit<DeliveryHealth, "host"> {
  _id: string;
}

export class MongoDeliveryHealthRepository implements DeliveryHealthRepository {
  private readonly hosts: Collection<DeliveryHealthDocument>;

  constructor(database: Db) {
    this.hosts = database.collection<DeliveryHealthDocument>(COLLECTIONS.deliveryHealth);
  }

  async record(host: string, at: string, error: string | null): Promise<void> {
    const set = error === null ? { lastDelivered: at } : { lastFailed: at, lastError: error };
    await this.hosts.updateOne(
      { _id: host },
      {
        $inc: { delivered: error === null ? 1 : 0, failed: error === null ? 0 : 1 },
        $set: set,
        $setOnInsert: error === null ? { lastFailed: null, lastError: null } : { lastDelivered: null },
      },
      { upsert: true },
    );
  }

  async list(limit: number): Promise<DeliveryHealth[]> {
    // Sorted in code: "failing now" compares two fields, which a MongoDB sort cannot express without an aggregation.
    const documents = await this.hosts.find().toArray();
    const failing = (entry: DeliveryHealthDocument) => entry.lastFailed !== null && (entry.lastDelivered === null || entry.lastFailed > entry.lastDelivered);
    const latest = (entry: DeliveryHealthDocument) => [entry.lastDelivered ?? "", entry.lastFailed ?? ""].sort().at(-1)!;
    documents.sort((a, b) => Number(failing(b)) - Number(failing(a)) || latest(b).localeCompare(latest(a)));
    return documents.slice(0, limit).map(({ _id, ...rest }) => ({ ...rest, host: _id }));
  }
}
