import { logger } from "../logging.ts";
import type { Account, Store } from "../storage/types.ts";
import { slugify } from "./practice.ts";
import { missingAccessibility, type CaptionTrack, type Resource, type ResourceFields, type ResourceFile } from "./resource.ts";
import { initialStatus } from "./practices.ts";
import { absolute } from "./urls.ts";
import { checkReview, federationChange, isPublic, recordSubmission, type ReviewAction } from "./workflow.ts";

const log = logger("domain", "resources");

const RESERVED_SLUGS = ["new"];

/** Settings key of the rule that keeps recordings without captions or a transcript from being published. */
export const REQUIRE_ACCESSIBLE_MEDIA_SETTING = "resources.requireAccessibleMedia";

export const RESOURCE_PATHS = {
  resource: (slug: string) => `/resources/${encodeURIComponent(slug)}`,
  remoteResource: (slug: string) => `/library/resources/${encodeURIComponent(slug)}`,
} as const;

/** Returns the path of a resource's page here: local ones under /resources, partner copies under /library/resources. */
export function resourcePath(resource: Pick<Resource, "local" | "slug">): string {
  return resource.local ? RESOURCE_PATHS.resource(resource.slug) : RESOURCE_PATHS.remoteResource(resource.slug);
}

/** Changes to resources that federation sends to the organization's followers; the federation layer logs a failed delivery instead of throwing it. */
export interface ResourceEvents {
  resourcePublished(resource: Resource): Promise<void>;
  resourceUpdated(resource: Resource): Promise<void>;
  resourceDeleted(resource: Resource): Promise<void>;
}

export async function requiresAccessibleMedia(store: Store): Promise<boolean> {
  return (await store.settings.get(REQUIRE_ACCESSIBLE_MEDIA_SETTING)) === "true";
}

export async function setRequireAccessibleMedia(store: Store, required: boolean): Promise<void> {
  await store.settings.set(REQUIRE_ACCESSIBLE_MEDIA_SETTING, String(required));
}

/** Files chosen in the editor: the main file, if any, and one caption track per language. */
export interface ResourceFiles {
  file: ResourceFile | null;
  captions: CaptionTrack[];
}

/** Publishing was refused by the instance's accessibility rule; `missing` names what the recording lacks. */
export class InaccessibleMediaError extends Error {
  constructor(readonly missing: ("captions" | "transcript")[]) {
    super(`A recording needs ${missing.join(" and ")} before it can be published on this instance`);
  }
}

/** Creates, edits and deletes the organization's own resources, and reports each change to federation. */
export class ResourceService {
  constructor(
    private readonly store: Store,
    private readonly origin: string,
    private readonly groupIri: string,
    private readonly events: ResourceEvents,
  ) {}

  async #uniqueSlug(title: string): Promise<string> {
    let base = slugify(title);
    if (base === "practice") base = "resource";
    if (RESERVED_SLUGS.includes(base)) base = `${base}-resource`;
    let slug = base;
    for (let suffix = 2; await this.store.resources.slugExists(slug); suffix++) slug = `${base}-${suffix}`;
    return slug;
  }

  /** Throws InaccessibleMediaError when publishing a recording the instance's rule holds back. */
  async #checkPublishable(resource: Pick<Resource, "resourceType" | "captions" | "text">): Promise<void> {
    const missing = missingAccessibility(resource);
    if (missing.length > 0 && (await requiresAccessibleMedia(this.store))) throw new InaccessibleMediaError(missing);
  }

  async create(fields: ResourceFields, files: ResourceFiles, author: Account | null, options: { publish: boolean; submit?: boolean }): Promise<Resource> {
    if (options.publish) await this.#checkPublishable({ ...fields, captions: files.captions });
    // Two creations with the same title can pick the same free slug at once; the loser takes the next one.
    for (let attempt = 1; attempt <= 5; attempt++) {
      const slug = await this.#uniqueSlug(fields.text[fields.primaryLanguage]!.title);
      const now = new Date().toISOString();
      const iri = absolute(this.origin, RESOURCE_PATHS.resource(slug));
      const resource: Resource = {
        ...fields,
        ...files,
        iri,
        slug,
        local: true,
        url: iri,
        attributedTo: this.groupIri,
        sourceActor: null,
        authorAccountId: author?.id ?? null,
        status: initialStatus(options.publish, options.submit ?? false),
        descriptionHtml: null,
        published: options.publish ? now : null,
        updated: now,
        deleted: null,
      };
      if (!(await this.store.resources.insertNew(resource))) continue;
      log.info("Created resource {slug} ({status})", { slug, status: resource.status, author: author?.username });
      if (resource.status === "submitted") await recordSubmission(this.store, resource.iri, author);
      if (options.publish) await this.events.resourcePublished(resource);
      return resource;
    }
    throw new Error("Could not find a free slug for the resource after 5 attempts");
  }

  /**
   * Saves an edit, keeping the resource's status unless `publish` makes it
   * public (Create) or `submit` hands a draft in for review. Editing a
   * public resource sends Update.
   */
  async update(existing: Resource, fields: ResourceFields, files: ResourceFiles, options: { publish: boolean; submit?: boolean; by?: Account | null }): Promise<Resource> {
    let status = existing.status;
    if (options.publish && !isPublic(status)) status = "published";
    else if (options.submit && status === "draft") status = "submitted";
    if (isPublic(status)) await this.#checkPublishable({ ...fields, captions: files.captions });
    const resource = await this.#save({ ...existing, ...fields, ...files }, status);
    log.info("Updated resource {slug}", { slug: resource.slug, status: resource.status });
    if (status === "submitted" && existing.status === "draft") await recordSubmission(this.store, resource.iri, options.by ?? null);
    await this.#announce(existing.status, resource);
    return resource;
  }

  /** Moves a resource along its review, as PracticeService.review does for practices. */
  async review(existing: Resource, action: ReviewAction, by: Account, comment: string): Promise<Resource> {
    const { status, comment: text } = checkReview(existing, action, by, comment);
    if (isPublic(status) && !isPublic(existing.status)) await this.#checkPublishable(existing);
    const resource = status === existing.status ? existing : await this.#save(existing, status);
    await this.store.reviews.add({ itemIri: existing.iri, accountId: by.id, action, fromStatus: existing.status, toStatus: status, comment: text, created: new Date().toISOString() });
    log.info("Review of resource {slug}: {action} by {username}", { slug: existing.slug, action, username: by.username, status });
    if (status !== existing.status) await this.#announce(existing.status, resource);
    return resource;
  }

  async #save(resource: Resource, status: Resource["status"]): Promise<Resource> {
    const now = new Date().toISOString();
    const saved: Resource = {
      ...resource,
      status,
      published: resource.published ?? (isPublic(status) ? now : null),
      // Mastodon applies an Update only when `updated` moves forward.
      updated: now > resource.updated ? now : new Date(Date.parse(resource.updated) + 1).toISOString(),
    };
    await this.store.resources.save(saved);
    return saved;
  }

  async #announce(before: Resource["status"], resource: Resource): Promise<void> {
    const change = federationChange(before, resource.status);
    if (change === "create") await this.events.resourcePublished(resource);
    else if (change === "delete") await this.events.resourceDeleted(resource);
    else if (change === "update" || (change === "none" && isPublic(resource.status))) await this.events.resourceUpdated(resource);
  }

  /** Marks the resource deleted: its URL then returns 410 and its slug is never given out again. Its files stay, since other resources may share them. */
  async remove(existing: Resource): Promise<void> {
    const now = new Date().toISOString();
    await this.store.resources.save({ ...existing, deleted: now, updated: now });
    log.info("Deleted resource {slug}", { slug: existing.slug });
    if (isPublic(existing.status)) await this.events.resourceDeleted({ ...existing, deleted: now, updated: now });
  }
}
