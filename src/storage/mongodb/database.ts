import { MongoServerError, type Db, type FindCursor } from "mongodb";

/** Collection names, the same as the SQLite table names. */
export const COLLECTIONS = {
  settings: "settings",
  keys: "keys",
  accounts: "accounts",
  sessions: "sessions",
  practices: "practices",
  replies: "replies",
  reactions: "reactions",
  followers: "followers",
  following: "following",
  remoteActors: "remote_actors",
  inboundLog: "inbound_log",
  domainRules: "domain_rules",
  actorBlocks: "actor_blocks",
  reports: "reports",
  auditLog: "audit_log",
  deliveryHealth: "delivery_health",
  reviewLog: "review_log",
  counters: "counters",
  invitations: "invitations",
  passwordResets: "password_resets",
  learning: "learning_opportunities",
  resources: "resources",
  consultations: "consultations",
} as const;

interface CounterDocument {
  _id: string;
  value: number;
}

/**
 * Allocates the next integer of a named sequence, starting at 1. A number
 * taken by an insert that then fails is not handed out again.
 */
export async function nextSequence(database: Db, name: string): Promise<number> {
  const counter = await database
    .collection<CounterDocument>(COLLECTIONS.counters)
    .findOneAndUpdate({ _id: name }, { $inc: { value: 1 } }, { upsert: true, returnDocument: "after" });
  if (!counter) throw new Error(`Counter "${name}" was not returned by its upsert`);
  return counter.value;
}

/** Returns whether a write failed on a unique index (server error code 11000). */
export function isDuplicateKeyError(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}

/**
 * Reads one page of a cursor with SQLite's LIMIT and OFFSET meaning: a limit
 * of 0 returns nothing, a negative limit means no limit, and a negative
 * offset counts as 0. MongoDB reads limit(0) as "no limit" and rejects a
 * negative skip, so the values cannot be passed through.
 */
export async function readPage<T>(cursor: FindCursor<T>, limit: number, offset: number): Promise<T[]> {
  if (limit === 0) {
    await cursor.close();
    return [];
  }
  cursor.skip(Math.max(0, offset));
  if (limit > 0) cursor.limit(limit);
  return cursor.toArray();
}

/** Copies a value through JSON, so the stored document has what SQLite's JSON column would (undefined fields dropped). */
export function toJsonValue<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Creates the indexes behind the uniqueness rules and queries of the
 * repositories. createIndex does nothing for an index that already exists
 * with the same options, so this runs on every start.
 */
export async function createIndexes(database: Db): Promise<void> {
  await Promise.all([
    database.collection(COLLECTIONS.accounts).createIndex({ usernameLower: 1 }, { unique: true, name: "accounts_username" }),
    database.collection(COLLECTIONS.sessions).createIndex({ expires: 1 }, { name: "sessions_expires" }),
    database.collection(COLLECTIONS.practices).createIndex({ "practice.slug": 1 }, { unique: true, name: "practices_slug" }),
    database
      .collection(COLLECTIONS.practices)
      .createIndex({ "practice.deleted": 1, "practice.status": 1, listedAt: -1, _id: 1 }, { name: "practices_listing" }),
    database.collection(COLLECTIONS.practices).createIndex({ "practice.themes": 1 }, { name: "practices_themes" }),
    database.collection(COLLECTIONS.practices).createIndex({ "practice.sourceActor": 1 }, { name: "practices_source_actor" }),
    database.collection(COLLECTIONS.replies).createIndex({ rootIri: 1, published: 1, _id: 1 }, { name: "replies_root" }),
    database
      .collection(COLLECTIONS.reactions)
      .createIndex({ type: 1, actorIri: 1, objectIri: 1 }, { unique: true, name: "reactions_actor_object" }),
    database.collection(COLLECTIONS.reactions).createIndex({ objectIri: 1 }, { name: "reactions_object" }),
    database.collection(COLLECTIONS.followers).createIndex({ target: 1, actorIri: 1 }, { unique: true, name: "followers_target_actor" }),
    database.collection(COLLECTIONS.followers).createIndex({ target: 1, created: 1, actorIri: 1 }, { name: "followers_listing" }),
    database.collection(COLLECTIONS.followers).createIndex({ actorIri: 1 }, { name: "followers_actor" }),
    database.collection(COLLECTIONS.following).createIndex({ followIri: 1 }, { unique: true, name: "following_follow_iri" }),
    database.collection(COLLECTIONS.replies).createIndex({ authorIri: 1 }, { name: "replies_author" }),
    database.collection(COLLECTIONS.reports).createIndex({ flagIri: 1 }, { unique: true, sparse: true, name: "reports_flag_iri" }),
    database.collection(COLLECTIONS.reports).createIndex({ status: 1, created: -1 }, { name: "reports_status" }),
    database.collection(COLLECTIONS.reviewLog).createIndex({ itemIri: 1, _id: 1 }, { name: "review_log_item" }),
    database.collection(COLLECTIONS.keys).createIndex({ owner: 1, algorithm: 1 }, { unique: true, name: "keys_owner_algorithm" }),
    database.collection(COLLECTIONS.sessions).createIndex({ accountId: 1 }, { name: "sessions_account" }),
    database.collection(COLLECTIONS.invitations).createIndex({ tokenHash: 1 }, { unique: true, name: "invitations_token_hash" }),
    database.collection(COLLECTIONS.invitations).createIndex({ created: -1, _id: -1 }, { name: "invitations_listing" }),
    database.collection(COLLECTIONS.passwordResets).createIndex({ tokenHash: 1 }, { unique: true, name: "password_resets_token_hash" }),
    database.collection(COLLECTIONS.passwordResets).createIndex({ accountId: 1 }, { name: "password_resets_account" }),
    database.collection(COLLECTIONS.learning).createIndex({ "item.slug": 1 }, { unique: true, name: "learning_slug" }),
    database.collection(COLLECTIONS.learning).createIndex({ "item.deleted": 1, endsAt: 1, startsAt: 1 }, { name: "learning_calendar" }),
    database.collection(COLLECTIONS.learning).createIndex({ "item.sourceActor": 1 }, { name: "learning_source_actor" }),
    database.collection(COLLECTIONS.resources).createIndex({ "resource.slug": 1 }, { unique: true, name: "resources_slug" }),
    database.collection(COLLECTIONS.resources).createIndex({ "resource.deleted": 1, "resource.status": 1, listedAt: -1, _id: 1 }, { name: "resources_listing" }),
    database.collection(COLLECTIONS.resources).createIndex({ "resource.sourceActor": 1 }, { name: "resources_source_actor" }),
    database.collection(COLLECTIONS.consultations).createIndex({ "item.slug": 1 }, { unique: true, name: "consultations_slug" }),
    database.collection(COLLECTIONS.consultations).createIndex({ "item.deleted": 1, closesAt: 1, opensAt: 1 }, { name: "consultations_dates" }),
    database.collection(COLLECTIONS.consultations).createIndex({ "item.sourceActor": 1 }, { name: "consultations_source_actor" }),
  ]);
}
