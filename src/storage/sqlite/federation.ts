import type { DatabaseSync } from "node:sqlite";

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
  RemoteImage,
  RemoteActorRepository,
  StoredKeyPair,
} from "../types.ts";

type Row = Record<string, unknown>;

function toFollower(row: Row): Follower {
  return {
    target: row.target as string,
    actorIri: row.actor_iri as string,
    inbox: row.inbox as string,
    sharedInbox: (row.shared_inbox as string | null) ?? null,
    handle: (row.handle as string | null) ?? null,
    name: (row.name as string | null) ?? null,
    followIri: row.follow_iri as string,
    status: row.status as Follower["status"],
    created: row.created as string,
  };
}

export class SqliteFollowerRepository implements FollowerRepository {
  constructor(private readonly database: DatabaseSync) {}

  async save(follower: Follower): Promise<void> {
    this.database
      .prepare(
        `INSERT INTO followers (target, actor_iri, inbox, shared_inbox, handle, name, follow_iri, status, created)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (target, actor_iri) DO UPDATE SET inbox = excluded.inbox, shared_inbox = excluded.shared_inbox,
           handle = excluded.handle, name = excluded.name, follow_iri = excluded.follow_iri, status = excluded.status`,
      )
      .run(
        follower.target,
        follower.actorIri,
        follower.inbox,
        follower.sharedInbox,
        follower.handle,
        follower.name,
        follower.followIri,
        follower.status,
        follower.created,
      );
  }

  async get(target: string, actorIri: string): Promise<Follower | null> {
    const row = this.database.prepare("SELECT * FROM followers WHERE target = ? AND actor_iri = ?").get(target, actorIri) as Row | undefined;
    return row ? toFollower(row) : null;
  }

  async remove(target: string, actorIri: string): Promise<boolean> {
    return Number(this.database.prepare("DELETE FROM followers WHERE target = ? AND actor_iri = ?").run(target, actorIri).changes) > 0;
  }

  async removeActorEverywhere(actorIri: string): Promise<number> {
    return Number(this.database.prepare("DELETE FROM followers WHERE actor_iri = ?").run(actorIri).changes);
  }

  async list(target: string, status: Follower["status"] | null, limit: number, offset: number): Promise<{ items: Follower[]; total: number }> {
    const where = status ? "target = ? AND status = ?" : "target = ?";
    const parameters = status ? [target, status] : [target];
    const total = (this.database.prepare(`SELECT COUNT(*) AS n FROM followers WHERE ${where}`).get(...parameters) as Row).n as number;
    const rows = this.database
      .prepare(`SELECT * FROM followers WHERE ${where} ORDER BY created, actor_iri LIMIT ? OFFSET ?`)
      .all(...parameters, limit, offset) as Row[];
    return { items: rows.map(toFollower), total };
  }
}

function toFollowing(row: Row): Following {
  return {
    actorIri: row.actor_iri as string,
    handle: row.handle as string,
    name: (row.name as string | null) ?? null,
    inbox: row.inbox as string,
    followIri: row.follow_iri as string,
    status: row.status as Following["status"],
    created: row.created as string,
  };
}

export class SqliteFollowingRepository implements FollowingRepository {
  constructor(private readonly database: DatabaseSync) {}

  async save(following: Following): Promise<void> {
    this.database
      .prepare(
        `INSERT INTO following (actor_iri, handle, name, inbox, follow_iri, status, created) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (actor_iri) DO UPDATE SET handle = excluded.handle, name = excluded.name, inbox = excluded.inbox,
           follow_iri = excluded.follow_iri, status = excluded.status`,
      )
      .run(following.actorIri, following.handle, following.name, following.inbox, following.followIri, following.status, following.created);
  }

  async get(actorIri: string): Promise<Following | null> {
    const row = this.database.prepare("SELECT * FROM following WHERE actor_iri = ?").get(actorIri) as Row | undefined;
    return row ? toFollowing(row) : null;
  }

  async byFollowIri(followIri: string): Promise<Following | null> {
    const row = this.database.prepare("SELECT * FROM following WHERE follow_iri = ?").get(followIri) as Row | undefined;
    return row ? toFollowing(row) : null;
  }

  async remove(actorIri: string): Promise<boolean> {
    return Number(this.database.prepare("DELETE FROM following WHERE actor_iri = ?").run(actorIri).changes) > 0;
  }

  async list(): Promise<Following[]> {
    return (this.database.prepare("SELECT * FROM following ORDER BY created, actor_iri").all() as Row[]).map(toFollowing);
  }
}

export class SqliteKeyRepository implements KeyRepository {
  constructor(private readonly database: DatabaseSync) {}

  async list(owner: string): Promise<StoredKeyPair[]> {
    const rows = this.database.prepare("SELECT * FROM keys WHERE owner = ? ORDER BY position").all(owner) as Row[];
    return rows.map((row) => ({
      owner: row.owner as string,
      algorithm: row.algorithm as StoredKeyPair["algorithm"],
      privateJwk: JSON.parse(row.private_jwk as string),
      publicJwk: JSON.parse(row.public_jwk as string),
    }));
  }

  async addIfMissing(pair: StoredKeyPair): Promise<StoredKeyPair> {
    // RSA keeps position 0 because Fedify names keys by position (#main-key first).
    const position = pair.algorithm === "RSASSA-PKCS1-v1_5" ? 0 : 1;
    this.database
      .prepare("INSERT OR IGNORE INTO keys (owner, algorithm, private_jwk, public_jwk, position) VALUES (?, ?, ?, ?, ?)")
      .run(pair.owner, pair.algorithm, JSON.stringify(pair.privateJwk), JSON.stringify(pair.publicJwk), position);
    const stored = (await this.list(pair.owner)).find((candidate) => candidate.algorithm === pair.algorithm);
    if (!stored) throw new Error(`Key of ${pair.owner} (${pair.algorithm}) was not stored`);
    return stored;
  }
}

export class SqliteRemoteActorRepository implements RemoteActorRepository {
  constructor(private readonly database: DatabaseSync) {}

  async save(actor: RemoteActor): Promise<void> {
    this.database
      .prepare(
        `INSERT INTO remote_actors (iri, handle, name, url, type, inbox, shared_inbox, fetched, icon, names, summaries) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (iri) DO UPDATE SET handle = excluded.handle, name = excluded.name, url = excluded.url, type = excluded.type,
           inbox = excluded.inbox, shared_inbox = excluded.shared_inbox, fetched = excluded.fetched, icon = excluded.icon,
           names = excluded.names, summaries = excluded.summaries`,
      )
      .run(
        actor.iri,
        actor.handle,
        actor.name,
        actor.url,
        actor.type,
        actor.inbox,
        actor.sharedInbox,
        actor.fetched,
        actor.icon ? JSON.stringify(actor.icon) : null,
        actor.names ? JSON.stringify(actor.names) : null,
        actor.summaries ? JSON.stringify(actor.summaries) : null,
      );
  }

  async byIri(iri: string): Promise<RemoteActor | null> {
    return (await this.byIris([iri])).get(iri) ?? null;
  }

  async byIris(iris: string[]): Promise<Map<string, RemoteActor>> {
    const found = new Map<string, RemoteActor>();
    if (iris.length === 0) return found;
    const statement = this.database.prepare("SELECT * FROM remote_actors WHERE iri = ?");
    for (const iri of new Set(iris)) {
      const row = statement.get(iri) as Row | undefined;
      if (!row) continue;
      found.set(iri, {
        iri: row.iri as string,
        handle: (row.handle as string | null) ?? null,
        name: (row.name as string | null) ?? null,
        url: (row.url as string | null) ?? null,
        type: row.type as string,
        inbox: (row.inbox as string | null) ?? null,
        sharedInbox: (row.shared_inbox as string | null) ?? null,
        fetched: row.fetched as string,
        icon: row.icon ? (JSON.parse(row.icon as string) as RemoteImage) : null,
        names: row.names ? (JSON.parse(row.names as string) as Record<string, string>) : {},
        summaries: row.summaries ? (JSON.parse(row.summaries as string) as Record<string, string>) : {},
      });
    }
    return found;
  }
}

export class SqliteInboundLogRepository implements InboundLogRepository {
  constructor(private readonly database: DatabaseSync) {}

  async add(entry: InboundLogEntry): Promise<void> {
    this.database
      .prepare("INSERT INTO inbound_log (received, activity_iri, type, actor_iri, outcome, reason) VALUES (?, ?, ?, ?, ?, ?)")
      .run(entry.received, entry.activityIri, entry.type, entry.actorIri, entry.outcome, entry.reason);
    // Keep the journal bounded: it is for operators and tests, not an archive.
    this.database.prepare("DELETE FROM inbound_log WHERE id <= (SELECT MAX(id) FROM inbound_log) - 5000").run();
  }

  async recent(limit: number): Promise<InboundLogEntry[]> {
    const rows = this.database.prepare("SELECT * FROM inbound_log ORDER BY id DESC LIMIT ?").all(limit) as Row[];
    return rows.map((row) => ({
      id: row.id as number,
      received: row.received as string,
      activityIri: (row.activity_iri as string | null) ?? null,
      type: row.type as string,
      actorIri: (row.actor_iri as string | null) ?? null,
      outcome: row.outcome as InboundLogEntry["outcome"],
      reason: row.reason as string,
    }));
  }
}

export class SqliteDeliveryHealthRepository implements DeliveryHealthRepository {
  constructor(private readonly database: DatabaseSync) {}

  async record(host: string, at: string, error: string | null): Promise<void> {
    this.database
      .prepare(
        `INSERT INTO delivery_health (host, delivered, failed, last_delivered, last_failed, last_error) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (host) DO UPDATE SET delivered = delivered + excluded.delivered, failed = failed + excluded.failed,
           last_delivered = COALESCE(excluded.last_delivered, last_delivered), last_failed = COALESCE(excluded.last_failed, last_failed),
           last_error = COALESCE(excluded.last_error, last_error)`,
      )
      .run(host, error === null ? 1 : 0, error === null ? 0 : 1, error === null ? at : null, error === null ? null : at, error);
  }

  async list(limit: number): Promise<DeliveryHealth[]> {
    const rows = this.database
      .prepare(
        `SELECT * FROM delivery_health
         ORDER BY (last_failed IS NOT NULL AND (last_delivered IS NULL OR last_failed > last_delivered)) DESC,
           MAX(COALESCE(last_delivered, ''), COALESCE(last_failed, '')) DESC LIMIT ?`,
      )
      .all(limit) as Row[];
    return rows.map((row) => ({
      host: row.host as string,
      delivered: row.delivered as number,
      failed: row.failed as number,
      lastDelivered: (row.last_delivered as string | null) ?? null,
      lastFailed: (row.last_failed as string | null) ?? null,
      lastError: (row.last_error as string | null) ?? null,
    }));
  }
}
