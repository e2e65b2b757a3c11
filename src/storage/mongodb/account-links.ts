import type { Collection, Db } from "mongodb";

import type { Invitation, InvitationRepository, PasswordReset, PasswordResetRepository } from "../types.ts";
import { COLLECTIONS, nextSequence } from "./database.ts";

interface InvitationDocument extends Omit<Invitation, "id"> {
  _id: number;
}

interface PasswordResetDocument extends Omit<PasswordReset, "id"> {
  _id: number;
}

function toInvitation({ _id, ...rest }: InvitationDocument): Invitation {
  return { id: _id, ...rest };
}

function toPasswordReset({ _id, ...rest }: PasswordResetDocument): PasswordReset {
  return { id: _id, ...rest };
}

export class MongoInvitationRepository implements InvitationRepository {
  private readonly invitations: Collection<InvitationDocument>;

  constructor(private readonly database: Db) {
    this.invitations = database.collection<InvitationDocument>(COLLECTIONS.invitations);
  }

  async create(invitation: Omit<Invitation, "id">): Promise<Invitation> {
    const id = await nextSequence(this.database, COLLECTIONS.invitations);
    await this.invitations.insertOne({ _id: id, ...invitation });
    return { ...invitation, id };
  }

  async byTokenHash(tokenHash: string): Promise<Invitation | null> {
    const document = await this.invitations.findOne({ tokenHash });
    return document ? toInvitation(document) : null;
  }

  async list(limit: number): Promise<Invitation[]> {
    if (limit <= 0) return [];
    return (await this.invitations.find().sort({ created: -1, _id: -1 }).limit(limit).toArray()).map(toInvitation);
  }

  async claim(id: number, now: string): Promise<boolean> {
    const result = await this.invitations.updateOne({ _id: id, used: null, revoked: null, expires: { $gt: now } }, { $set: { used: now } });
    return result.modifiedCount > 0;
  }

  async release(id: number): Promise<void> {
    await this.invitations.updateOne({ _id: id }, { $set: { used: null } });
  }

  async revoke(id: number, now: string): Promise<boolean> {
    const result = await this.invitations.updateOne({ _id: id, used: null, revoked: null }, { $set: { revoked: now } });
    return result.modifiedCount > 0;
  }
}

export class MongoPasswordResetRepository implements PasswordResetRepository {
  private readonly resets: Collection<PasswordResetDocument>;

  constructor(private readonly database: Db) {
    this.resets = database.collection<PasswordResetDocument>(COLLECTIONS.passwordResets);
  }

  async create(reset: Omit<PasswordReset, "id">): Promise<PasswordReset> {
    const id = await nextSequence(this.database, COLLECTIONS.passwordResets);
    await this.resets.insertOne({ _id: id, ...reset });
    return { ...reset, id };
  }

  async byTokenHash(tokenHash: string): Promise<PasswordReset | null> {
    const document = await this.resets.findOne({ tokenHash });
    return document ? toPasswordReset(document) : null;
  }

  async claim(id: number, now: string): Promise<boolean> {
    const result = await this.resets.updateOne({ _id: id, used: null, expires: { $gt: now } }, { $set: { used: now } });
    return result.modifiedCount > 0;
  }

  async removeUnused(accountId: number): Promise<number> {
    return (await this.resets.deleteMany({ accountId, used: null })).deletedCount;
  }
}
