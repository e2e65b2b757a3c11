/**
 * Storage interfaces. The SQLite adapter implements them for the embedded
 * database; a MongoDB adapter implements the same ones, so domain, web and
 * federation code never see which database runs underneath.
 */
import type { Consultation, ConsultationState } from "../domain/consultation.ts";
import type { LearningOpportunity } from "../domain/learning.ts";
import type { Practice } from "../domain/practice.ts";
import type { LibraryKind, Resource } from "../domain/resource.ts";

/**
 * What an account may do: admins run the instance and its federation,
 * editors create, edit and delete practices, reviewers edit and translate
 * existing ones, members reply in discussions.
 */
export type Role = "admin" | "editor" | "reviewer" | "member";
export const ROLES: Role[] = ["admin", "editor", "reviewer", "member"];

export interface Account {
  id: number;
  username: string;
  displayName: string;
  passwordHash: string;
  role: Role;
  bio: string;
  created: string;
  /** The organization or team the member works for, as they wrote it; absent means none. */
  affiliation?: string;
  /** Languages the member works in, as language codes. */
  languages?: string[];
  /** Language the biography is written in (en, fr or es); absent when unknown. */
  bioLanguage?: string | null;
}

/** Profile fields a member may change about themselves. */
export interface AccountProfile {
  displayName: string;
  bio: string;
  bioLanguage: string | null;
  affiliation: string;
  languages: string[];
}

export interface Session {
  id: string;
  accountId: number;
  created: string;
  expires: string;
}

/** A key pair as JSON Web Keys, stored once per actor and never reordered. */
export interface StoredKeyPair {
  owner: string;
  algorithm: "RSASSA-PKCS1-v1_5" | "Ed25519";
  privateJwk: JsonWebKey;
  publicJwk: JsonWebKey;
}

/** A remote actor that follows one of our actors. */
export interface Follower {
  /** Identifier of our actor being followed (the organization handle or a member's username). */
  target: string;
  actorIri: string;
  inbox: string;
  sharedInbox: string | null;
  handle: string | null;
  name: string | null;
  followIri: string;
  status: "pending" | "accepted";
  created: string;
}

/** A remote actor our organization follows. */
export interface Following {
  actorIri: string;
  handle: string;
  name: string | null;
  inbox: string;
  followIri: string;
  status: "pending" | "accepted" | "rejected";
  created: string;
}

export interface Reply {
  iri: string;
  /** The item the discussion belongs to. */
  rootIri: string;
  inReplyTo: string;
  authorIri: string;
  /** Local author's account, or null for a remote author. */
  authorAccountId: number | null;
  /** Sanitized HTML. */
  contentHtml: string;
  language: string | null;
  url: string | null;
  published: string;
  updated: string | null;
  deleted: string | null;
  local: boolean;
  /** Why the reply is hidden from readers ("moderator", "domain:HOST", "actor:IRI"), or null when shown. */
  hidden: string | null;
  /** Pictures and other media of a remote reply; absent or empty when it has none. */
  attachments?: ReplyAttachment[];
}

/** A picture or other media attached to a remote reply, as its author described it. */
export interface ReplyAttachment {
  /** Address at which the sender serves it. */
  url: string;
  kind: "image" | "video" | "audio" | "file";
  mediaType: string | null;
  /** The author's description (alt text), or null when they gave none; never made up. */
  description: string | null;
  width: number | null;
  height: number | null;
  /** Name of this instance's copy under DATA_DIR/files, once an image was fetched and checked; null until then and for other kinds. */
  file: string | null;
  /** Reason no copy of an image is kept, once fetching it failed. */
  failure: string | null;
}

export type ReactionType = "like" | "announce";

export interface Reaction {
  activityIri: string;
  type: ReactionType;
  actorIri: string;
  objectIri: string;
  created: string;
}

/** What we know of a remote actor, for display. */
export interface RemoteActor {
  iri: string;
  handle: string | null;
  name: string | null;
  url: string | null;
  type: string;
  inbox: string | null;
  sharedInbox: string | null;
  fetched: string;
  /** The actor's picture (an organization's logo, a person's avatar) and this instance's copy of it; absent or null when it has none. */
  icon?: RemoteImage | null;
  /** The actor's name by language code, from `nameMap`; `name` is the one without a language tag. */
  names?: Record<string, string>;
  /** The actor's summary as plain text by language code, from `summaryMap`, or from an untagged `summary` under "und". */
  summaries?: Record<string, string>;
}

/** An image on another server and what became of this instance's copy. */
export interface RemoteImage {
  url: string;
  /** Name of the copy under DATA_DIR/files, once fetched and checked. */
  file: string | null;
  /** Reason no copy is kept, once fetching failed. */
  failure: string | null;
}

export type InboundOutcome = "accepted" | "rejected" | "ignored";

/** One activity received in an inbox and what became of it. */
export interface InboundLogEntry {
  id?: number;
  received: string;
  activityIri: string | null;
  type: string;
  actorIri: string | null;
  outcome: InboundOutcome;
  reason: string;
}

export interface PracticeQuery {
  theme?: string;
  local?: boolean;
  includeDrafts?: boolean;
  /** Include library copies hidden by moderation. */
  includeHidden?: boolean;
  /** Only items written by this local account. */
  authorAccountId?: number;
  limit: number;
  offset: number;
}

export interface PracticeRepository {
  /** Inserts or replaces by iri. */
  save(practice: Practice): Promise<void>;
  /** Inserts a new practice; returns false, changing nothing, when its iri or slug is already taken. */
  insertNew(practice: Practice): Promise<boolean>;
  byIri(iri: string): Promise<Practice | null>;
  bySlug(slug: string): Promise<Practice | null>;
  slugExists(slug: string): Promise<boolean>;
  list(query: PracticeQuery): Promise<{ items: Practice[]; total: number }>;
  /** Published local practices, newest first, for the outbox. */
  listPublishedLocal(limit: number, offset: number): Promise<{ items: Practice[]; total: number }>;
  /** Removes remote copies that came from one partner; returns how many. */
  deleteFromSource(sourceActor: string): Promise<number>;
  /** How many copies from one partner are stored, as deleteFromSource would remove them. */
  countFromSource(sourceActor: string): Promise<number>;
  /** Removes a remote copy entirely. */
  remove(iri: string): Promise<void>;
  /** Distinct partners whose copies are stored. */
  sourceActors(): Promise<string[]>;
  /** How many published, shown library copies each partner has here. */
  countBySource(): Promise<Map<string, number>>;
  /** Hides or shows again every copy from one partner; hidden copies leave listings and pages. */
  setHiddenForSource(sourceActor: string, hidden: string | null): Promise<number>;
  /** Shows again every copy hidden for the given reason. */
  unhideByReason(hidden: string): Promise<number>;
}

export interface ReplyRepository {
  save(reply: Reply): Promise<void>;
  byIri(iri: string): Promise<Reply | null>;
  /** Replies of a discussion in publishing order, deleted ones included so threads keep their shape. */
  listForRoot(rootIri: string): Promise<Reply[]>;
  countForRoot(rootIri: string): Promise<number>;
  /** Replies an actor wrote that are not deleted. */
  countByAuthor(authorIri: string): Promise<number>;
  /** Distinct authors of remote replies. */
  remoteAuthors(): Promise<string[]>;
  setHidden(iri: string, hidden: string | null): Promise<void>;
  /** Hides every reply of one author that is not already hidden for another reason; returns how many. */
  hideByAuthor(authorIri: string, hidden: string): Promise<number>;
  /** Shows again every reply hidden for the given reason. */
  unhideByReason(hidden: string): Promise<number>;
}

export interface ReactionRepository {
  /** Returns false when the activity was already counted. */
  add(reaction: Reaction): Promise<boolean>;
  byActivity(activityIri: string): Promise<Reaction | null>;
  /** Removes the reaction of one actor to one object. */
  remove(type: ReactionType, actorIri: string, objectIri: string): Promise<boolean>;
  count(objectIri: string): Promise<Record<ReactionType, number>>;
}

export interface FollowerRepository {
  save(follower: Follower): Promise<void>;
  get(target: string, actorIri: string): Promise<Follower | null>;
  remove(target: string, actorIri: string): Promise<boolean>;
  removeActorEverywhere(actorIri: string): Promise<number>;
  list(target: string, status: Follower["status"] | null, limit: number, offset: number): Promise<{ items: Follower[]; total: number }>;
}

export interface FollowingRepository {
  save(following: Following): Promise<void>;
  get(actorIri: string): Promise<Following | null>;
  byFollowIri(followIri: string): Promise<Following | null>;
  remove(actorIri: string): Promise<boolean>;
  list(): Promise<Following[]>;
}

export interface AccountRepository {
  create(account: Omit<Account, "id" | "created">): Promise<Account>;
  byId(id: number): Promise<Account | null>;
  byUsername(username: string): Promise<Account | null>;
  list(): Promise<Account[]>;
  count(): Promise<number>;
  updatePassword(id: number, passwordHash: string): Promise<void>;
  /** Changes an account's role; returns false, changing nothing, when the change would leave the instance without an admin. */
  updateRole(id: number, role: Role): Promise<boolean>;
  updateProfile(id: number, profile: AccountProfile): Promise<void>;
}

export interface SessionRepository {
  create(session: Session): Promise<void>;
  get(id: string): Promise<Session | null>;
  remove(id: string): Promise<void>;
  removeExpired(now: string): Promise<number>;
  /** Signs an account out everywhere; returns how many sessions were removed. */
  removeForAccount(accountId: number): Promise<number>;
}

export interface KeyRepository {
  list(owner: string): Promise<StoredKeyPair[]>;
  /** Adds a key pair unless the owner already has one of that algorithm; returns what is stored. */
  addIfMissing(pair: StoredKeyPair): Promise<StoredKeyPair>;
}

export interface SettingRepository {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
}

export interface RemoteActorRepository {
  save(actor: RemoteActor): Promise<void>;
  byIri(iri: string): Promise<RemoteActor | null>;
  byIris(iris: string[]): Promise<Map<string, RemoteActor>>;
}

export interface InboundLogRepository {
  add(entry: InboundLogEntry): Promise<void>;
  recent(limit: number): Promise<InboundLogEntry[]>;
}

/** A rule about a remote domain: refused entirely, or allowed when the instance federates only with listed domains. */
export interface DomainRule {
  /** Lower-case host name, with a port only when the rule is for one port (as on loopback). */
  domain: string;
  kind: "block" | "allow";
  reason: string;
  /** For blocks: whether the domain's stored replies and library copies are hidden. */
  hideContent: boolean;
  created: string;
  createdBy: string;
}

/** A remote account whose activities are refused. */
export interface ActorBlock {
  actorIri: string;
  reason: string;
  created: string;
  createdBy: string;
}

/** A report about replies, items or accounts: from a member here, or a Flag from another server. */
export interface Report {
  id: number;
  created: string;
  origin: "local" | "remote";
  reporterAccountId: number | null;
  /** The remote actor that sent the Flag; servers often send it as their instance actor. */
  reporterActor: string | null;
  flagIri: string | null;
  /** The reported objects: replies, items, accounts. */
  objectIris: string[];
  comment: string;
  status: "open" | "resolved";
  resolved: string | null;
  resolvedBy: string | null;
  /** When the report was sent on as a Flag to the reported reply's server. */
  forwarded: string | null;
}

/** One moderation or administration action: who did what to what, and when. */
export interface AuditEntry {
  id?: number;
  at: string;
  /** Username of the account that acted, or "system". */
  actor: string;
  action: string;
  target: string;
  detail: string;
}

export interface ModerationRepository {
  saveDomainRule(rule: DomainRule): Promise<void>;
  removeDomainRule(domain: string): Promise<boolean>;
  domainRules(): Promise<DomainRule[]>;
  saveActorBlock(block: ActorBlock): Promise<void>;
  removeActorBlock(actorIri: string): Promise<boolean>;
  actorBlock(actorIri: string): Promise<ActorBlock | null>;
  actorBlocks(): Promise<ActorBlock[]>;
  /** Adds a report; returns null, changing nothing, when a report with the same Flag id exists. */
  addReport(report: Omit<Report, "id">): Promise<Report | null>;
  report(id: number): Promise<Report | null>;
  reports(status: Report["status"] | null, limit: number): Promise<Report[]>;
  updateReport(report: Report): Promise<void>;
  audit(entry: AuditEntry): Promise<void>;
  auditLog(limit: number, offset: number): Promise<{ items: AuditEntry[]; total: number }>;
}

/**
 * A single-use link that lets someone create an account with a role chosen
 * by an admin. Only the SHA-256 hash of the link's token is stored.
 */
export interface Invitation {
  id: number;
  tokenHash: string;
  role: Role;
  /** The admin who issued it, or null once that account is gone. */
  createdBy: number | null;
  created: string;
  expires: string;
  /** When an account was created with it. */
  used: string | null;
  revoked: string | null;
}

export interface InvitationRepository {
  create(invitation: Omit<Invitation, "id">): Promise<Invitation>;
  byTokenHash(tokenHash: string): Promise<Invitation | null>;
  /** Newest first. */
  list(limit: number): Promise<Invitation[]>;
  /** Marks an invitation used; returns false, changing nothing, unless it was unused, unrevoked and unexpired at `now`. */
  claim(id: number, now: string): Promise<boolean>;
  /** Makes a claimed invitation usable again, when the account it was claimed for could not be created. */
  release(id: number): Promise<void>;
  /** Returns false, changing nothing, when the invitation is missing, used or already revoked. */
  revoke(id: number, now: string): Promise<boolean>;
}

/** A single-use link, issued by an admin, that sets a new password for one account. Only the token's SHA-256 hash is stored. */
export interface PasswordReset {
  id: number;
  tokenHash: string;
  accountId: number;
  createdBy: number | null;
  created: string;
  expires: string;
  used: string | null;
}

export interface PasswordResetRepository {
  create(reset: Omit<PasswordReset, "id">): Promise<PasswordReset>;
  byTokenHash(tokenHash: string): Promise<PasswordReset | null>;
  /** Marks a link used; returns false, changing nothing, unless it was unused and unexpired at `now`. */
  claim(id: number, now: string): Promise<boolean>;
  /** Removes an account's links that were never used, so that only the newest one works; returns how many. */
  removeUnused(accountId: number): Promise<number>;
}

/** Delivery counts and last failure for one remote server, for the admin's delivery health table. */
export interface DeliveryHealth {
  host: string;
  delivered: number;
  failed: number;
  lastDelivered: string | null;
  lastFailed: string | null;
  /** The last failure's reason, such as "HTTP 503" or "connection refused". */
  lastError: string | null;
}

export interface DeliveryHealthRepository {
  /** Counts one delivery attempt to a server: delivered when `error` is null, failed otherwise. */
  record(host: string, at: string, error: string | null): Promise<void>;
  /** Servers with failures first, then by most recent activity. */
  list(limit: number): Promise<DeliveryHealth[]>;
}

export interface ResourceQuery {
  theme?: string;
  /** Only recordings (video and audio), or only the other resources. */
  media?: boolean;
  local?: boolean;
  includeDrafts?: boolean;
  /** Include partner copies hidden by moderation. */
  includeHidden?: boolean;
  /** Only items written by this local account. */
  authorAccountId?: number;
  limit: number;
  offset: number;
}

/** Resources, stored like practices: local items and partner copies, deleted ones kept as tombstones. */
export interface ResourceRepository {
  /** Inserts or replaces by iri. */
  save(resource: Resource): Promise<void>;
  /** Inserts a new resource; returns false, changing nothing, when its iri or slug is already taken. */
  insertNew(resource: Resource): Promise<boolean>;
  byIri(iri: string): Promise<Resource | null>;
  bySlug(slug: string): Promise<Resource | null>;
  slugExists(slug: string): Promise<boolean>;
  /** Local resources, deleted ones included, whose main file or one of whose caption tracks is stored at `href` (`/files/<name>`). */
  usingFile(href: string): Promise<Resource[]>;
  /** Newest first, by publication or else last change. */
  list(query: ResourceQuery): Promise<{ items: Resource[]; total: number }>;
  /** Removes partner copies that came from one partner; returns how many. */
  deleteFromSource(sourceActor: string): Promise<number>;
  /** How many copies from one partner are stored, as deleteFromSource would remove them. */
  countFromSource(sourceActor: string): Promise<number>;
  /** Removes a partner copy entirely. */
  remove(iri: string): Promise<void>;
  sourceActors(): Promise<string[]>;
  /** How many published, shown, undeleted partner copies each partner has here. */
  countBySource(): Promise<Map<string, number>>;
  setHiddenForSource(sourceActor: string, hidden: string | null): Promise<number>;
  unhideByReason(hidden: string): Promise<number>;
}

/** A full-text search of the library: published, shown, undeleted practices and resources, local and partner copies. */
export interface LibrarySearchQuery {
  /** Words that must all occur in an item's title, summary or body, in any of its languages; the last one may be a prefix. */
  terms: string[];
  kind: LibraryKind | null;
  theme?: string;
  limit: number;
  offset: number;
}

/** One library item found by a search. */
export type LibraryHit = { kind: "practice"; item: Practice } | { kind: "resource"; item: Resource };

export interface SearchRepository {
  /** Items matching every term, most relevant first (title above summary above body), then newest first. */
  library(query: LibrarySearchQuery): Promise<{ hits: LibraryHit[]; total: number }>;
}

/** One step in an item's review: who moved it, from which status to which, and what they wrote. */
export interface ReviewEntry {
  id?: number;
  itemIri: string;
  accountId: number | null;
  action: string;
  fromStatus: string;
  toStatus: string;
  comment: string;
  created: string;
}

export interface ReviewRepository {
  add(entry: ReviewEntry): Promise<void>;
  /** An item's history, oldest first. */
  forItem(itemIri: string): Promise<ReviewEntry[]>;
}

/** Everything an instance stores. */
export interface Store {
  practices: PracticeRepository;
  replies: ReplyRepository;
  reactions: ReactionRepository;
  followers: FollowerRepository;
  following: FollowingRepository;
  accounts: AccountRepository;
  sessions: SessionRepository;
  keys: KeyRepository;
  settings: SettingRepository;
  remoteActors: RemoteActorRepository;
  inboundLog: InboundLogRepository;
  moderation: ModerationRepository;
  deliveries: DeliveryHealthRepository;
  reviews: ReviewRepository;
  invitations: InvitationRepository;
  passwordResets: PasswordResetRepository;
  learning: LearningRepository;
  resources: ResourceRepository;
  consultations: ConsultationRepository;
  search: SearchRepository;
  close(): Promise<void>;
}

/** Which learning opportunities a calendar lists, relative to `now` (an ISO 8601 instant). */
export interface LearningQuery {
  /** Upcoming ones have not ended yet and come soonest first; past ones come most recent first. */
  when: "upcoming" | "past";
  now: string;
  local?: boolean;
  /** Include partner copies hidden by moderation. */
  includeHidden?: boolean;
  limit: number;
  offset: number;
}

/** Learning opportunities: local ones, deleted ones kept as tombstones, and partner copies. */
export interface LearningRepository {
  /** Inserts or replaces by iri; the moderation marker `hidden` is kept. */
  save(item: LearningOpportunity): Promise<void>;
  /** Inserts a new item; returns false, changing nothing, when its iri or slug is already taken. */
  insertNew(item: LearningOpportunity): Promise<boolean>;
  byIri(iri: string): Promise<LearningOpportunity | null>;
  bySlug(slug: string): Promise<LearningOpportunity | null>;
  slugExists(slug: string): Promise<boolean>;
  /** Items that are not deleted, for the calendar. */
  list(query: LearningQuery): Promise<{ items: LearningOpportunity[]; total: number }>;
  /** Local items that are not deleted, most recently published first, for the outbox. */
  listPublishedLocal(limit: number, offset: number): Promise<{ items: LearningOpportunity[]; total: number }>;
  /** Removes partner copies that came from one partner; returns how many. */
  deleteFromSource(sourceActor: string): Promise<number>;
  /** How many copies from one partner are stored, as deleteFromSource would remove them. */
  countFromSource(sourceActor: string): Promise<number>;
  /** Removes a partner copy entirely. */
  remove(iri: string): Promise<void>;
  /** Distinct partners whose copies are stored. */
  sourceActors(): Promise<string[]>;
  /** How many published, shown, undeleted partner copies each partner has here. */
  countBySource(): Promise<Map<string, number>>;
  /** Hides or shows again every copy from one partner; hidden copies leave the calendar and their pages. */
  setHiddenForSource(sourceActor: string, hidden: string | null): Promise<number>;
  /** Shows again every copy hidden for the given reason. */
  unhideByReason(hidden: string): Promise<number>;
}

/** Which consultations a list shows, by their state at `now` (an ISO 8601 instant). */
export interface ConsultationQuery {
  /** Open and upcoming ones come soonest closing or opening first; closed ones most recently closed first. */
  state: ConsultationState;
  now: string;
  /** Include partner copies hidden by moderation. */
  includeHidden?: boolean;
  limit: number;
  offset: number;
}

/** Consultations: local ones, deleted ones kept as tombstones, and partner copies. */
export interface ConsultationRepository {
  /** Inserts or replaces by iri; the moderation marker `hidden` is kept. */
  save(item: Consultation): Promise<void>;
  /** Inserts a new item; returns false, changing nothing, when its iri or slug is already taken. */
  insertNew(item: Consultation): Promise<boolean>;
  /** Records that the closing was announced, unless it already was; returns false when another request did it first. */
  markClosingAnnounced(iri: string, announced: string, updated: string): Promise<boolean>;
  byIri(iri: string): Promise<Consultation | null>;
  bySlug(slug: string): Promise<Consultation | null>;
  slugExists(slug: string): Promise<boolean>;
  /** Items that are not deleted, in one state. */
  list(query: ConsultationQuery): Promise<{ items: Consultation[]; total: number }>;
  /** Local items that are not deleted, most recently published first, for the outbox. */
  listPublishedLocal(limit: number, offset: number): Promise<{ items: Consultation[]; total: number }>;
  /** Local items, not deleted, that closed at or before `now` (an ISO 8601 instant) and whose closing is not announced yet; soonest closed first. */
  listClosingDue(now: string, limit: number): Promise<Consultation[]>;
  /** Removes partner copies that came from one partner; returns how many. */
  deleteFromSource(sourceActor: string): Promise<number>;
  /** How many copies from one partner are stored, as deleteFromSource would remove them. */
  countFromSource(sourceActor: string): Promise<number>;
  /** Removes a partner copy entirely. */
  remove(iri: string): Promise<void>;
  /** Distinct partners whose copies are stored. */
  sourceActors(): Promise<string[]>;
  /** How many published, shown, undeleted partner copies each partner has here. */
  countBySource(): Promise<Map<string, number>>;
  /** Hides or shows again every copy from one partner; hidden copies leave the list and their pages. */
  setHiddenForSource(sourceActor: string, hidden: string | null): Promise<number>;
  /** Shows again every copy hidden for the given reason. */
  unhideByReason(hidden: string): Promise<number>;
}
