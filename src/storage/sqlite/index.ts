import type { DatabaseSync } from "node:sqlite";

import type { Store } from "../types.ts";
import { SqliteInvitationRepository, SqlitePasswordResetRepository } from "./account-links.ts";
import { SqliteAccountRepository, SqliteSessionRepository, SqliteSettingRepository } from "./accounts.ts";
import { SqlitePracticeRepository, SqliteReactionRepository, SqliteReplyRepository } from "./content.ts";
import { SqliteConsultationRepository } from "./consultations.ts";
import { openDatabase } from "./database.ts";
import { SqliteLearningRepository } from "./learning.ts";
import {
  SqliteFollowerRepository,
  SqliteFollowingRepository,
  SqliteDeliveryHealthRepository,
  SqliteInboundLogRepository,
  SqliteKeyRepository,
  SqliteRemoteActorRepository,
} from "./federation.ts";
import { SqliteModerationRepository, SqliteReviewRepository } from "./moderation.ts";
import { SqliteResourceRepository } from "./resources.ts";
import { SqliteSearchRepository } from "./search.ts";

export { openDatabase };

/** Builds the store over an open database; closing the store closes the database. */
export function createSqliteStore(database: DatabaseSync): Store {
  return {
    practices: new SqlitePracticeRepository(database),
    replies: new SqliteReplyRepository(database),
    reactions: new SqliteReactionRepository(database),
    followers: new SqliteFollowerRepository(database),
    following: new SqliteFollowingRepository(database),
    accounts: new SqliteAccountRepository(database),
    sessions: new SqliteSessionRepository(database),
    keys: new SqliteKeyRepository(database),
    settings: new SqliteSettingRepository(database),
    remoteActors: new SqliteRemoteActorRepository(database),
    inboundLog: new SqliteInboundLogRepository(database),
    moderation: new SqliteModerationRepository(database),
    deliveries: new SqliteDeliveryHealthRepository(database),
    reviews: new SqliteReviewRepository(database),
    invitations: new SqliteInvitationRepository(database),
    passwordResets: new SqlitePasswordResetRepository(database),
    learning: new SqliteLearningRepository(database),
    resources: new SqliteResourceRepository(database),
    consultations: new SqliteConsultationRepository(database),
    search: new SqliteSearchRepository(database),
    async close() {
      if (database.isOpen) database.close();
    },
  };
}
