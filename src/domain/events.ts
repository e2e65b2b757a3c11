import type { Practice } from "./practice.ts";
import type { Reply } from "../storage/types.ts";

/**
 * Changes the domain reports to the outside world. The federation layer implements
 * it by sending activities; a failed delivery never fails the caller.
 */
export interface DomainEvents {
  practicePublished(practice: Practice): Promise<void>;
  practiceUpdated(practice: Practice): Promise<void>;
  practiceDeleted(practice: Practice): Promise<void>;
  /** A local member replied, or a remote reply to one of our items was accepted. */
  replyAdded(reply: Reply): Promise<void>;
  /** A local reply was deleted by a moderator; the servers that received it are told. */
  replyDeleted(reply: Reply): Promise<void>;
}
