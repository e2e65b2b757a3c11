import { logger } from "../logging.ts";
import type { Account, Store } from "../storage/types.ts";
import { consultationState, type Consultation, type ConsultationFields } from "./consultation.ts";
import type { Language } from "./vocabulary.ts";
import { slugify } from "./practice.ts";
import { absolute } from "./urls.ts";

const log = logger("domain", "consultation");

/** Due consultations read at a time by announceDueClosings. */
const CLOSING_BATCH_SIZE = 50;

/** "new" is the editor's path under /consultations. */
const RESERVED_SLUGS = ["new"];

/** Page and ActivityPub id of a local consultation; partner copies have their page under the same path. */
export const consultationPath = (slug: string) => `/consultations/${encodeURIComponent(slug)}`;

/** Changes to consultations that the federation layer turns into activities; a failed delivery never fails the caller. */
export interface ConsultationEvents {
  consultationPublished(item: Consultation): Promise<void>;
  /** Sent for edits, for the summary of what was heard, and once when the consultation closes. */
  consultationUpdated(item: Consultation): Promise<void>;
  consultationDeleted(item: Consultation): Promise<void>;
}

/** Returns a new `updated` that moves forward, because Mastodon applies an Update only when `updated` does. */
function nextUpdated(previous: string): string {
  const now = new Date().toISOString();
  return now > previous ? now : new Date(Date.parse(previous) + 1).toISOString();
}

/**
 * Creates, edits, closes and deletes the organization's own
 * consultations. Like learning opportunities they are published as soon as
 * they are saved.
 */
export class ConsultationService {
  constructor(
    private readonly store: Store,
    private readonly origin: string,
    private readonly groupIri: string,
    private readonly events: ConsultationEvents,
  ) {}

  /** Picks a slug from the title that no consultation, even a deleted one, has used, since ids are never reused. */
  async uniqueSlug(title: string): Promise<string> {
    let base = slugify(title);
    if (base === "practice") base = "consultation";
    if (RESERVED_SLUGS.includes(base)) base = `${base}-consultation`;
    let slug = base;
    for (let suffix = 2; await this.store.consultations.slugExists(slug); suffix++) slug = `${base}-${suffix}`;
    return slug;
  }

  /** Returns the moderators that name no local account, so the form can point at them. */
  async unknownModerators(usernames: string[]): Promise<string[]> {
    const unknown: string[] = [];
    for (const username of usernames) if (!(await this.store.accounts.byUsername(username))) unknown.push(username);
    return unknown;
  }

  async create(fields: ConsultationFields, author: Account | null): Promise<Consultation> {
    // Two creations with the same title can pick the same free slug at once; the loser takes the next one.
    for (let attempt = 1; attempt <= 5; attempt++) {
      const slug = await this.uniqueSlug(fields.text[fields.primaryLanguage]!.title);
      const now = new Date().toISOString();
      const iri = absolute(this.origin, consultationPath(slug));
      const item: Consultation = {
        ...fields,
        iri,
        slug,
        local: true,
        url: iri,
        attributedTo: this.groupIri,
        sourceActor: null,
        authorAccountId: author?.id ?? null,
        descriptionHtml: null,
        outcome: null,
        // A consultation created after its closing date has nothing left to announce.
        closingAnnounced: consultationState(fields) === "closed" ? now : null,
        published: now,
        updated: now,
        deleted: null,
      };
      if (!(await this.store.consultations.insertNew(item))) {
        log.debug("Slug {slug} was taken while creating a consultation; trying the next one", { slug, attempt });
        continue;
      }
      log.info("Created consultation {slug}", { slug, author: author?.username });
      await this.events.consultationPublished(item);
      return item;
    }
    throw new Error("Could not find a free slug for the consultation after 5 attempts");
  }

  async update(existing: Consultation, fields: ConsultationFields): Promise<Consultation> {
    const item: Consultation = { ...existing, ...fields, updated: nextUpdated(existing.updated) };
    // Moving the closing date into the future reopens the consultation, so its closing is announced again later.
    if (consultationState(item) !== "closed") item.closingAnnounced = null;
    await this.store.consultations.save(item);
    log.info("Updated consultation {slug}", { slug: item.slug });
    await this.events.consultationUpdated(item);
    return item;
  }

  /** Publishes the summary of what was heard; only a closed consultation has one. */
  async publishOutcome(existing: Consultation, outcome: Partial<Record<Language, string>>): Promise<Consultation> {
    if (consultationState(existing) !== "closed") throw new Error(`Consultation ${existing.slug} is not closed yet`);
    const item: Consultation = { ...existing, outcome, closingAnnounced: existing.closingAnnounced ?? new Date().toISOString(), updated: nextUpdated(existing.updated) };
    await this.store.consultations.save(item);
    log.info("Published the summary of consultation {slug}", { slug: item.slug });
    await this.events.consultationUpdated(item);
    return item;
  }

  /**
   * Sends the Update carrying `closed` once a local consultation has
   * closed, exactly once. The ClosingScheduler calls it for every due
   * consultation; the consultation's page, the list and the reply route call
   * it too when they read one, so the closing Update is queued before any
   * reader sees the consultation as closed here.
   */
  async announceClosingIfDue(existing: Consultation, now = new Date()): Promise<Consultation> {
    if (!existing.local || existing.deleted || existing.closingAnnounced || consultationState(existing, now) !== "closed") return existing;
    const item: Consultation = { ...existing, closingAnnounced: now.toISOString(), updated: nextUpdated(existing.updated) };
    // Two readers, or a reader and the scheduler, may see the same closing at once; only the one whose save wins sends the Update.
    if (!(await this.store.consultations.markClosingAnnounced(item.iri, item.closingAnnounced!, item.updated))) return (await this.store.consultations.byIri(item.iri)) ?? existing;
    log.info("Consultation {slug} closed; announcing it", { slug: item.slug });
    await this.events.consultationUpdated(item);
    return item;
  }

  /** Announces the closing of every local consultation that has closed without one; returns how many this call announced. */
  async announceDueClosings(now = new Date()): Promise<number> {
    let announced = 0;
    for (;;) {
      const due = await this.store.consultations.listClosingDue(now.toISOString(), CLOSING_BATCH_SIZE);
      let announcedInBatch = 0;
      for (const item of due) {
        const after = await this.announceClosingIfDue(item, now);
        if (after.closingAnnounced === now.toISOString()) announcedInBatch++;
      }
      announced += announcedInBatch;
      // A full batch may leave more behind, and the ones just announced are no longer due. A batch that announced
      // nothing (such as consultations whose opening is after their closing) would come back unchanged, so it ends the check.
      if (due.length < CLOSING_BATCH_SIZE || announcedInBatch === 0) return announced;
    }
  }

  /** Marks the consultation deleted: its URL then returns 410 and its slug is never given out again. */
  async remove(existing: Consultation): Promise<void> {
    const now = new Date().toISOString();
    const item: Consultation = { ...existing, deleted: now, updated: now };
    await this.store.consultations.save(item);
    log.info("Deleted consultation {slug}", { slug: item.slug });
    await this.events.consultationDeleted(item);
  }
}
