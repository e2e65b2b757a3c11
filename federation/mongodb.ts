/**
 * Fedify key-value store and message queue over MongoDB, for instances that
 * run on the MongoDB storage adapter. They follow @fedify/sqlite 2.0's
 * SqliteKvStore and SqliteMessageQueue: keys, values and messages are stored
 * as JSON text, and listeners poll for due messages.
 *
 * NOTE: only type-checked so far, never run against a MongoDB server.
 * test/mongodb-queue.test.ts runs it when MONGODB_URL is set.
 */
import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";

import type {
  KvKey,
  KvStore,
  KvStoreListEntry,
  KvStoreSetOptions,
  MessageQueue,
  MessageQueueDepth,
  MessageQueueEnqueueOptions,
  MessageQueueListenOptions,
} from "@fedify/fedify";
import { ObjectId, type Collection, type Db, type Filter } from "mongodb";

import { logger } from "../src/logging.ts";
import { isDuplicateKeyError } from "../src/storage/mongodb/database.ts";

const log = logger("federation", "mongodb");

const COLLECTION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

function checkCollectionName(name: string): string {
  if (!COLLECTION_NAME.test(name)) {
    throw new Error(`Invalid collection name "${name}": use 1-64 letters, digits or "_", not starting with a digit`);
  }
  return name;
}

/** Filter for entries whose TTL has not passed, needed because the TTL index removes expired ones only about once a minute. */
function unexpired(now: Date) {
  return { $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }] };
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
}

interface KvDocument {
  /** The key as JSON text, as SqliteKvStore encodes it, so listing a prefix is a string-prefix match. */
  _id: string;
  /** The value as JSON text, because BSON would turn undefined fields into null. */
  value: string;
  created: Date;
  /** When the entry expires, or null for no TTL. */
  expiresAt: Date | null;
}

/** Fedify key-value store over one MongoDB collection (default "fedify_kv"). */
export class MongoKvStore implements KvStore {
  readonly #entries: Collection<KvDocument>;
  #initialized: Promise<void> | null = null;

  constructor(database: Db, options: { collectionName?: string } = {}) {
    this.#entries = database.collection<KvDocument>(checkCollectionName(options.collectionName ?? "fedify_kv"));
  }

  /** Creates the TTL index on first use. Later calls return the same promise unless it failed. */
  initialize(): Promise<void> {
    this.#initialized ??= this.#entries.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: "expires_at_ttl" }).then(
      () => undefined,
      (error: unknown) => {
        this.#initialized = null;
        throw error;
      },
    );
    return this.#initialized;
  }

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    await this.initialize();
    const entry = await this.#entries.findOne({ _id: JSON.stringify(key), ...unexpired(new Date()) });
    return entry ? (JSON.parse(entry.value) as T) : undefined;
  }

  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    await this.initialize();
    if (value === undefined) return;
    const now = new Date();
    await this.#entries.updateOne(
      { _id: JSON.stringify(key) },
      { $set: { value: JSON.stringify(value), expiresAt: expiryOf(now, options) }, $setOnInsert: { created: now } },
      { upsert: true },
    );
  }

  async delete(key: KvKey): Promise<void> {
    await this.initialize();
    await this.#entries.deleteOne({ _id: JSON.stringify(key) });
  }

  /**
   * Replaces the value only while it still equals `expectedValue` (undefined
   * meaning absent or expired). The entry is read, compared as JSON data, and
   * written with a filter on the exact stored text, so a concurrent write in
   * between makes this return false.
   */
  async cas(key: KvKey, expectedValue: unknown, newValue: unknown, options?: KvStoreSetOptions): Promise<boolean> {
    await this.initialize();
    const id = JSON.stringify(key);
    const now = new Date();
    const stored = await this.#entries.findOne({ _id: id });
    const live = stored !== null && (stored.expiresAt === null || stored.expiresAt > now) ? stored : null;
    const currentValue: unknown = live ? JSON.parse(live.value) : undefined;
    const expected: unknown = expectedValue === undefined ? undefined : JSON.parse(JSON.stringify(expectedValue));
    if (!isDeepStrictEqual(currentValue, expected)) return false;

    const unchanged = stored ? { _id: id, value: stored.value, expiresAt: stored.expiresAt } : null;
    if (newValue === undefined) {
      if (!unchanged) return true;
      const deleted = (await this.#entries.deleteOne(unchanged)).deletedCount === 1;
      // An expired entry that vanished meanwhile was already absent, which is what was requested.
      return deleted || live === null;
    }

    const value = JSON.stringify(newValue);
    const expiresAt = expiryOf(now, options);
    if (unchanged) {
      const updated = await this.#entries.updateOne(unchanged, { $set: { value, expiresAt } });
      // Unless the entry was expired and the TTL index removed it meanwhile, a miss means someone else wrote first.
      if (updated.matchedCount === 1 || live !== null) return updated.matchedCount === 1;
    }
    try {
      await this.#entries.insertOne({ _id: id, value, created: now, expiresAt });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    await this.initialize();
    let filter: Filter<KvDocument> = unexpired(new Date());
    if (prefix !== undefined && prefix.length > 0) {
      // ["a","b"] matches itself and every key that begins ["a","b",...
      const exact = JSON.stringify(prefix);
      const longer = `^${escapeRegExp(exact.slice(0, -1) + ",")}`;
      filter = { $and: [filter, { $or: [{ _id: exact }, { _id: { $regex: longer } }] }] };
    }
    for await (const entry of this.#entries.find(filter).sort({ _id: 1 })) {
      yield { key: JSON.parse(entry._id) as KvKey, value: JSON.parse(entry.value) };
    }
  }
}

function expiryOf(now: Date, options: KvStoreSetOptions | undefined): Date | null {
  return options?.ttl === undefined ? null : new Date(now.getTime() + options.ttl.total("milliseconds"));
}

interface MessageDocument {
  /** ObjectIds grow within a process, so they order messages enqueued in the same millisecond. */
  _id: ObjectId;
  /** The message as JSON text. */
  message: string;
  created: Date;
  /** Earliest time a listener may take the message. */
  scheduled: Date;
  orderingKey: string | null;
}

interface LockDocument {
  /** The ordering key. */
  _id: string;
  /** Token of the claim holding the lock, so that only this claim renews or releases it. */
  holder: string;
  /** When the lock lapses unless renewed, e.g. after its process died mid-message. */
  expiresAt: Date;
}

interface Claim {
  document: MessageDocument;
  lock: LockDocument | null;
}

export interface MongoMessageQueueOptions {
  /** Collection of the messages (default "fedify_message"). Ordering-key locks go to `<collectionName>_locks`. */
  collectionName?: string;
  /** Milliseconds between polls, which find messages enqueued by other processes (default 5000, as SqliteMessageQueue). */
  pollIntervalMs?: number;
  /** Milliseconds an ordering-key lock lasts unless renewed (default 60000). The holder renews it every third of this while its handler runs. */
  lockLeaseMs?: number;
}

/** Dispatched on a queue's in-process channel when messages are enqueued or an ordering-key lock is released. */
class EnqueueEvent extends Event {
  constructor(readonly delayMs: number) {
    super("enqueue");
  }
}

/** Due messages read per poll. A claim on one fails when another listener takes it first or has locked its ordering key. */
const CANDIDATES_PER_POLL = 20;

/**
 * Fedify message queue over MongoDB. A message is deleted when a listener
 * claims it, before its handler runs, as in SqliteMessageQueue: a process
 * that dies mid-handler loses that one message, while queued ones survive.
 * Messages with the same ordering key run one at a time across processes,
 * guarded by a lock document with a renewed lease. Each listen() call
 * handles one message at a time; wrap the queue in Fedify's
 * ParallelMessageQueue for more.
 */
export class MongoMessageQueue implements MessageQueue {
  /** Fedify retries failed messages itself by enqueuing them again. */
  readonly nativeRetrial = false;

  /** In-process wake-up channels, one per collection, so listeners in this process see new messages before the next poll. */
  static readonly #channels = new Map<string, EventTarget>();

  readonly #messages: Collection<MessageDocument>;
  readonly #locks: Collection<LockDocument>;
  readonly #channel: EventTarget;
  readonly #pollIntervalMs: number;
  readonly #lockLeaseMs: number;
  #initialized: Promise<void> | null = null;

  constructor(database: Db, options: MongoMessageQueueOptions = {}) {
    const name = checkCollectionName(options.collectionName ?? "fedify_message");
    this.#messages = database.collection<MessageDocument>(name);
    this.#locks = database.collection<LockDocument>(`${name}_locks`);
    this.#pollIntervalMs = options.pollIntervalMs ?? 5000;
    this.#lockLeaseMs = options.lockLeaseMs ?? 60_000;
    const channelName = `${database.databaseName}.${name}`;
    let channel = MongoMessageQueue.#channels.get(channelName);
    if (!channel) {
      channel = new EventTarget();
      MongoMessageQueue.#channels.set(channelName, channel);
    }
    this.#channel = channel;
  }

  /** Creates the indexes on first use. Later calls return the same promise unless it failed. */
  initialize(): Promise<void> {
    this.#initialized ??= Promise.all([
      this.#messages.createIndex({ scheduled: 1, _id: 1 }, { name: "scheduled" }),
      this.#messages.createIndex({ orderingKey: 1, scheduled: 1, _id: 1 }, { name: "ordering_key_scheduled" }),
      this.#locks.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: "expires_at_ttl" }),
    ]).then(
      () => undefined,
      (error: unknown) => {
        this.#initialized = null;
        throw error;
      },
    );
    return this.#initialized;
  }

  async enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    await this.enqueueMany([message], options);
  }

  async enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    if (messages.length === 0) return;
    await this.initialize();
    const now = Date.now();
    const delayMs = Math.max(0, options?.delay?.total("milliseconds") ?? 0);
    const orderingKey = options?.orderingKey ?? null;
    await this.#messages.insertMany(
      messages.map((message) => ({
        _id: new ObjectId(),
        message: JSON.stringify(message),
        created: new Date(now),
        scheduled: new Date(now + delayMs),
        orderingKey,
      })),
    );
    log.debug("Enqueued {count} messages in {collection} with a delay of {delayMs} ms.", {
      count: messages.length,
      collection: this.#messages.collectionName,
      delayMs,
      orderingKey,
    });
    this.#wakeListeners(delayMs);
  }

  async getDepth(): Promise<MessageQueueDepth> {
    await this.initialize();
    const [queued, ready] = await Promise.all([
      this.#messages.countDocuments(),
      this.#messages.countDocuments({ scheduled: { $lte: new Date() } }),
    ]);
    return { queued, ready, delayed: queued - ready };
  }

  /** Handles due messages until the signal aborts. Database and handler errors are logged and not thrown, so the promise never rejects. */
  async listen(handler: (message: any) => Promise<void> | void, options: MessageQueueListenOptions = {}): Promise<void> {
    const { signal } = options;
    let wake: (() => void) | null = null;
    let wakeRequested = false;
    const timers = new Set<NodeJS.Timeout>();
    const requestWake = () => {
      wakeRequested = true;
      wake?.();
    };
    // A delayed message enqueued in this process wakes the listener when it falls due, not at the next poll.
    const onEnqueue = (event: Event) => {
      const delayMs = (event as EnqueueEvent).delayMs;
      if (delayMs < 1) return requestWake();
      const timer = setTimeout(() => {
        timers.delete(timer);
        requestWake();
      }, delayMs);
      timers.add(timer);
    };
    this.#channel.addEventListener("enqueue", onEnqueue);
    log.debug("Listening for messages in {collection}.", { collection: this.#messages.collectionName });

    try {
      while (!signal?.aborted) {
        wakeRequested = false;
        await this.#handleDueMessages(handler, signal);
        if (signal?.aborted || wakeRequested) continue;
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            signal?.removeEventListener("abort", done);
            wake = null;
            resolve();
          };
          const timer = setTimeout(done, this.#pollIntervalMs);
          signal?.addEventListener("abort", done);
          wake = done;
        });
      }
    } finally {
      this.#channel.removeEventListener("enqueue", onEnqueue);
      for (const timer of timers) clearTimeout(timer);
      log.debug("Stopped listening for messages in {collection}.", { collection: this.#messages.collectionName });
    }
  }

  #wakeListeners(delayMs: number): void {
    this.#channel.dispatchEvent(new EnqueueEvent(delayMs));
  }

  async #handleDueMessages(handler: (message: unknown) => Promise<void> | void, signal: AbortSignal | undefined): Promise<void> {
    while (!signal?.aborted) {
      let claim: Claim | null;
      try {
        await this.initialize();
        claim = await this.#claimNext();
      } catch (error) {
        log.error("Failed to read messages from {collection}; retrying at the next poll: {error}", {
          collection: this.#messages.collectionName,
          error,
        });
        return;
      }
      if (!claim) return;
      await this.#handle(claim, handler);
    }
  }

  /**
   * Deletes and returns the oldest due message whose ordering key is free,
   * taking that key's lock first. Keys locked at the start are skipped in
   * the query, as SqliteMessageQueue skips keys in its locks table.
   */
  async #claimNext(): Promise<Claim | null> {
    const now = new Date();
    const lockedKeys = await this.#locks.distinct("_id", { expiresAt: { $gt: now } });
    const candidates = await this.#messages
      .find({ scheduled: { $lte: now }, orderingKey: { $nin: lockedKeys } }, { projection: { orderingKey: 1 } })
      .sort({ scheduled: 1, _id: 1 })
      .limit(CANDIDATES_PER_POLL)
      .toArray();
    const busyKeys = new Set<string>();
    for (const candidate of candidates) {
      const orderingKey = candidate.orderingKey;
      if (orderingKey === null) {
        const document = await this.#messages.findOneAndDelete({ _id: candidate._id });
        if (document) return { document, lock: null };
        continue;
      }
      if (busyKeys.has(orderingKey)) continue;
      const lock = await this.#acquireLock(orderingKey);
      if (!lock) {
        busyKeys.add(orderingKey);
        continue;
      }
      // The oldest due message of the key, which is not the candidate if another listener handled that one meanwhile.
      const document = await this.#messages.findOneAndDelete({ orderingKey, scheduled: { $lte: now } }, { sort: { scheduled: 1, _id: 1 } });
      if (document) return { document, lock };
      await this.#releaseLock(lock);
    }
    return null;
  }

  async #handle(claim: Claim, handler: (message: unknown) => Promise<void> | void): Promise<void> {
    const id = claim.document._id.toHexString();
    const lock = claim.lock;
    const renewal = lock ? setInterval(() => void this.#renewLock(lock), this.#lockLeaseMs / 3) : null;
    try {
      log.debug("Handling message {id} from {collection}.", { id, collection: this.#messages.collectionName });
      await handler(JSON.parse(claim.document.message));
    } catch (error) {
      log.error("Failed to handle message {id} from {collection}: {error}", { id, collection: this.#messages.collectionName, error });
    } finally {
      if (renewal) clearInterval(renewal);
      if (lock) {
        await this.#releaseLock(lock).catch((error: unknown) =>
          log.error("Failed to release the lock on ordering key {orderingKey}; it lapses at {expiresAt}: {error}", {
            orderingKey: lock._id,
            expiresAt: lock.expiresAt,
            error,
          }),
        );
      }
    }
  }

  /** Takes the lock of an ordering key unless another claim holds it and its lease has not lapsed. */
  async #acquireLock(orderingKey: string): Promise<LockDocument | null> {
    const now = Date.now();
    const lock: LockDocument = { _id: orderingKey, holder: randomUUID(), expiresAt: new Date(now + this.#lockLeaseMs) };
    try {
      await this.#locks.updateOne(
        { _id: orderingKey, expiresAt: { $lte: new Date(now) } },
        { $set: { holder: lock.holder, expiresAt: lock.expiresAt } },
        { upsert: true },
      );
      return lock;
    } catch (error) {
      // A live lock does not match the filter, so the upsert tried to insert a second document with the same _id.
      if (isDuplicateKeyError(error)) return null;
      throw error;
    }
  }

  async #renewLock(lock: LockDocument): Promise<void> {
    const expiresAt = new Date(Date.now() + this.#lockLeaseMs);
    try {
      const renewed = await this.#locks.updateOne({ _id: lock._id, holder: lock.holder }, { $set: { expiresAt } });
      if (renewed.matchedCount === 1) {
        lock.expiresAt = expiresAt;
      } else {
        log.warn("Lost the lock on ordering key {orderingKey}: it lapsed before renewal, so another listener may run the next message early.", {
          orderingKey: lock._id,
        });
      }
    } catch (error) {
      log.warn("Failed to renew the lock on ordering key {orderingKey}; it lapses at {expiresAt}: {error}", {
        orderingKey: lock._id,
        expiresAt: lock.expiresAt,
        error,
      });
    }
  }

  async #releaseLock(lock: LockDocument): Promise<void> {
    await this.#locks.deleteOne({ _id: lock._id, holder: lock.holder });
    // A listener in this process may have skipped the key while it was locked.
    this.#wakeListeners(0);
  }
}
