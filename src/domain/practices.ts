import { logger } from "../logging.ts";
import type { Account, Store } from "../storage/types.ts";
import type { DomainEvents } from "./events.ts";
import { slugify, type Practice, type PracticeFields } from "./practice.ts";
import { absolute, PATHS } from "./urls.ts";

const log = logger("domain", "practices");

const RESERVED_SLUGS = ["new"];

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

  async create(fields: PracticeFields, author: Account | null, options: { publish: boolean; slug?: string }): Promise<Practice> {
    // Two creations with the same title can pick the same free slug at once; the loser takes the next one.
    for (let attempt = 1; attempt <= 5; attempt++) {
      const slug = await this.uniqueSlug(fields.text[fields.primaryLanguage]!.title, options.slug);
      const practice = this.#newPractice(fields, author, options.publish, slug);
      if (!(await this.store.practices.insertNew(practice))) {
        log.debug("Slug {slug} was taken while creating a practice; trying the next one", { slug, attempt });
        continue;
      }
      log.info("Created practice {slug} ({status})", { slug, status: practice.status, author: author?.username });
      if (options.publish) await this.events.practicePublished(practice);
      return practice;
    }
    throw new Error("Could not find a free slug for the practice after 5 attempts");
  }

  #newPractice(fields: PracticeFields, author: Account | null, publish: boolean, slug: string): Practice {
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
      status: publish ? "published" : "draft",
      bodyHtml: null,
      published: publish ? now : null,
      updated: now,
      deleted: null,
    };
  }

  /** Saves an edit; publishing a draft sends Create, editing a published practice sends Update. */
  async update(existing: Practice, fields: PracticeFields, options: { publish: boolean }): Promise<Practice> {
    const now = new Date().toISOString();
    const wasPublished = existing.status === "published";
    const publish = wasPublished || options.publish;
    const practice: Practice = {
      ...existing,
      ...fields,
      status: publish ? "published" : "draft",
      published: existing.published ?? (publish ? now : null),
      // Mastodon applies an Update only when `updated` moves forward.
      updated: now > existing.updated ? now : new Date(Date.parse(existing.updated) + 1).toISOString(),
    };
    await this.store.practices.save(practice);
    log.info("Updated practice {slug}", { slug: practice.slug, status: practice.status });
    if (wasPublished) await this.events.practiceUpdated(practice);
    else if (publish) await this.events.practicePublished(practice);
    return practice;
  }

  /** Marks the practice deleted: its URL then returns 410 and its slug is never given out again. */
  async remove(existing: Practice): Promise<void> {
    const now = new Date().toISOString();
    const practice: Practice = { ...existing, deleted: now, updated: now };
    await this.store.practices.save(practice);
    log.info("Deleted practice {slug}", { slug: practice.slug });
    if (existing.status === "published") await this.events.practiceDeleted(practice);
  }
}
