import type { DatabaseSync } from "node:sqlite";

import type { Invitation, InvitationRepository, PasswordReset, PasswordResetRepository, Role } from "../types.ts";

type Row = Record<string, unknown>;

function toInvitation(row: Row): Invitation {
  return {
    id: row.id as number,
    tokenHash: row.token_hash as string,
    role: row.role as Role,
    createdBy: (row.created_by as number | null) ?? null,
    created: row.created as string,
    expires: row.expires as string,
    used: (row.used as string | null) ?? null,
    revoked: (row.revoked as string | null) ?? null,
  };
}

function toPasswordReset(row: Row): PasswordReset {
  return {
    id: row.id as number,
    tokenHash: row.token_hash as string,
    accountId: row.account_id as number,
    createdBy: (row.created_by as number | null) ?? null,
    created: row.created as string,
    expires: row.expires as string,
    used: (row.used as string | null) ?? null,
  };
}

export class SqliteInvitationRepository implements InvitationRepository {
  constructor(private readonly database: DatabaseSync) {}

  async create(invitation: Omit<Invitation, "id">): Promise<Invitation> {
    const result = this.database
      .prepare("INSERT INTO invitations (token_hash, role, created_by, created, expires, used, revoked) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(invitation.tokenHash, invitation.role, invitation.createdBy, invitation.created, invitation.expires, invitation.used, invitation.revoked);
    return { ...invitation, id: Number(result.lastInsertRowid) };
  }

  async byTokenHash(tokenHash: string): Promise<Invitation | null> {
    const row = this.database.prepare("SELECT * FROM invitations WHERE token_hash = ?").get(tokenHash) as Row | undefined;
    return row ? toInvitation(row) : null;
  }

  async list(limit: number): Promise<Invitation[]> {
    return (this.database.prepare("SELECT * FROM invitations ORDER BY created DESC, id DESC LIMIT ?").all(limit) as Row[]).map(toInvitation);
  }

  async claim(id: number, now: string): Promise<boolean> {
    const result = this.database
      .prepare("UPDATE invitations SET used = ? WHERE id = ? AND used IS NULL AND revoked IS NULL AND expires > ?")
      .run(now, id, now);
    return Number(result.changes) > 0;
  }

  async release(id: number): Promise<void> {
    this.database.prepare("UPDATE invitations SET used = NULL WHERE id = ?").run(id);
  }

  async revoke(id: number, now: string): Promise<boolean> {
    const result = this.database.prepare("UPDATE invitations SET revoked = ? WHERE id = ? AND used IS NULL AND revoked IS NULL").run(now, id);
    return Number(result.changes) > 0;
  }
}

export class SqlitePasswordResetRepository implements PasswordResetRepository {
  constructor(private readonly database: DatabaseSync) {}

  async create(reset: Omit<PasswordReset, "id">): Promise<PasswordReset> {
    const result = this.database
      .prepare("INSERT INTO password_resets (token_hash, account_id, created_by, created, expires, used) VALUES (?, ?, ?, ?, ?, ?)")
      .run(reset.tokenHash, reset.accountId, reset.createdBy, reset.created, reset.expires, reset.used);
    return { ...reset, id: Number(result.lastInsertRowid) };
  }

  async byTokenHash(tokenHash: string): Promise<PasswordReset | null> {
    const row = this.database.prepare("SELECT * FROM password_resets WHERE token_hash = ?").get(tokenHash) as Row | undefined;
    return row ? toPasswordReset(row) : null;
  }

  async claim(id: number, now: string): Promise<boolean> {
    const result = this.database.prepare("UPDATE password_resets SET used = ? WHERE id = ? AND used IS NULL AND expires > ?").run(now, id, now);
    return Number(result.changes) > 0;
  }

  async removeUnused(accountId: number): Promise<number> {
    return Number(this.database.prepare("DELETE FROM password_resets WHERE account_id = ? AND used IS NULL").run(accountId).changes);
  }
}
