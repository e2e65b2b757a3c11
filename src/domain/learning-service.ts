import { logger } from "../logging.ts";
import type { Account, Store } from "../storage/types.ts";
import type { LearningFields, LearningOpportunity } from "./learning.ts";
import { slugify } from "./practice.ts";
import { absolute } from "./urls.ts";

const log = logger("domain", "learning");

/** "new" is the editor's path under /learning. */
const RESERVED_SLUGS = ["new"];

/** Page and ActivityPub id of a local learning opportunity; partner copies have their page under the same path. */
export const learningPath = (slug: string) => `/learning/${encodeURIComponent(slug)}`;

/** Changes to learning opportunities that the federation layer turns into activities; a failed delivery never fails the caller. */
export interface LearningEvents {
  learningPublished(item: LearningOpportunity): Promise<void>;
  learningUpdated(item: LearningOpportunity): Promise<void>;
  learningDeleted(item: LearningOpportunity): Promise<void>;
}

/**
 * Creates, edits and deletes the organization's own learning
 * opportunities. They are published as soon as they are saved: unlike
 * practices they have no draft and review workflow.
 */
export class LearningService {
  constructor(
    private readonly store: Store,
    private readonly origin: string,
    private readonly groupIri: string,
    private readonly events: LearningEvents,
  ) {}

  /** Picks a slug from the title that no item, even a deleted one, has used, since ids are never reused. */
  async uniqueSlug(title: string): Promise<string> {
    let base = slugify(title);
    if (base === "practice") base = "learning";
    if (RESERVED_SLUGS.includes(base)) base = `${base}-learning`;
    let slug = base;
    for (let suffix = 2; await this.store.learning.slugExists(slug); suffix++) slug = `${base}-${suffix}`;
    return slug;
  }

  async create(fields: LearningFields, author: Account | null): Promise<LearningOpportunity> {
    // Two creations with the same title can pick the same free slug at once; the loser takes the next one.
    for (let attempt = 1; attempt <= 5; attempt++) {
      const slug = await this.uniqueSlug(fields.text[fields.primaryLanguage]!.title);
      const now = new Date().toISOString();
      const iri = absolute(this.origin, learningPath(slug));
      const item: LearningOpportunity = {
        ...fields,
        iri,
        slug,
        local: true,
        url: iri,
        attributedTo: this.groupIri,
        sourceActor: null,
        authorAccountId: author?.id ?? null,
        descriptionHtml: null,
        published: now,
        updated: now,
        deleted: null,
      };
      if (!(await this.store.learning.insertNew(item))) {
        log.debug("Slug {slug} was taken while creating a learning opportunity; trying the next one", { slug, attempt });
        continue;
      }
      log.info("Created learning opportunity {slug}", { slug, author: author?.username });
      await this.events.learningPublished(item);
      return item;
    }
    throw new Error("Could not find a free slug for the learning opportunity after 5 attempts");
  }

  async update(existing: LearningOpportunity, fields: LearningFields): Promise<LearningOpportunity> {
    const now = new Date().toISOString();
    const item: LearningOpportunity = {
      ...existing,
      ...fields,
      // Mastodon applies an Update only when `updated` moves forward.
      updated: now > existing.updated ? now : new Date(Date.parse(existing.updated) + 1).toISOString(),
    };
    await this.store.learning.save(item);
    log.info("Updated learning opportunity {slug}", { slug: item.slug });
    await this.events.learningUpdated(item);
    return item;
  }

  /** Marks the item deleted: its URL then returns 410 and its slug is never given out again. */
  async remove(existing: LearningOpportunity): Promise<void> {
    const now = new Date().toISOString();
    const item: LearningOpportunity = { ...existing, deleted: now, updated: now };
    await this.store.learning.save(item);
    log.info("Deleted learning opportunity {slug}", { slug: item.slug });
    await this.events.learningDeleted(item);
  }
}
