/**
 * MongoDB storage adapter: the same repositories as the SQLite adapter, one
 * collection per SQLite table, with dates kept as ISO 8601 strings.
 *
 * NOTE: only type-checked so far, never run against a MongoDB server.
 * test/storage.test.ts runs it when MONGODB_URL is set.
 */
import { MongoClient } from "mongodb";

import type { Store } from "../types.ts";
import { MongoInvitationRepository, MongoPasswordResetRepository } from "./account-links.ts";
import { MongoAccountRepository, MongoSessionRepository, MongoSettingRepository } from "./accounts.ts";
import { MongoPracticeRepository, MongoReactionRepository, MongoReplyRepository } from "./content.ts";
import { createIndexes } from "./database.ts";
import { MongoConsultationRepository } from "./consultations.ts";
import { MongoLearningRepository } from "./learning.ts";
import {
  MongoDeliveryHealthRepository,
  MongoFollowerRepository,
  MongoFollowingRepository,
  MongoInboundLogRepository,
  MongoKeyRepository,
  MongoRemoteActorRepository,
} from "./federation.ts";
import { MongoModerationRepository, MongoReviewRepository } from "./moderation.ts";
import { MongoResourceRepository } from "./resources.ts";
import { createSearchIndexes, MongoSearchRepository } from "./search.ts";

/** Database used when neither the caller nor the connection string names one. */
const DEFAULT_DATABASE_NAME = "minga";

/**
 * Resolves the database the adapter uses: `databaseName`, else the one in the
 * path of a connection string such as
 * `mongodb://user:password@host1,host2/minga?replicaSet=rs0`, else "minga".
 * The driver itself would fall back to "test". The WHATWG URL parser rejects
 * the multi-host form, hence the pattern.
 */
export function mongoDatabaseName(url: string, databaseName?: string): string {
  if (databaseName) return databaseName;
  const match = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]+)/.exec(url);
  return match ? decodeURIComponent(match[1]) : DEFAULT_DATABASE_NAME;
}

/**
 * Connects to MongoDB, creates the indexes the repositories rely on and
 * builds the store. Closing the store closes the client. The database is
 * chosen by mongoDatabaseName().
 */
export async function createMongoStore(url: string, databaseName?: string): Promise<Store> {
  const client = new MongoClient(url);
  try {
    await client.connect();
    const database = client.db(mongoDatabaseName(url, databaseName));
    await createIndexes(database);
    await createSearchIndexes(database);
    return {
      practices: new MongoPracticeRepository(database),
      replies: new MongoReplyRepository(database),
      reactions: new MongoReactionRepository(database),
      followers: new MongoFollowerRepository(database),
      following: new MongoFollowingRepository(database),
      accounts: new MongoAccountRepository(database),
      sessions: new MongoSessionRepository(database),
      keys: new MongoKeyRepository(database),
      settings: new MongoSettingRepository(database),
      remoteActors: new MongoRemoteActorRepository(database),
      inboundLog: new MongoInboundLogRepository(database),
      moderation: new MongoModerationRepository(database),
      deliveries: new MongoDeliveryHealthRepository(database),
      reviews: new MongoReviewRepository(database),
      invitations: new MongoInvitationRepository(database),
      passwordResets: new MongoPasswordResetRepository(database),
      learning: new MongoLearningRepository(database),
      resources: new MongoResourceRepository(database),
      consultations: new MongoConsultationRepository(database),
      search: new MongoSearchRepository(database),
      async close() {
        await client.close();
      },
    };
  } catch (error) {
    await client.close();
    throw error;
  }
}
