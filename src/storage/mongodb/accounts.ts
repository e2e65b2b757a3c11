import type { Collection, Db } from "mongodb";

import type { Account, AccountProfile, AccountRepository, Role, Session, SessionRepository, SettingRepository } from "../types.ts";
import { COLLECTIONS, nextSequence } from "./database.ts";

interface AccountDocument extends Omit<Account, "id"> {
  _id: number;
  /** Lookup copy of the username, folded like SQLite's COLLATE NOCASE. */
  usernameLower: string;
}

interface SessionDocument extends Omit<Session, "id"> {
  _id: string;
}

interface SettingDocument {
  _id: string;
  value: string;
}

/** Folds A-Z only, as SQLite's NOCASE collation does, so both adapters match the same usernames. */
function foldUsername(username: string): string {
  return username.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

function toAccount(document: AccountDocument): Account {
  return {
    id: document._id,
    username: document.username,
    displayName: document.displayName,
    passwordHash: document.passwordHash,
    role: document.role,
    bio: document.bio,
    created: document.created,
    affiliation: document.affiliation ?? "",
    languages: document.languages ?? [],
    bioLanguage: document.bioLanguage ?? null,
  };
}

export class MongoAccountRepository implements AccountRepository {
  private readonly accounts: Collection<AccountDocument>;

  constructor(private readonly database: Db) {
    this.accounts = database.collection<AccountDocument>(COLLECTIONS.accounts);
  }

  async create(account: Omit<Account, "id" | "created">): Promise<Account> {
    const created = new Date().toISOString();
    const id = await nextSequence(this.database, COLLECTIONS.accounts);
    await this.accounts.insertOne({
      _id: id,
      username: account.username,
      usernameLower: foldUsername(account.username),
      displayName: account.displayName,
      passwordHash: account.passwordHash,
      role: account.role,
      bio: account.bio,
      created,
    });
    return { ...account, id, created };
  }

  async byId(id: number): Promise<Account | null> {
    const document = await this.accounts.findOne({ _id: id });
    return document ? toAccount(document) : null;
  }

  async byUsername(username: string): Promise<Account | null> {
    const document = await this.accounts.findOne({ usernameLower: foldUsername(username) });
    return document ? toAccount(document) : null;
  }

  async list(): Promise<Account[]> {
    // SQLite sorts the NOCASE column case-insensitively.
    return (await this.accounts.find().sort({ usernameLower: 1 }).toArray()).map(toAccount);
  }

  async count(): Promise<number> {
    return this.accounts.countDocuments();
  }

  async updateProfile(id: number, profile: AccountProfile): Promise<void> {
    await this.accounts.updateOne({ _id: id }, { $set: { ...profile } });
  }

  async updatePassword(id: number, passwordHash: string): Promise<void> {
    await this.accounts.updateOne({ _id: id }, { $set: { passwordHash } });
  }

  async updateRole(id: number, role: Role): Promise<boolean> {
    // NOTE: unlike SQLite's single statement, the count and the update are two steps, so two admins
    // demoting each other at the same moment can both succeed. A transaction would close this, but
    // needs a replica set.
    const otherAdmins = await this.accounts.countDocuments({ role: "admin", _id: { $ne: id } }, { limit: 1 });
    const filter = role === "admin" || otherAdmins > 0 ? { _id: id } : { _id: id, role: { $ne: "admin" as const } };
    return (await this.accounts.updateOne(filter, { $set: { role } })).matchedCount > 0;
  }
}

export class MongoSessionRepository implements SessionRepository {
  private readonly sessions: Collection<SessionDocument>;
  private readonly accounts: Collection<AccountDocument>;

  constructor(database: Db) {
    this.sessions = database.collection<SessionDocument>(COLLECTIONS.sessions);
    this.accounts = database.collection<AccountDocument>(COLLECTIONS.accounts);
  }

  async create(session: Session): Promise<void> {
    // SQLite enforces this with a foreign key, which MongoDB lacks.
    if ((await this.accounts.countDocuments({ _id: session.accountId }, { limit: 1 })) === 0) {
      throw new Error(`Failed to create session: account ${session.accountId} not found`);
    }
    await this.sessions.insertOne({ _id: session.id, accountId: session.accountId, created: session.created, expires: session.expires });
  }

  async get(id: string): Promise<Session | null> {
    const document = await this.sessions.findOne({ _id: id });
    if (!document) return null;
    return { id: document._id, accountId: document.accountId, created: document.created, expires: document.expires };
  }

  async remove(id: string): Promise<void> {
    await this.sessions.deleteOne({ _id: id });
  }

  async removeExpired(now: string): Promise<number> {
    return (await this.sessions.deleteMany({ expires: { $lte: now } })).deletedCount;
  }

  async removeForAccount(accountId: number): Promise<number> {
    return (await this.sessions.deleteMany({ accountId })).deletedCount;
  }
}

export class MongoSettingRepository implements SettingRepository {
  private readonly settings: Collection<SettingDocument>;

  constructor(database: Db) {
    this.settings = database.collection<SettingDocument>(COLLECTIONS.settings);
  }

  async get(key: string): Promise<string | null> {
    const document = await this.settings.findOne({ _id: key });
    return document ? document.value : null;
  }

  async set(key: string, value: string): Promise<void> {
    await this.settings.updateOne({ _id: key }, { $set: { value } }, { upsert: true });
  }
}
