import type { DatabaseSync } from "node:sqlite";

import type { Account, AccountProfile, AccountRepository, Role, Session, SessionRepository, SettingRepository } from "../types.ts";

type Row = Record<string, unknown>;

function toAccount(row: Row): Account {
  return {
    id: row.id as number,
    username: row.username as string,
    displayName: row.display_name as string,
    passwordHash: row.password_hash as string,
    role: row.role as Role,
    bio: row.bio as string,
    created: row.created as string,
    affiliation: (row.affiliation as string | null) ?? "",
    languages: JSON.parse((row.languages as string | null) ?? "[]") as string[],
    bioLanguage: (row.bio_language as string | null) ?? null,
  };
}

export class SqliteAccountRepository implements AccountRepository {
  constructor(private readonly database: DatabaseSync) {}

  async create(account: Omit<Account, "id" | "created">): Promise<Account> {
    const created = new Date().toISOString();
    const result = this.database
      .prepare("INSERT INTO accounts (username, display_name, password_hash, role, bio, created) VALUES (?, ?, ?, ?, ?, ?)")
      .run(account.username, account.displayName, account.passwordHash, account.role, account.bio, created);
    return { ...account, id: Number(result.lastInsertRowid), created };
  }

  async byId(id: number): Promise<Account | null> {
    const row = this.database.prepare("SELECT * FROM accounts WHERE id = ?").get(id) as Row | undefined;
    return row ? toAccount(row) : null;
  }

  async byUsername(username: string): Promise<Account | null> {
    const row = this.database.prepare("SELECT * FROM accounts WHERE username = ?").get(username) as Row | undefined;
    return row ? toAccount(row) : null;
  }

  async list(): Promise<Account[]> {
    return (this.database.prepare("SELECT * FROM accounts ORDER BY username").all() as Row[]).map(toAccount);
  }

  async count(): Promise<number> {
    return (this.database.prepare("SELECT COUNT(*) AS n FROM accounts").get() as Row).n as number;
  }

  async updateProfile(id: number, profile: AccountProfile): Promise<void> {
    this.database
      .prepare("UPDATE accounts SET display_name = ?, bio = ?, bio_language = ?, affiliation = ?, languages = ? WHERE id = ?")
      .run(profile.displayName, profile.bio, profile.bioLanguage, profile.affiliation, JSON.stringify(profile.languages), id);
  }

  async updatePassword(id: number, passwordHash: string): Promise<void> {
    this.database.prepare("UPDATE accounts SET password_hash = ? WHERE id = ?").run(passwordHash, id);
  }

  async updateRole(id: number, role: Role): Promise<boolean> {
    // One statement, so two admins demoting each other at once cannot both pass the check.
    const result = this.database
      .prepare(
        `UPDATE accounts SET role = ?
         WHERE id = ? AND (? = 'admin' OR role != 'admin' OR EXISTS (SELECT 1 FROM accounts WHERE role = 'admin' AND id != ?))`,
      )
      .run(role, id, role, id);
    return Number(result.changes) > 0;
  }
}

export class SqliteSessionRepository implements SessionRepository {
  constructor(private readonly database: DatabaseSync) {}

  async create(session: Session): Promise<void> {
    this.database
      .prepare("INSERT INTO sessions (id, account_id, created, expires) VALUES (?, ?, ?, ?)")
      .run(session.id, session.accountId, session.created, session.expires);
  }

  async get(id: string): Promise<Session | null> {
    const row = this.database.prepare("SELECT * FROM sessions WHERE id = ?").get(id) as Row | undefined;
    if (!row) return null;
    return { id: row.id as string, accountId: row.account_id as number, created: row.created as string, expires: row.expires as string };
  }

  async remove(id: string): Promise<void> {
    this.database.prepare("DELETE FROM sessions WHERE id = ?").run(id);
  }

  async removeExpired(now: string): Promise<number> {
    return Number(this.database.prepare("DELETE FROM sessions WHERE expires <= ?").run(now).changes);
  }

  async removeForAccount(accountId: number): Promise<number> {
    return Number(this.database.prepare("DELETE FROM sessions WHERE account_id = ?").run(accountId).changes);
  }
}

export class SqliteSettingRepository implements SettingRepository {
  constructor(private readonly database: DatabaseSync) {}

  async get(key: string): Promise<string | null> {
    const row = this.database.prepare("SELECT value FROM settings WHERE key = ?").get(key) as Row | undefined;
    return row ? (row.value as string) : null;
  }

  async set(key: string, value: string): Promise<void> {
    this.database.prepare("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(key, value);
  }
}
