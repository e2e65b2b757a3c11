import { logger } from "../logging.ts";
import type { Account, Store } from "../storage/types.ts";
import type { DomainEvents } from "./events.ts";
import { slugify, type Practice, type PracticeFields } from "./practice.ts";
import { absolute, PATHS } from "./urls.ts";
import { checkReview, federationChange, isPublic, recordSubmission, type ReviewAction } from "./workflow.ts";

const log = logger("domain", "practices");

const RESERVED_SLUGS = ["new"];

export { MAX_REVIEW_COMMENT_LENGTH, ReviewError } from "./workflow.ts";

/** Returns the status of a new item: published, submitted for review, or a draft. */
export function initialStatus(publish: boolean, submit: boolean): "published" | "submitted" | "draft" {
  if (publish) return "published";
  return submit ? "submitted" : "draft";
}

/** Creates, edits and deletes the organization's own practices, and reports each change to federation through DomainEvents. */
export class PracticeService {
  constructor(
    private readonly store: Store,
    private readonly origin: string,
    private readonly groupIri: string,
    private readonly events: DomainEvents,
  ) {}

  /** Picks a slug from the title that no practice, even a deleted one, has used, since ids are never reused. */
  async uniqueSlug(title: string, requestedSlug?: string): Promise<string> {
    let base = slugify(requestedSlug || title);
    // "new" is the editor's path under /practices.
    if (RESERVED_SLUGS.includes(base)) base = `${base}-practice`;
    let slug = base;
    for (let suffix = 2; await this.store.practices.slugExists(slug); suffix++) slug = `${base}-${suffix}`;
    return slug;
  }

  async create(fields: PracticeFields, author: Account | null, options: { publish: boolean; submit?: boolean; slug?: string }): Promise<Practice> {
    // Two creations with the same title can pick the same free slug at once; the loser takes the next one.
    for (let attempt = 1; attempt <= 5; attempt++) {
      const slug = await this.uniqueSlug(fields.text[fields.primaryLanguage]!.title, options.slug);
      const practice = this.#newPractice(fields, author, options.publish, slug, options.submit ?? false);
      if (!(await this.store.practices.insertNew(practice))) {
        log.debug("Slug {slug} was taken while creating a practice; trying the next one", { slug, attempt });
        continue;
      }
      log.info("Created practice {slug} ({status})", { slug, status: practice.status, author: author?.username });
      if (practice.status === "submitted") await recordSubmission(this.store, practice.iri, author);
      if (options.publish) await this.events.practicePublished(practice);
      return practice;
    }
    throw new Error("Could not find a free slug for the practice after 5 attempts");
  }

  #newPractice(fields: PracticeFields, author: Account | null, publish: boolean, slug: string, submit: boolean): Practice {
    const now = new Date().toISOString();
    return {
      ...fields,
      iri: absolute(this.origin, PATHS.practice(slug)),
      slug,
      local: true,
      url: absolute(this.origin, PATHS.practice(slug)),
      attributedTo: this.groupIri,
      sourceActor: null,
      authorAccountId: author?.id ?? null,
      status: initialStatus(publish, submit),
      bodyHtml: null,
      published: publish ? now : null,
      updated: now,
      deleted: null,
    };
  }

  /**
   * Saves an edit, keeping the practice's status unless `publish` makes it
   * public (Create) or `submit` hands a draft in for review. Editing a
   * public practice sends Update.
   */
  async update(existing: Practice, fields: PracticeFields, options: { publish: boolean; submit?: boolean; by?: Account | null }): Promise<Practice> {
    let status = existing.status;
    if (options.publish && !isPublic(status)) status = "published";
    else if (options.submit && status === "draft") status = "submitted";
    const practice = await this.#save({ ...existing, ...fields }, status);
    log.info("Updated practice {slug}", { slug: practice.slug, status: practice.status });
    if (status === "submitted" && existing.status === "draft") await recordSubmission(this.store, practice.iri, options.by ?? null);
    await this.#announce(existing.status, practice);
    return practice;
  }

  /**
   * Moves a practice along its review: checks that the action is open to
   * this person in this status, records it with its comment in the review
   * history, and sends what the change means for partners.
   */
  async review(existing: Practice, action: ReviewAction, by: Account, comment: string): Promise<Practice> {
    const { status, comment: text } = checkReview(existing, action, by, comment);
    const practice = status === existing.status ? existing : await this.#save(existing, status);
    await this.store.reviews.add({ itemIri: existing.iri, accountId: by.id, action, fromStatus: existing.status, toStatus: status, comment: text, created: new Date().toISOString() });
    log.info("Review of practice {slug}: {action} by {username}", { slug: existing.slug, action, username: by.username, status });
    if (status !== existing.status) await this.#announce(existing.status, practice);
    return practice;
  }

  async #save(practice: Practice, status: Practice["status"]): Promise<Practice> {
    const now = new Date().toISOString();
    const saved: Practice = {
      ...practice,
      status,
      published: practice.published ?? (isPublic(status) ? now : null),
      // Mastodon applies an Update only when `updated` moves forward.
      updated: now > practice.updated ? now : new Date(Date.parse(practice.updated) + 1).toISOString(),
    };
    await this.store.practices.save(saved);
    return saved;
  }

  async #announce(before: Practice["status"], practice: Practice): Promise<void> {
    const change = federationChange(before, practice.status);
    if (change === "create") await this.events.practicePublished(practice);
    else if (change === "delete") await this.events.practiceDeleted(practice);
    else if (change === "update" || (change === "none" && isPublic(practice.status))) await this.events.practiceUpdated(practice);
  }

  /** Marks the practice deleted: its URL then returns 410 and its slug is never given out again. */
  async remove(existing: Practice): Promise<void> {
    const now = new Date().toISOString();
    const practice: Practice = { ...existing, deleted: now, updated: now };
    await this.store.practices.save(practice);
    log.info("Deleted practice {slug}", { slug: practice.slug });
    if (isPublic(existing.status)) await this.events.practiceDeleted(practice);
  }
}
